"""Export of candidate partners (.xlsx/.csv), formula neutralisation, and export -> import round trips."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from allies.core.errors import DomainError, ErrorCode
from allies.partners import services, transfer
from allies.partners.models import Partner, Rating, StageChange
from allies.partners.screening import rating_set

from .sheets import USCC_1, USCC_2

pytestmark = pytest.mark.django_db

DANGEROUS_NAMES = ["=cmd|' /C calc'!A0", "+1", "@SUM(1)", "-2+3"]
FIELDS = ("name", "uscc", "industry", "region", "size", "website", "source_channel", "resources", "stage", "notes")


@pytest.fixture
def registry(manager):
    """Partners with every field filled in, some with awkward text, and the manager's ratings."""
    full = services.partner_create(actor=manager, data={
        "name": "星火科技", "uscc": USCC_1, "industry": "智能硬件", "region": "深圳", "size": "medium",
        "website": "https://spark.example.com", "source_channel": "referral",
        "resources": ["technology", "channel", "customer_base"], "notes": '第一行\n第二行, 含逗号和 "引号"',
    })
    services.partner_change_stage(actor=manager, partner=full, to_stage="pilot", reason="试点启动", override=True)
    services.partner_create(actor=manager, data={"name": "Blue Sky Ltd", "uscc": USCC_2, "size": "large",
                                                 "source_channel": "trade_show", "resources": ["data"]})
    for name in DANGEROUS_NAMES:
        services.partner_create(actor=manager, data={"name": name, "notes": "=HYPERLINK(\"http://x\")"})
    rating_set(actor=manager, partner=full, criterion_code="strategic_fit", score="8.5")
    rating_set(actor=manager, partner=full, criterion_code="willingness", score=7)
    return full


def snapshot():
    partners = {p["name"]: p for p in Partner.objects.order_by("name").values(*FIELDS)}
    ratings = {(r.partner.name, r.criterion_code, r.rater_id): r.score for r in Rating.objects.select_related("partner")}
    return partners, ratings


def read_xlsx(data: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_xlsx_export_content(manager, registry):
    data, content_type, filename = transfer.export_partners(user=manager, fmt="xlsx")
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert filename.startswith("partners-") and filename.endswith(".xlsx")
    rows = read_xlsx(data)
    header = rows[0]
    assert header[:10] == ["名称", "统一社会信用代码", "行业", "地区", "规模", "网站", "寻找渠道", "提供的资源",
                           "合作阶段", "备注"]
    assert header[10:] == ["战略匹配度", "资源互补性", "财务健康度", "市场声誉", "文化兼容性", "合作意愿"]
    by_name = {r[0]: r for r in rows[1:]}
    spark = by_name["星火科技"]
    assert spark[1:10] == [USCC_1, "智能硬件", "深圳", "中型（100-999人）", "https://spark.example.com",
                           "客户与供应商推荐", "技术、渠道、客户群", "试点", '第一行\n第二行, 含逗号和 "引号"']
    assert spark[10] == 8.5 and spark[15] == 7
    assert spark[11:15] == [None, None, None, None]
    assert len(rows) == 1 + 2 + len(DANGEROUS_NAMES)


def test_csv_export_starts_with_bom_and_has_same_rows_as_xlsx(manager, registry):
    data, content_type, filename = transfer.export_partners(user=manager, fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert content_type.startswith("text/csv")
    assert filename.endswith(".csv")
    rows = read_csv(data)
    xlsx_rows = read_xlsx(transfer.export_partners(user=manager, fmt="xlsx")[0])
    assert rows[0] == xlsx_rows[0]
    as_text = [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in row] for row in xlsx_rows[1:]]
    assert [r[:10] for r in rows[1:]] == [r[:10] for r in as_text]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_neutralised(manager, registry, fmt):
    data, _ct, _fn = transfer.export_partners(user=manager, fmt=fmt)
    rows = read_csv(data) if fmt == "csv" else read_xlsx(data)
    names = {r[0] for r in rows[1:]}
    for name in DANGEROUS_NAMES:
        assert "'" + name in names
        assert name not in names
    notes = {r[9] for r in rows[1:] if r[0].startswith("'")}
    assert notes == {"'=HYPERLINK(\"http://x\")"}
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(data))
        kinds = {c.data_type for row in workbook.worksheets[0].iter_rows() for c in row if c.value is not None}
        assert "f" not in kinds  # no cell is stored as a formula


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_round_trip_into_empty_registry(manager, registry, fmt, lang):
    before = snapshot()
    with translation.override(lang):
        data, _ct, filename = transfer.export_partners(user=manager, fmt=fmt)
    Partner.objects.all().delete()
    assert Rating.objects.count() == 0

    result = transfer.import_partners(actor=manager, data=data, filename=filename)

    assert (result.created, result.updated, result.ratings) == (2 + len(DANGEROUS_NAMES), 0, 2)
    assert snapshot() == before
    assert Partner.objects.get(name="星火科技").stage == "pilot"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_into_same_registry_changes_nothing(manager, registry, fmt):
    before = snapshot()
    moves = StageChange.objects.count()
    data, _ct, filename = transfer.export_partners(user=manager, fmt=fmt)

    result = transfer.import_partners(actor=manager, data=data, filename=filename)

    assert (result.created, result.updated) == (0, 2 + len(DANGEROUS_NAMES))
    assert snapshot() == before
    assert StageChange.objects.count() == moves


def test_export_has_only_the_users_own_ratings(manager, admin_user, registry):
    rating_set(actor=admin_user, partner=registry, criterion_code="market_reputation", score=3)
    rows = read_xlsx(transfer.export_partners(user=manager, fmt="xlsx")[0])
    spark = next(r for r in rows if r[0] == "星火科技")
    assert spark[13] is None  # the admin's market_reputation rating is not the manager's
    rows = read_xlsx(transfer.export_partners(user=admin_user, fmt="xlsx")[0])
    spark = next(r for r in rows if r[0] == "星火科技")
    assert (spark[10], spark[13]) == (None, 3)


def test_export_stage_filter(manager, registry):
    rows = read_csv(transfer.export_partners(user=manager, fmt="csv", stage="pilot")[0])
    assert [r[0] for r in rows[1:]] == ["星火科技"]


def test_english_export_header(manager, registry):
    with translation.override("en"):
        rows = read_csv(transfer.export_partners(user=manager, fmt="csv")[0])
    assert rows[0][:10] == ["Name", "USCC", "Industry", "Region", "Size", "Website", "Source channel", "Resources",
                            "Stage", "Notes"]
    assert rows[0][10] == "Strategic fit"


def test_viewer_may_export_partner_user_may_not(viewer, partner_user, registry):
    rows = read_csv(transfer.export_partners(user=viewer, fmt="csv")[0])
    assert "星火科技" in {r[0] for r in rows}
    with pytest.raises(DomainError) as caught:
        transfer.export_partners(user=partner_user, fmt="csv")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED


def test_unknown_export_format(manager):
    with pytest.raises(DomainError) as caught:
        transfer.export_partners(user=manager, fmt="pdf")
    assert caught.value.code == ErrorCode.VALIDATION
    assert caught.value.details == {"field": "format", "value": "pdf"}


def test_rating_scores_survive_as_decimals(manager, registry):
    data = transfer.export_partners(user=manager, fmt="csv")[0]
    rows = read_csv(data)
    spark = next(r for r in rows if r[0] == "星火科技")
    assert Decimal(spark[10]) == Decimal("8.5")
