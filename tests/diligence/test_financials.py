"""Financial figures on a case: validation, the proposed rating with its rule, and accepting or changing it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from allies.core.errors import DomainError, ErrorCode
from allies.diligence import selectors, services
from allies.diligence.models import FinancialYear
from allies.partners.models import Rating

from .conftest import call

pytestmark = pytest.mark.django_db

# 2022-2024 in fen: revenue 10.00m -> 12.10m yuan (exactly 10 % a year), 2024 margin 8 %, cash positive
# every year, 2024 debt ratio 62.5 %: growth 2 + margin 1 + cash 2 + debt 1 + three years 2 = 8.
YEARS = [
    {"year": 2022, "revenue": 1_000_000_000, "profit": 50_000_000, "operating_cash_flow": 30_000_000,
     "debt_ratio": "60"},
    {"year": 2023, "revenue": 1_100_000_000, "profit": 70_000_000, "operating_cash_flow": 20_000_000,
     "debt_ratio": "61.25"},
    {"year": 2024, "revenue": 1_210_000_000, "profit": 96_800_000, "operating_cash_flow": 10_000_000,
     "debt_ratio": "62.5"},
]


@pytest.fixture
def figures(manager, case):
    return [services.financial_year_add(actor=manager, case=case, **y) for y in YEARS]


def refused(manager, case, **overrides) -> DomainError:
    data = {"year": 2025, "revenue": 1, "profit": 1, "operating_cash_flow": 1, "debt_ratio": "10", **overrides}
    with pytest.raises(DomainError) as caught:
        services.financial_year_add(actor=manager, case=case, **data)
    return caught.value


def test_figures_are_stored_in_minor_units_with_currency(figures):
    stored = FinancialYear.objects.get(year=2023)
    assert (stored.revenue, stored.profit, stored.operating_cash_flow) == (1_100_000_000, 70_000_000, 20_000_000)
    assert (stored.currency, stored.debt_ratio) == ("CNY", Decimal("61.25"))


def test_proposal_follows_the_rule_part_by_part(case, figures):
    view = selectors.proposal_view(case)
    assert (view.score, view.max_score) == (8, 10)
    assert [(line["code"], line["points"]) for line in view.lines] == [
        ("revenue_growth", 2), ("net_margin", 1), ("cash_flow", 2), ("debt_ratio", 1), ("history", 2)]
    texts = {line["code"]: line["text"] for line in view.lines}
    assert "2022→2024 年营收年均增长 10.0%" in texts["revenue_growth"]
    assert "2024 年净利率 8.0%" in texts["net_margin"]
    assert "3 个年度中 3 个经营现金流为正" in texts["cash_flow"]
    assert "2024 年资产负债率 62.5%" in texts["debt_ratio"] and "≤70% 得 1 分" in texts["debt_ratio"]


def test_no_figures_no_proposal(case):
    assert selectors.proposal_view(case) is None


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"year": 2023}, "year", "2023 年的财务数据已经填写过"),
    ({"debt_ratio": "100.5"}, "debt_ratio", "0 到 100"),
    ({"debt_ratio": "-0.01"}, "debt_ratio", "0 到 100"),
    ({"debt_ratio": "45.555"}, "debt_ratio", "两位小数"),
    ({"revenue": "12.5"}, "revenue", "营业收入“12.5”无效：金额须为整数"),
    ({"profit": 12.0}, "profit", "净利润“12.0”无效"),
    ({"operating_cash_flow": "一百"}, "operating_cash_flow", "经营现金流"),
    ({"revenue": -5}, "revenue", "不能为负数"),
    ({"revenue": 10**17}, "revenue", "超出范围"),
    ({"year": "二〇二五"}, "year", "年度"),
    ({"currency": "USD"}, "currency", "CNY"),
    ({"currency": "rmb1"}, "currency", "ISO 4217"),
])
def test_bad_figures_are_refused_with_a_clear_message(manager, case, figures, overrides, field, words):
    error = refused(manager, case, **overrides)
    assert error.code == ErrorCode.VALIDATION
    assert error.details["errors"][0]["field"] == field
    assert words in error.message
    assert FinancialYear.objects.count() == 3


def test_at_most_five_years(manager, case, figures):
    services.financial_year_add(actor=manager, case=case, year=2021, revenue=1, profit=1, operating_cash_flow=1,
                                debt_ratio=1)
    services.financial_year_add(actor=manager, case=case, year=2020, revenue=1, profit=1, operating_cash_flow=1,
                                debt_ratio=1)
    error = refused(manager, case, year=2019)
    assert "最多填写 5 个年度" in error.message
    assert sorted(FinancialYear.objects.values_list("year", flat=True)) == [2020, 2021, 2022, 2023, 2024]


def test_money_typed_in_yuan_becomes_fen():
    assert services.money_from_major("revenue", "1,234.56", "CNY") == 123456
    assert services.money_from_major("profit", "-7", "CNY") == -700
    assert services.money_from_major("revenue", "1000", "JPY") == 1000
    with pytest.raises(DomainError, match="最多 2 位小数"):
        services.money_from_major("revenue", "1.234", "CNY")
    with pytest.raises(DomainError, match="不是金额"):
        services.money_from_major("revenue", "abc", "CNY")


# --------------------------------------------------------------------------- accepting or changing the proposal


def test_accept_records_the_proposed_score_for_the_current_user(manager, case, figures):
    rating = services.financial_rating_record(actor=manager, case=case)
    stored = Rating.objects.get(partner=case.partner, criterion_code="financial_health", rater=manager)
    assert stored.pk == rating.pk and stored.score == Decimal("8.00")
    assert "建议分 8" in stored.note


def test_change_records_the_raters_own_score(manager, admin_user, case, figures):
    services.financial_rating_record(actor=manager, case=case)
    services.financial_rating_record(actor=manager, case=case, score="6.5")
    services.financial_rating_record(actor=admin_user, case=case)
    scores = dict(Rating.objects.filter(criterion_code="financial_health").values_list("rater__username", "score"))
    assert scores == {"manager": Decimal("6.50"), "admin": Decimal("8.00")}


def test_rating_needs_figures_and_a_valid_score(manager, case):
    with pytest.raises(DomainError, match="至少一个年度"):
        services.financial_rating_record(actor=manager, case=case)
    services.financial_year_add(actor=manager, case=case, **YEARS[0])
    with pytest.raises(DomainError) as caught:
        services.financial_rating_record(actor=manager, case=case, score="11")
    assert caught.value.code == ErrorCode.INVALID_RATING
    assert not Rating.objects.exists()


# --------------------------------------------------------------------------- the same through the page and the API


def test_page_shows_the_proposal_and_accept_creates_the_rating(manager, case, figures, client_for):
    client = client_for(manager)
    page = client.get(reverse("diligence:detail", args=[case.pk])).content.decode()
    assert "建议的财务健康度评分：8 / 10" in page
    assert "12,100,000.00" in page  # 2024 revenue in yuan
    response = client.post(reverse("diligence:financial_rate", args=[case.pk]), {"action": "accept"})
    assert response.status_code == 302
    assert Rating.objects.get(rater=manager, criterion_code="financial_health").score == Decimal("8")
    client.post(reverse("diligence:financial_rate", args=[case.pk]), {"action": "change", "score": "7"})
    assert Rating.objects.get(rater=manager, criterion_code="financial_health").score == Decimal("7")


def test_page_form_takes_yuan_and_shows_errors_without_writing(manager, case, client_for):
    client = client_for(manager)
    url = reverse("diligence:financial_add", args=[case.pk])
    good = {"year": "2024", "currency": "CNY", "revenue": "1,000,000.50", "profit": "-20000",
            "operating_cash_flow": "5000", "debt_ratio": "45.5"}
    assert client.post(url, good).status_code == 302
    stored = FinancialYear.objects.get()
    assert (stored.revenue, stored.profit, stored.debt_ratio) == (100_000_050, -2_000_000, Decimal("45.5"))
    response = client.post(url, {**good, "year": "2023", "revenue": "10.005"})
    assert response.status_code == 422
    assert "营业收入“10.005”无效" in response.content.decode()
    response = client.post(url, {**good, "year": "2024"})
    assert response.status_code == 422 and "2024 年的财务数据已经填写过" in response.content.decode()
    assert FinancialYear.objects.count() == 1


def test_api_refuses_fractional_money_and_bad_ratio(manager, case, client_for):
    client = client_for(manager)
    url = f"/api/v1/diligence/cases/{case.pk}/financial-years"
    body = {"year": 2024, "revenue": 100, "profit": 10, "operating_cash_flow": 5, "debt_ratio": 40}
    response = call(client, "POST", url, {**body, "revenue": 100.5})
    assert response.status_code == 422 and "revenue" in response.json()["message"]
    response = call(client, "POST", url, {**body, "debt_ratio": 101})
    assert response.status_code == 422 and response.json()["details"]["errors"][0]["field"] == "debt_ratio"
    assert not FinancialYear.objects.exists()
    assert call(client, "POST", url, body).status_code == 201
    proposal = client.get(f"/api/v1/diligence/cases/{case.pk}").json()["proposal"]
    # one year: growth 0, margin 10 % -> 2, cash 2, debt 40 % -> 2, history 0
    assert proposal["score"] == 6
    assert [p["points"] for p in proposal["parts"]] == [0, 2, 2, 2, 0]
