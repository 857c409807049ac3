"""Checking pilot, KPI and measurement input, shared by the API, the web forms and the services.

Every problem names its field and says what is wrong; all problems of one request are
collected so the user fixes them in one go, and nothing is written while any remain.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from allies.core.errors import DomainError, ErrorCode
from allies.core.text import join_clauses, join_list, labelled
from allies.domain import kpi as kpi_rules
from allies.partners.validation import parse_choice
from allies.pilots.choices import Cadence, KpiCode, KpiDirection
from allies.pilots.models import VALUE_DIGITS, VALUE_PLACES, Kpi, Pilot, default_escalation_path

QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)
LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)
TEXT_LIMITS = {"title": 200, "goal": 5000, "scope": 5000, "partner_owner_name": 100, "report_template": 10000,
               "escalation_path": 2000, "name": 100, "unit": 20, "note": 500, "we_learned": 5000,
               "partner_learned": 5000}
MAX_MARGIN = 0.5
DEFAULT_DIRECTIONS = {KpiCode.CUSTOMER_ACQUISITION_COST: KpiDirection.LOWER}


@dataclass(frozen=True)
class Problem:
    field: str
    value: str
    reason: str
    code: ErrorCode


class Problems:
    """The problems found so far, with the label each field is called by in messages."""

    def __init__(self):
        self.items: list[Problem] = []
        self.labels: dict[str, str] = {}

    def add(self, field: str, value, reason: str, code: ErrorCode = ErrorCode.VALIDATION, label=None) -> None:
        self.items.append(Problem(field, "" if value is None else str(value)[:200], str(reason), code))
        if label is not None:
            self.labels[field] = str(label)

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self) -> DomainError:
        codes = {p.code for p in self.items}
        code = codes.pop() if len(codes) == 1 else ErrorCode.VALIDATION
        lines = join_clauses(labelled(self.labels.get(p.field, p.field), p.reason) for p in self.items)
        return DomainError(code, _("输入有误：{problems}").format(problems=lines),
                           {"errors": [{"field": p.field, "value": p.value, "reason": p.reason} for p in self.items]})

    def raise_if_any(self) -> None:
        if self.items:
            raise self.error()


def label_of(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def parse_number(raw) -> tuple[Decimal | None, str | None]:
    """(value, None), (None, None) when empty, or (None, reason) when it is not a usable number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        return None, _("不是数字。")
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return None, _("“{value}”不是数字。").format(value=str(raw)[:50])
    if not value.is_finite():
        return None, _("必须是有限的数字。")
    if abs(value) >= LIMIT:
        return None, _("数值过大。")
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP), None


def parse_date(raw) -> tuple[date | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    try:
        return date.fromisoformat(str(raw).strip()), None
    except ValueError:
        return None, _("“{value}”不是有效日期（格式：YYYY-MM-DD）。").format(value=str(raw)[:50])


def clean_text(raw, field: str, problems: Problems, model, *, required: bool = False, code=ErrorCode.VALIDATION,
               label=None, key: str | None = None) -> str:
    """Stripped text within its length limit; ``key`` is the field name reported (default: ``field``)."""
    value = "" if raw is None else str(raw).strip()
    label = label or label_of(model, field)
    if required and not value:
        problems.add(key or field, value, _("不能为空。"), code, label)
    elif len(value) > TEXT_LIMITS[field]:
        problems.add(key or field, value, _("最多 {n} 个字符。").format(n=TEXT_LIMITS[field]), code, label)
    return value


def _writer_ids(ids) -> set[int]:
    from allies.core.models import WRITER_ROLES, User

    return set(User.objects.filter(pk__in=ids, is_active=True, role__in=WRITER_ROLES).values_list("pk", flat=True))


def check_period(start: date | None, end: date | None, problems: Problems, field: str = "end_date", label=None):
    if start and end and end <= start:
        problems.add(field, end.isoformat(), _("结束日期必须晚于开始日期（{start}）。").format(start=start.isoformat()),
                     ErrorCode.INVALID_DATES, label or label_of(Pilot, "end_date"))


def clean_pilot_fields(raw: dict, problems: Problems, *, current: Pilot | None = None) -> dict:
    """Clean the pilot fields in ``raw``. With ``current`` (an edit) absent fields keep their values."""
    creating = current is None
    out: dict = {}
    for field, required in (("title", True), ("goal", True), ("scope", False), ("partner_owner_name", False),
                            ("report_template", False), ("escalation_path", False)):
        if creating or field in raw:
            out[field] = clean_text(raw.get(field), field, problems, Pilot, required=required)
    if "escalation_path" in out and not out["escalation_path"]:
        out["escalation_path"] = default_escalation_path()
    for field in ("start_date", "end_date"):
        if creating or field in raw:
            value, reason = parse_date(raw.get(field))
            if reason:
                problems.add(field, raw.get(field), reason, ErrorCode.INVALID_DATES, label_of(Pilot, field))
            elif value is None:
                problems.add(field, "", _("不能为空。"), ErrorCode.INVALID_DATES, label_of(Pilot, field))
            out[field] = value
    start = out.get("start_date", None if creating else current.start_date)
    end = out.get("end_date", None if creating else current.end_date)
    check_period(start, end, problems)
    if creating or "meeting_cadence" in raw:
        cadence = raw.get("meeting_cadence") or Cadence.WEEKLY
        out["meeting_cadence"] = parse_choice(Cadence, cadence)
        if out["meeting_cadence"] is None:
            choices = join_list(label for _v, label in Cadence.choices)
            problems.add("meeting_cadence", cadence, _("只能是：{choices}。").format(choices=choices),
                         label=label_of(Pilot, "meeting_cadence"))
    if creating or "partner_ids" in raw:
        out["partner_ids"] = _clean_partner_ids(raw.get("partner_ids"), problems)
    if raw.get("owner_id") is not None:
        if not _writer_ids([raw["owner_id"]]):
            problems.add("owner_id", raw["owner_id"], _("我方负责人须为在职的联盟经理或管理员。"),
                         label=label_of(Pilot, "owner"))
        out["owner_id"] = raw["owner_id"]
    if "partner_owner_id" in raw:
        partner_ids = out.get("partner_ids")
        if partner_ids is None and current is not None:
            partner_ids = list(current.partners.values_list("pk", flat=True))
        out["partner_owner_id"] = _clean_partner_owner(raw.get("partner_owner_id"), partner_ids or [], problems)
    return out


def _clean_partner_ids(raw, problems: Problems) -> list[int]:
    from allies.partners.models import Partner

    label = label_of(Pilot, "partners")
    try:
        ids = sorted({int(i) for i in (raw or [])})
    except (TypeError, ValueError):
        problems.add("partner_ids", raw, _("伙伴编号必须是整数。"), label=label)
        return []
    if not ids:
        problems.add("partner_ids", "", _("至少选择一个伙伴。"), label=label)
        return []
    found = set(Partner.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        problems.add("partner_ids", ",".join(map(str, missing)),
                     _("找不到这些伙伴：{ids}。").format(ids=join_list(missing)), label=label)
    return ids


def _clean_partner_owner(raw, partner_ids: list[int], problems: Problems) -> int | None:
    from allies.core.models import Role, User

    if raw in (None, ""):
        return None
    label = label_of(Pilot, "partner_owner")
    user = User.objects.filter(pk=raw, is_active=True, role=Role.PARTNER).first()
    if user is None or user.partner_id not in partner_ids:
        problems.add("partner_owner_id", raw, _("伙伴方负责人须为参与伙伴的在职用户。"), label=label)
        return None
    return user.pk


def kpi_label(index: int | None, name: str, field: str) -> str:
    base = label_of(Kpi, field)
    if index is None:
        return base
    return _("第 {n} 个指标（{name}）的{field}").format(n=index + 1, name=name or "—", field=base)


def clean_kpi_fields(raw: dict, problems: Problems, *, current: Kpi | None = None, index: int | None = None,
                     prefix: str = "") -> dict:
    """Clean one KPI. ``prefix``/``index`` name the row when several KPIs arrive together."""
    code_err = ErrorCode.INVALID_KPI
    creating = current is None
    out: dict = {}
    if creating or "code" in raw:
        code = parse_choice(KpiCode, raw.get("code") or KpiCode.CUSTOM)
        if code is None:
            problems.add(prefix + "code", raw.get("code"), _("未知的指标类型。"), code_err,
                         kpi_label(index, "", "code"))
            code = KpiCode.CUSTOM
        out["code"] = code
    code = out.get("code", None if creating else current.code)
    if creating or "name" in raw:
        name = str(raw.get("name") or "").strip()
        if not name and code != KpiCode.CUSTOM:
            name = str(KpiCode(code).label)
        out["name"] = clean_text(name, "name", problems, Kpi, required=True, code=code_err,
                                 label=kpi_label(index, name, "name"), key=prefix + "name")
    name = out.get("name", None if creating else current.name)
    if creating or "unit" in raw:
        unit = str(raw.get("unit") or "").strip()
        label = kpi_label(index, name, "unit")
        if not unit:
            problems.add(prefix + "unit", "", _("请填写单位（例如 元、%、万元）：没有单位的目标无法解读。"), code_err, label)
        elif len(unit) > TEXT_LIMITS["unit"]:
            problems.add(prefix + "unit", unit, _("最多 {n} 个字符。").format(n=TEXT_LIMITS["unit"]), code_err, label)
        out["unit"] = unit
    if creating or "direction" in raw:
        default = DEFAULT_DIRECTIONS.get(code, KpiDirection.HIGHER)
        direction = parse_choice(KpiDirection, raw.get("direction") or default)
        if direction is None:
            problems.add(prefix + "direction", raw.get("direction"), _("只能是 higher（越高越好）或 lower（越低越好）。"),
                         code_err, kpi_label(index, name, "direction"))
        out["direction"] = direction
    for field in ("baseline", "target"):
        if creating or field in raw:
            value, reason = parse_number(raw.get(field))
            if reason is None and value is None:
                reason = _("不能为空。")
            if reason:
                problems.add(prefix + field, raw.get(field), reason, code_err, kpi_label(index, name, field))
            out[field] = value
    if creating or "margin" in raw:
        margin, reason = parse_number(raw.get("margin"))
        if reason is None and margin is not None and not 0 <= margin <= Decimal(str(MAX_MARGIN)):
            reason = _("须在 0 到 {percent}% 之间（即 0 到 {maximum}）。").format(percent=int(MAX_MARGIN * 100),
                                                                          maximum=MAX_MARGIN)
        if reason:
            problems.add(prefix + "margin", raw.get("margin"), reason, code_err, kpi_label(index, name, "margin"))
        out["margin"] = kpi_rules.DEFAULT_MARGIN if margin is None else float(margin)
    baseline = out.get("baseline", None if creating else current.baseline)
    target = out.get("target", None if creating else current.target)
    direction = out.get("direction", None if creating else current.direction)
    if baseline is not None and target is not None and direction in kpi_rules.DIRECTIONS \
            and not kpi_rules.target_points_the_right_way(float(baseline), float(target), direction):
        reason = (_("“越低越好”的指标，目标值不能高于基线值 {baseline}。") if direction == kpi_rules.LOWER
                  else _("“越高越好”的指标，目标值不能低于基线值 {baseline}。")).format(baseline=plain_number(baseline))
        problems.add(prefix + "target", target, reason, code_err, kpi_label(index, name, "target"))
    return out


def plain_number(value) -> str:
    """A stored value as people write it: 120 not 120.0000."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")
