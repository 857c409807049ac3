"""Spreadsheet imports of candidate partners, through the service with real files and a real database."""

import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from allies.core.errors import DomainError, ErrorCode
from allies.partners import transfer
from allies.partners.models import Partner, Rating, StageChange
from .sheets import (
    BAD_CHECK_DIGIT,
    EN_HEADER,
    USCC_1,
    USCC_2,
    USCC_3,
    ZH_HEADER,
    csv_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def make_file(fmt: str, rows) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return xlsx_bytes(rows), "伙伴.xlsx"
    encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gb18030"}[fmt]
    return csv_bytes(rows, encoding=encoding), "伙伴.csv"


def import_error(actor, data, filename) -> DomainError:
    with pytest.raises(DomainError) as caught:
        transfer.import_partners(actor=actor, data=data, filename=filename)
    return caught.value


def cells(error: DomainError) -> set[tuple[int, str, str]]:
    return {(e["row"], e["column"], e["value"]) for e in error.details["errors"]}


# --------------------------------------------------------------------------- good files


@pytest.mark.parametrize("fmt", ["xlsx", "csv-utf8", "csv-bom", "csv-gbk"])
def test_chinese_headers_and_chinese_labels(manager, fmt):
    rows = [
        ZH_HEADER + ["战略匹配度", "资源互补性"],
        ["星火科技", USCC_1, "智能硬件", "深圳", "中型（100-999人）", "spark.example.com", "客户与供应商推荐",
         "技术、渠道", "初步接触", "在展会上认识", 8, 7.5],
        ["青云数据", "", "数据服务", "杭州", "", "", "线上平台", "数据", "", "", None, None],
    ]
    data, filename = make_file(fmt, rows)

    result = transfer.import_partners(actor=manager, data=data, filename=filename)

    assert (result.created, result.updated, result.ratings) == (2, 0, 2)
    spark = Partner.objects.get(name="星火科技")
    assert spark.uscc == USCC_1
    assert (spark.industry, spark.region, spark.notes) == ("智能硬件", "深圳", "在展会上认识")
    assert spark.size == "medium"
    assert spark.website == "https://spark.example.com"
    assert spark.source_channel == "referral"
    assert spark.resources == ["technology", "channel"]
    assert spark.stage == "contacted"
    assert spark.owner == manager
    ratings = {(r.criterion_code, r.rater_id): r.score for r in Rating.objects.filter(partner=spark)}
    assert ratings == {("strategic_fit", manager.pk): Decimal("8.00"),
                       ("resource_complementarity", manager.pk): Decimal("7.50")}
    cloud = Partner.objects.get(name="青云数据")
    assert (cloud.uscc, cloud.size, cloud.website) == ("", "", "")
    assert cloud.source_channel == "online_platform"
    assert cloud.resources == ["data"]
    assert cloud.stage == "prospect"  # empty stage cell: a new partner starts as a prospect
    assert not Rating.objects.filter(partner=cloud).exists()
    first = StageChange.objects.get(partner=spark)
    assert (first.from_stage, first.to_stage, first.changed_by) == ("", "contacted", manager)
    assert filename in first.reason


@pytest.mark.parametrize("fmt", ["xlsx", "csv-utf8", "csv-bom", "csv-gbk"])
def test_english_headers_and_codes(manager, fmt):
    rows = [
        EN_HEADER + ["Strategic fit", "financial_health"],
        ["Spark Tech", USCC_2, "hardware", "Shenzhen", "small", "https://spark.example.com", "referral",
         "technology,channel", "pilot", "met at a fair", "9.25", "6"],
    ]
    data, filename = make_file(fmt, rows)

    result = transfer.import_partners(actor=manager, data=data, filename=filename)

    assert (result.created, result.updated, result.ratings) == (1, 0, 2)
    p = Partner.objects.get(name="Spark Tech")
    assert (p.uscc, p.industry, p.region, p.size) == (USCC_2, "hardware", "Shenzhen", "small")
    assert (p.source_channel, p.resources, p.stage) == ("referral", ["technology", "channel"], "pilot")
    assert p.notes == "met at a fair"
    scores = dict(Rating.objects.filter(partner=p, rater=manager).values_list("criterion_code", "score"))
    assert scores == {"strategic_fit": Decimal("9.25"), "financial_health": Decimal("6.00")}


def test_header_case_and_spacing_do_not_matter(manager):
    data = csv_bytes([[" NAME ", "Source Channel", "STAGE", "战略匹配度"], ["Acme", "Trade_Show", "Active", "10"]])
    transfer.import_partners(actor=manager, data=data, filename="a.csv")
    p = Partner.objects.get(name="Acme")
    assert (p.source_channel, p.stage) == ("trade_show", "active")
    assert Rating.objects.get(partner=p).score == Decimal("10.00")


def test_full_width_uscc_is_normalised(manager):
    data = csv_bytes([["名称", "统一社会信用代码"], ["甲", "９１３５０１００ｍ０００１００ｙ４３"]], encoding="gb18030")
    transfer.import_partners(actor=manager, data=data, filename="a.csv")
    assert Partner.objects.get(name="甲").uscc == USCC_1


def test_sheet_starting_in_column_b_and_row_3(manager):
    """An empty margin column and leading blank rows are not part of the table."""
    rows = [[], [], [None, "名称", "合作阶段"], [None, "甲公司", "试点"]]
    result = transfer.import_partners(actor=manager, data=xlsx_bytes(rows), filename="margin.xlsx")
    assert result.created == 1
    assert Partner.objects.get(name="甲公司").stage == "pilot"


def test_semicolon_csv_with_quoted_resources(manager):
    data = csv_bytes([["名称", "提供的资源"], ["甲公司", "技术;渠道;品牌"]], delimiter=";")
    transfer.import_partners(actor=manager, data=data, filename="semi.csv")
    assert Partner.objects.get(name="甲公司").resources == ["technology", "channel", "brand"]


def test_import_writes_one_audit_summary_naming_file_and_actor(manager):
    from auditlog.models import LogEntry

    data = csv_bytes([["名称"], ["甲"], ["乙"]])
    transfer.import_partners(actor=manager, data=data, filename="list.csv")
    entry = LogEntry.objects.filter(object_pk="").latest("pk")
    assert entry.actor == manager
    assert entry.changes["import"] == ["list.csv"]
    assert entry.changes["created"] == [2]


# --------------------------------------------------------------------------- all or nothing


@pytest.mark.parametrize("fmt", ["xlsx", "csv-gbk", "csv-bom"])
def test_bad_rows_write_nothing_and_every_bad_cell_is_reported(manager, counts, fmt):
    existing = Partner.objects.create(name="乙公司", industry="旧行业")
    header = ZH_HEADER + ["战略匹配度"]

    def row(name, uscc="", stage="", rating=None, industry="新行业"):
        return [name, uscc, industry, "", "", "", "", "", stage, "", rating]

    rows = [
        header,                                               # 1
        row("甲公司", USCC_1, "潜在伙伴", 8),                  # 2 good
        row("乙公司", USCC_2, "试点", 6),                      # 3 good (would update the existing one)
        [],                                                   # 4 blank line
        row("甲公司", BAD_CHECK_DIGIT, "", 11),                # 5 bad: duplicate name, check digit, rating
        row("丙公司", USCC_3, "", None),                       # 6 good
        [],                                                   # 7 blank line
        row("", "", "谈判中", None),                           # 8 bad: empty name, unknown stage
    ]
    data, filename = make_file(fmt, rows)
    before = counts()

    error = import_error(manager, data, filename)

    assert error.code == ErrorCode.IMPORT_INVALID
    assert cells(error) == {
        (5, "名称", "甲公司"),
        (5, "统一社会信用代码", BAD_CHECK_DIGIT),
        (5, "战略匹配度", "11"),
        (8, "名称", ""),
        (8, "合作阶段", "谈判中"),
    }
    assert error.details["error_count"] == 5
    reasons = {(e["row"], e["column"]): e["reason"] for e in error.details["errors"]}
    assert all(r.strip() for r in reasons.values())
    assert "第 2 行" in reasons[(5, "名称")]           # names the row it duplicates
    assert "校验位" in reasons[(5, "统一社会信用代码")]
    assert "0 到 10" in reasons[(5, "战略匹配度")]
    assert "潜在伙伴" in reasons[(8, "合作阶段")]      # lists the allowed stages
    assert "5" in error.message
    assert counts() == before
    existing.refresh_from_db()
    assert (existing.industry, existing.uscc, existing.stage) == ("旧行业", "", "prospect")
    assert not Partner.objects.filter(name__in=["甲公司", "丙公司"]).exists()


def test_error_column_is_the_header_as_written(manager):
    data = csv_bytes([["Name", "USCC", "Strategic fit", "Stage"], ["A", "123", "ten", "later"]])
    error = import_error(manager, data, "en.csv")
    assert cells(error) == {(2, "USCC", "123"), (2, "Strategic fit", "ten"), (2, "Stage", "later")}
    reasons = {e["column"]: e["reason"] for e in error.details["errors"]}
    assert "18" in reasons["USCC"]


def test_duplicate_uscc_in_file_and_bad_cells_of_every_field(manager, counts):
    before = counts()
    data = csv_bytes([
        ["名称", "统一社会信用代码", "规模", "网站", "寻找渠道", "提供的资源"],
        ["甲", USCC_1, "巨型", "not a url", "朋友", "技术、飞机"],
        ["乙", USCC_1, "", "", "", ""],
        ["丙", "91350100M000100I43", "", "https://example.com/" + "a" * 200, "", ""],
    ])
    error = import_error(manager, data, "many.csv")
    got = cells(error)
    assert (2, "规模", "巨型") in got
    assert (2, "网站", "not a url") in got
    assert (2, "寻找渠道", "朋友") in got
    assert (2, "提供的资源", "飞机") in got
    assert (3, "统一社会信用代码", USCC_1) in got
    assert (4, "统一社会信用代码", "91350100M000100I43") in got
    long_url = [e for e in error.details["errors"] if (e["row"], e["column"]) == (4, "网站")]
    assert len(long_url) == 1 and "200" in long_url[0]["reason"]  # a valid URL, but longer than the field allows
    assert len(got) == 7
    assert counts() == before


def test_name_owned_by_another_partner_is_refused(manager, counts):
    Partner.objects.create(name="甲公司", uscc=USCC_1)
    Partner.objects.create(name="乙公司", uscc=USCC_2)
    before = counts()
    data = csv_bytes([["名称", "统一社会信用代码"], ["乙公司", USCC_1]])  # 甲's code with 乙's name
    error = import_error(manager, data, "clash.csv")
    assert cells(error) == {(2, "名称", "乙公司")}
    assert counts() == before


def test_two_rows_for_the_same_existing_partner_are_refused(manager, counts):
    Partner.objects.create(name="甲公司", uscc=USCC_1)
    before = counts()
    data = csv_bytes([
        ["名称", "统一社会信用代码", "行业"],
        ["甲公司（新名）", USCC_1, "a"],  # found by its code
        ["甲公司", "", "b"],              # found by its name
    ])
    error = import_error(manager, data, "twice.csv")
    assert cells(error) == {(3, "名称", "甲公司")}
    assert "第 2 行" in error.details["errors"][0]["reason"]
    assert counts() == before
    assert Partner.objects.get(uscc=USCC_1).name == "甲公司"


# --------------------------------------------------------------------------- structural problems


def test_unknown_column_is_reported_on_row_1(manager, counts):
    before = counts()
    error = import_error(manager, csv_bytes([["名称", "电话"], ["甲", "123"]]), "a.csv")
    assert error.code == ErrorCode.IMPORT_INVALID
    assert cells(error) == {(1, "电话", "电话")}
    assert counts() == before


def test_duplicate_column_is_reported(manager):
    error = import_error(manager, csv_bytes([["名称", "name"], ["甲", "甲"]]), "a.csv")
    assert cells(error) == {(1, "name", "name")}
    assert "名称" in error.details["errors"][0]["reason"]


def test_missing_name_column(manager, counts):
    before = counts()
    error = import_error(manager, csv_bytes([["行业", "地区"], ["制造", "上海"]]), "noname.csv")
    assert error.code == ErrorCode.IMPORT_INVALID
    [problem] = error.details["errors"]
    assert problem["row"] == 1
    assert "名称" in problem["reason"]
    assert counts() == before


def test_header_only_file_has_no_data_rows(manager):
    error = import_error(manager, csv_bytes([["名称", "行业"]]), "header.csv")
    assert error.code == ErrorCode.IMPORT_INVALID
    [problem] = error.details["errors"]
    assert problem["row"] == 2
    assert "没有数据行" in problem["reason"]


@pytest.mark.parametrize(
    ("data", "filename", "table_code", "fragment"),
    [
        (b"", "empty.csv", "empty", "empty.csv"),
        (b" \r\n\r\n", "blank.csv", "empty", "blank.csv"),
        (b"name\nAcme\n", "partners.txt", "file_type", ".xlsx"),
        (os.urandom(2048), "broken.xlsx", "unreadable", "broken.xlsx"),
        (b"PK\x03\x04 not really a zip", "fake.xlsx", "unreadable", "fake.xlsx"),
        (b"name\n\xff\xfe\x80\n", "binary.csv", "encoding", "GBK"),
    ],
)
def test_unreadable_files(manager, counts, data, filename, table_code, fragment):
    before = counts()
    error = import_error(manager, data, filename)
    assert error.code == ErrorCode.FILE_UNREADABLE
    assert error.details["code"] == table_code
    assert fragment in error.message
    assert counts() == before


def test_empty_xlsx_sheet(manager):
    error = import_error(manager, xlsx_bytes([]), "blank.xlsx")
    assert error.code == ErrorCode.FILE_UNREADABLE
    assert error.details["code"] == "empty"


@override_settings(ALLIES_IMPORT_MAX_BYTES=1024)
def test_upload_over_the_limit_is_refused():
    upload = SimpleUploadedFile("big.csv", b"x" * 2048, content_type="text/csv")
    with pytest.raises(DomainError) as caught:
        transfer.read_upload(upload)
    assert caught.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert caught.value.status == 413
    assert caught.value.details == {"size": 2048, "limit": 1024}


@override_settings(ALLIES_IMPORT_MAX_BYTES=1024)
def test_upload_at_the_limit_is_read():
    upload = SimpleUploadedFile("ok.csv", b"y" * 1024, content_type="text/csv")
    assert transfer.read_upload(upload) == b"y" * 1024


@pytest.mark.parametrize("who", ["viewer", "partner_user"])
def test_only_writers_may_import(request, counts, who):
    actor = request.getfixturevalue(who)
    before = counts()
    error = import_error(actor, csv_bytes([["名称"], ["甲"]]), "a.csv")
    assert error.code == ErrorCode.PERMISSION_DENIED
    assert counts() == before


# --------------------------------------------------------------------------- re-import


def test_reimport_updates_instead_of_duplicating(manager, admin_user):
    first = [
        ZH_HEADER + ["战略匹配度"],
        ["甲公司", USCC_1, "制造", "上海", "", "", "", "", "潜在伙伴", "", 5],
        ["乙公司", "", "零售", "北京", "", "", "", "", "潜在伙伴", "", None],
    ]
    transfer.import_partners(actor=manager, data=xlsx_bytes(first), filename="round1.xlsx")
    jia, yi = Partner.objects.get(name="甲公司"), Partner.objects.get(name="乙公司")

    second = [
        ZH_HEADER + ["战略匹配度"],
        ["甲公司（更名）", USCC_1, "智能制造", "上海", "", "", "", "", "初步接触", "", 7],  # matched by USCC
        ["乙公司", "", "零售", "天津", "", "", "", "", "潜在伙伴", "", None],             # matched by name
    ]
    result = transfer.import_partners(actor=admin_user, data=xlsx_bytes(second), filename="round2.xlsx")

    assert (result.created, result.updated, result.ratings) == (0, 2, 1)
    assert Partner.objects.count() == 2
    jia.refresh_from_db()
    yi.refresh_from_db()
    assert (jia.name, jia.industry, jia.stage) == ("甲公司（更名）", "智能制造", "contacted")
    assert (yi.region, yi.stage) == ("天津", "prospect")
    moves = list(StageChange.objects.filter(partner=jia).order_by("id"))
    assert [(m.from_stage, m.to_stage) for m in moves] == [("", "prospect"), ("prospect", "contacted")]
    assert moves[1].changed_by == admin_user
    assert "round2.xlsx" in moves[1].reason
    assert StageChange.objects.filter(partner=yi).count() == 1  # same stage: no move recorded
    scores = {(r.rater_id, r.score) for r in Rating.objects.filter(partner=jia)}
    assert scores == {(manager.pk, Decimal("5.00")), (admin_user.pk, Decimal("7.00"))}


def test_reimport_by_same_rater_replaces_the_rating(manager):
    header = ["名称", "战略匹配度"]
    transfer.import_partners(actor=manager, data=csv_bytes([header, ["甲", "4"]]), filename="a.csv")
    result = transfer.import_partners(actor=manager, data=csv_bytes([header, ["甲", "9.5"]]), filename="a.csv")
    assert (result.created, result.updated) == (0, 1)
    assert list(Rating.objects.values_list("score", flat=True)) == [Decimal("9.50")]


def test_reimport_with_empty_stage_cell_keeps_the_stage(manager):
    header = ["名称", "合作阶段", "行业"]
    transfer.import_partners(actor=manager, data=csv_bytes([header, ["甲", "试点", "旧"]]), filename="a.csv")
    transfer.import_partners(actor=manager, data=csv_bytes([header, ["甲", "", "新"]]), filename="b.csv")
    p = Partner.objects.get(name="甲")
    assert (p.stage, p.industry) == ("pilot", "新")
    assert StageChange.objects.filter(partner=p).count() == 1
