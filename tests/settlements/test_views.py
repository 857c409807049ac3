"""The settlement pages as staff and as a partner user: rules editor, compute, statement, confirm, exports."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from allies.settlements.models import Settlement, SharingRule


@pytest.fixture
def staff(client, manager):
    client.force_login(manager)
    return client


def _rule_form(partner, **extra):
    data = {"name": "联合销售分成", "basis": "revenue", "tier_method": "marginal", "share_0": "30", "share_1": "70",
            "tier_1_lower": "100000", "tier_1_upper": "", "tier_1_pct_0": "20", "tier_1_pct_1": "80"}
    data.update(extra)
    return data


def test_rules_editor_saves_a_30_70_rule_with_a_tier(staff, agreement, partner_a):
    page = staff.get(f"/settlements/agreements/{agreement.pk}/rules/")
    assert page.status_code == 200 and "伙伴A" in page.content.decode()
    response = staff.post(f"/settlements/agreements/{agreement.pk}/rules/", _rule_form(partner_a))
    assert response.status_code == 302
    rule = SharingRule.objects.get()
    assert rule.shares == [{"party": None, "percent": "30"}, {"party": partner_a.pk, "percent": "70"}]
    assert rule.tiers == [{"lower": 100_000_00, "upper": None, "percents": ["20", "80"]}]


@pytest.mark.parametrize(("extra", "message"), [
    ({"share_1": "60"}, "各方比例之和不是100%"),
    ({"tier_1_upper": "200000", "tier_2_lower": "150000", "tier_2_pct_0": "10", "tier_2_pct_1": "90"}, "阶梯重叠"),
    ({"min_payout": "12.345"}, "最多两位小数"),
])
def test_rules_editor_shows_errors_and_writes_nothing(staff, agreement, partner_a, extra, message):
    response = staff.post(f"/settlements/agreements/{agreement.pk}/rules/", _rule_form(partner_a, **extra))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SharingRule.objects.exists()


def test_compute_confirm_and_export(staff, agreement, rule, partner_a, make_user, write_sales):
    write_sales(partner_a, [("2026-07-05", "云平台", 80_000_00), ("2026-08-05", "数据中台", 40_000_00)])
    bad = staff.post(f"/settlements/agreements/{agreement.pk}/compute/", {"period": "2025Q1"})
    assert bad.status_code == 422 and "不在协议期限内" in bad.content.decode()
    response = staff.post(f"/settlements/agreements/{agreement.pk}/compute/", {"period": "2026Q3"})
    settlement = Settlement.objects.get()
    assert response.status_code == 302 and response.url == f"/settlements/{settlement.pk}/"
    page = staff.get(response.url).content.decode()
    assert "34,000.00" in page and "我方 20 / 伙伴A 80" in page  # 100,000 x 30% + 20,000 x 20%
    # the partner sees its own statement only, and confirms it
    partner_user = make_user("pa", "partner", partner=partner_a)
    partner = Client()
    partner.force_login(partner_user)
    own = partner.get(response.url)
    assert own.status_code == 200
    text = own.content.decode()
    assert 'data-party="us"' not in text and "86,000.00" in text
    assert partner.post(f"/settlements/{settlement.pk}/confirm/").status_code == 302
    assert staff.post(f"/settlements/{settlement.pk}/confirm/").status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == "confirmed"
    # exports
    book = load_workbook(io.BytesIO(staff.get(f"/settlements/{settlement.pk}/statement.xlsx").content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "34000.00" in cells and "86000.00" in cells
    partner_book = load_workbook(io.BytesIO(partner.get(f"/settlements/{settlement.pk}/statement.xlsx").content))
    partner_cells = [c for row in partner_book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "86000.00" in partner_cells and "34000.00" not in partner_cells
    pdf = PdfReader(io.BytesIO(staff.get(f"/settlements/{settlement.pk}/statement.pdf").content))
    assert "结算单" in pdf.pages[0].extract_text() and "伙伴A" in pdf.pages[0].extract_text()
    rows = b"".join(staff.get(f"/settlements/{settlement.pk}/rows.csv").streaming_content).decode("utf-8-sig")
    lines = rows.strip().splitlines()
    assert len(lines) == 3
    assert lines[1].endswith(",1,80000.00") and lines[2].endswith(",1→2,120000.00")


def test_other_partners_settlement_is_404(client_for, agreement, rule, partner_b, make_user, manager, write_sales,
                                          partner_a):
    from allies.settlements import services

    write_sales(partner_a, [("2026-07-05", "云平台", 100)])
    settlement = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    other = client_for(make_user("pb", "partner", partner=partner_b))
    for url in (f"/settlements/{settlement.pk}/", f"/settlements/agreements/{agreement.pk}/",
                f"/settlements/{settlement.pk}/statement.pdf", f"/settlements/{settlement.pk}/rows.csv"):
        assert other.get(url).status_code == 404
    assert other.post(f"/settlements/{settlement.pk}/confirm/").status_code == 404


def test_fair_split_advisor_for_three_parties(staff, agreement, rule, partner_a, partner_b):
    from allies.agreements.models import AgreementParty

    AgreementParty.objects.create(agreement=agreement, partner=partner_b)
    a, b = partner_a.pk, partner_b.pk
    response = staff.post(f"/settlements/agreements/{agreement.pk}/fair-split/", {
        "c_0": "100", f"c_{a}": "100", f"c_{b}": "100", f"c_0_{a}_{b}": "900"})
    assert response.status_code == 302
    page = staff.get(f"/settlements/agreements/{agreement.pk}/fair-split/").content.decode()
    assert page.count("33.33%") == 3 and "<svg" in page


def test_partner_sees_no_other_sellers_volumes_without_a_grant(agreement, rule, partner_a, partner_b, manager,
                                                               make_user, write_sales):
    from allies.agreements.models import AgreementParty
    from allies.settlements import services
    from allies.sharing.sales import sharing_grant_set

    AgreementParty.objects.create(agreement=agreement, partner=partner_b)
    write_sales(partner_a, [("2026-07-05", "云平台", 10_000_00)])
    write_sales(partner_b, [("2026-07-06", "乙方机密产品", 987_654_00)])
    settlement = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    client = Client()
    client.force_login(make_user("pa", "partner", partner=partner_a))
    page = client.get(f"/settlements/{settlement.pk}/").content.decode()
    assert "乙方机密产品" not in page and "997,654.00" not in page and "伙伴B" not in page
    rows = b"".join(client.get(f"/settlements/{settlement.pk}/rows.csv").streaming_content).decode("utf-8-sig")
    assert "乙方机密产品" not in rows and len(rows.strip().splitlines()) == 2
    # with aggregates shared, B's statement lines (not its rows) become visible to A
    sharing_grant_set(actor=manager, grantor_id=partner_b.pk, grantee_id=partner_a.pk, level="aggregates")
    page = client.get(f"/settlements/{settlement.pk}/").content.decode()
    assert "乙方机密产品" in page and "997,654.00" in page
    rows = b"".join(client.get(f"/settlements/{settlement.pk}/rows.csv").streaming_content).decode("utf-8-sig")
    assert "乙方机密产品" not in rows


def test_cost_rule_cost_entry_and_bonus_forms_save_or_show_their_errors(staff, agreement, partner_a):
    """The agreement page's three small forms: a save redirects back; a refusal re-renders the page
    with the form's error and writes nothing (422)."""
    from allies.settlements.models import CostEntry, CostRule, PerformanceBonus

    page = f"/settlements/agreements/{agreement.pk}/"
    # cost rule: shares that do not sum to 100 % are refused by the service
    refused = staff.post(f"{page}cost-rules/", {"category": "联合营销活动", "share_0": "50", "share_1": "40"})
    assert refused.status_code == 422 and not CostRule.objects.exists()
    assert "联合营销活动" in refused.content.decode()  # the form comes back filled in
    assert staff.post(f"{page}cost-rules/", {"share_0": "50", "share_1": "50"}).status_code == 422  # no category
    saved = staff.post(f"{page}cost-rules/", {"category": "联合营销活动", "share_0": "50", "share_1": "50"})
    assert saved.status_code == 302 and saved["Location"] == page
    cost_rule = CostRule.objects.get()

    # cost entry: a bad amount is named on the form
    entry = {"rule": str(cost_rule.pk), "date": "2026-03-05", "amount": "abc", "paid_by": str(partner_a.pk)}
    refused = staff.post(f"{page}costs/", entry)
    assert refused.status_code == 422 and "请填写金额" in refused.content.decode()
    assert not CostEntry.objects.exists()
    saved = staff.post(f"{page}costs/", {**entry, "amount": "1,200.50"}, follow=True)
    assert "已记录共担成本" in saved.content.decode()
    assert CostEntry.objects.get().amount == 120050

    # bonus
    bonus = {"partner": str(partner_a.pk), "metric": "revenue", "target": "x", "amount": "500"}
    assert staff.post(f"{page}bonuses/", bonus).status_code == 422 and not PerformanceBonus.objects.exists()
    saved = staff.post(f"{page}bonuses/", {**bonus, "target": "100000"}, follow=True)
    assert "已添加绩效激励" in saved.content.decode()
    assert PerformanceBonus.objects.get().amount == 500_00
