"""Import and export of candidate partners as .xlsx / .csv.

Headers may be Chinese or English (GLOSSARY.md) or the code names. Criterion columns
(by code or label of the default screening model) carry the importer's own 0-10 ratings.
An import is all or nothing: every row is checked first, and if any cell is bad nothing
is written and every problem is reported with its spreadsheet row, column and value.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allies.core.text import join_list
from allies.core import tabular
from allies.core.audit import acting_as, record_bulk
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_internal, require_writer
from allies.core.scoping import restrict
from allies.partners.choices import Resource, Stage
from allies.partners.messages import table_error_message
from allies.partners.models import Partner, Rating, StageChange
from allies.partners.screening import parse_rating
from allies.partners.selectors import default_model, version_criteria
from allies.partners.validation import clean_partner_fields

FIELDS = ("name", "uscc", "industry", "region", "size", "website", "source_channel", "resources", "stage", "notes")
HEADER_ALIASES = {
    "name": ("名称", "公司名称", "伙伴名称", "name", "company"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc", "unified social credit code"),
    "industry": ("行业", "industry"),
    "region": ("地区", "区域", "region"),
    "size": ("规模", "size"),
    "website": ("网站", "官网", "website"),
    "source_channel": ("寻找渠道", "来源渠道", "渠道来源", "source_channel", "source channel", "source"),
    "resources": ("提供的资源", "资源", "resources"),
    "stage": ("合作阶段", "阶段", "stage", "pipeline stage"),
    "notes": ("备注", "notes", "note"),
}
EXPORT_HEADERS = {
    "zh-hans": ("名称", "统一社会信用代码", "行业", "地区", "规模", "网站", "寻找渠道", "提供的资源", "合作阶段", "备注"),
    "en": ("Name", "USCC", "Industry", "Region", "Size", "Website", "Source channel", "Resources", "Stage", "Notes"),
}
MAX_REPORTED_ERRORS = 500


@dataclass
class ImportResult:
    created: int
    updated: int
    ratings: int


def _key(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


def read_upload(upload) -> bytes:
    if upload.size is not None and upload.size > settings.ALLIES_IMPORT_MAX_BYTES:
        raise DomainError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            _("文件过大：{size} MB，上限为 {limit} MB。").format(
                size=round(upload.size / 1048576, 1), limit=round(settings.ALLIES_IMPORT_MAX_BYTES / 1048576, 1)),
            {"size": upload.size, "limit": settings.ALLIES_IMPORT_MAX_BYTES},
        )
    return upload.read()


def _criterion_columns():
    model = default_model()
    version = model.current_version if model else None
    criteria = version_criteria(version) if version else []
    lookup = {}
    for c in criteria:
        for alias in (c.code, c.label_zh, c.label_en):
            lookup[_key(alias)] = c
    return criteria, lookup


def import_partners(*, actor, data: bytes, filename: str) -> ImportResult:
    require_writer(actor)
    try:
        table = tabular.read_table(data, filename)
    except tabular.TableError as exc:
        raise DomainError(ErrorCode.FILE_UNREADABLE, table_error_message(exc), {"code": exc.code, **exc.details}) from exc

    field_of = {_key(alias): f for f, aliases in HEADER_ALIASES.items() for alias in aliases}
    _criteria, criterion_of = _criterion_columns()
    errors: list[dict] = []

    def bad(row, column, value, reason):
        errors.append({"row": row, "column": column, "value": str(value), "reason": str(reason)})

    columns: dict[int, tuple[str, object]] = {}
    seen_targets: dict[str, str] = {}
    for j, header in enumerate(table.header):
        if header == "" and all(row[j] == "" for row in table.rows):
            continue  # an empty margin column (e.g. a sheet that starts in column B)
        key = _key(header)
        target = ("field", field_of[key]) if key in field_of else ("criterion", criterion_of.get(key))
        if target[1] is None:
            bad(1, header, header, _("无法识别的列名。"))
            continue
        ident = target[1] if target[0] == "field" else target[1].code
        if ident in seen_targets:
            bad(1, header, header, _("与“{other}”列重复。").format(other=seen_targets[ident]))
            continue
        seen_targets[ident] = header
        columns[j] = target
    if "name" not in seen_targets:
        bad(1, "", "", _("缺少名称列（“名称”或“name”）。"))
    if not table.rows:
        bad(2, "", "", _("文件没有数据行。"))

    header_of_field = {v: table.header[j] for j, (kind, v) in columns.items() if kind == "field"}
    parsed = []
    names_seen: dict[str, int] = {}
    uscc_seen: dict[str, int] = {}
    for offset, cells in enumerate(table.rows):
        row_no = table.row_number(offset)
        raw, ratings = {}, {}
        for j, (kind, target) in columns.items():
            value = tabular.unsafe_cell(cells[j])
            if kind == "field":
                raw[target] = value
            elif value != "":
                try:
                    ratings[target.code] = parse_rating(value)
                except DomainError:
                    bad(row_no, table.header[j], value, _("评分须为 0 到 10 之间的数。"))
        cleaned, problems = clean_partner_fields(raw, partial=True) if "name" in raw else ({}, [])
        if not str(raw.get("stage", "")).strip():
            cleaned.pop("stage", None)  # an empty cell keeps an existing partner's stage (new ones: prospect)
        for p in problems:
            bad(row_no, header_of_field.get(p.field, p.field), p.value, p.reason)
        name = cleaned.get("name")
        if name:
            if name in names_seen:
                bad(row_no, header_of_field["name"], name, _("与第 {row} 行名称重复。").format(row=names_seen[name]))
            names_seen.setdefault(name, row_no)
        uscc = cleaned.get("uscc")
        if uscc:
            if uscc in uscc_seen:
                bad(row_no, header_of_field["uscc"], uscc, _("与第 {row} 行代码重复。").format(row=uscc_seen[uscc]))
            uscc_seen.setdefault(uscc, row_no)
        parsed.append((row_no, cleaned, ratings))

    existing_by_uscc = dict(Partner.objects.exclude(uscc="").filter(uscc__in=list(uscc_seen)).values_list("uscc", "pk"))
    existing_by_name = dict(Partner.objects.filter(name__in=list(names_seen)).values_list("name", "pk"))
    plan = []
    row_of_pk: dict[int, int] = {}
    for row_no, cleaned, ratings in parsed:
        if not cleaned.get("name"):
            continue
        pk = existing_by_uscc.get(cleaned.get("uscc")) or existing_by_name.get(cleaned["name"])
        name_owner = existing_by_name.get(cleaned["name"])
        if pk and name_owner and name_owner != pk:
            bad(row_no, header_of_field["name"], cleaned["name"], _("已有其他伙伴使用此名称。"))
        elif pk and pk in row_of_pk:  # e.g. one row finds a partner by its code, another by its name
            bad(row_no, header_of_field["name"], cleaned["name"],
                _("与第 {row} 行是同一个已有伙伴。").format(row=row_of_pk[pk]))
        if pk:
            row_of_pk.setdefault(pk, row_no)
        plan.append((row_no, pk, cleaned, ratings))

    if errors:
        errors.sort(key=lambda e: (e["row"], e["column"]))
        raise DomainError(
            ErrorCode.IMPORT_INVALID,
            _("导入未完成：发现 {count} 处错误，未写入任何数据。").format(count=len(errors)),
            {"errors": errors[:MAX_REPORTED_ERRORS], "error_count": len(errors)},
        )

    created = updated = rating_count = 0
    reason = _("从文件 {filename} 导入").format(filename=filename)
    with transaction.atomic(), acting_as(actor):
        for _row_no, pk, cleaned, ratings in plan:
            stage = cleaned.pop("stage", None)
            if pk is None:
                partner = Partner.objects.create(**cleaned, stage=stage or Stage.PROSPECT, owner=actor)
                StageChange.objects.create(partner=partner, from_stage="", to_stage=partner.stage, reason=reason,
                                           changed_by=actor)
                created += 1
            else:
                partner = Partner.objects.select_for_update().get(pk=pk)
                for field, value in cleaned.items():
                    setattr(partner, field, value)
                if stage and stage != partner.stage:
                    StageChange.objects.create(partner=partner, from_stage=partner.stage, to_stage=stage,
                                               reason=reason, changed_by=actor)
                    partner.stage = stage
                partner.save()
                updated += 1
            for code, score in ratings.items():
                Rating.objects.update_or_create(partner=partner, criterion_code=code, rater=actor,
                                                defaults={"score": score})
                rating_count += 1
        record_bulk(actor=actor, model=Partner, object_repr=reason,
                    summary={"import": [filename], "created": [created], "updated": [updated],
                             "ratings": [rating_count]})
    return ImportResult(created, updated, rating_count)


def export_partners(*, user, fmt: str = "xlsx", stage: str = "") -> tuple[bytes, str, str]:
    """The candidates the user may see, with the user's own ratings, in the user's language."""
    require_internal(user)
    if fmt not in ("xlsx", "csv"):
        raise DomainError(ErrorCode.VALIDATION, _("导出格式须为 xlsx 或 csv。"), {"field": "format", "value": fmt})
    lang = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
    criteria, _lookup = _criterion_columns()
    header = list(EXPORT_HEADERS[lang]) + [c.label() for c in criteria]
    qs = restrict(Partner.objects.all(), user).order_by("name")
    if stage:
        qs = qs.filter(stage=stage)
    mine: dict[tuple[int, str], object] = {
        (p, c): s for p, c, s in Rating.objects.filter(rater=user).values_list("partner_id", "criterion_code", "score")
    }
    resource_label = dict(Resource.choices)
    rows = []
    for p in qs:
        rows.append([
            p.name, p.uscc, p.industry, p.region, p.get_size_display() if p.size else "",
            p.website, p.get_source_channel_display() if p.source_channel else "",
            join_list(resource_label.get(r, r) for r in p.resources), p.get_stage_display(), p.notes,
            *[float(mine[(p.pk, c.code)]) if (p.pk, c.code) in mine else None for c in criteria],
        ])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        return tabular.write_csv(header, rows), "text/csv; charset=utf-8", f"partners-{stamp}.csv"
    return (tabular.write_xlsx(header, rows, sheet_title="partners"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"partners-{stamp}.xlsx")
