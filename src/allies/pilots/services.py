"""Writes for pilot projects: create, edit, start, KPIs, measurements, and the closing review.

Starting a pilot and its closing review move the partners' pipeline stages through
:func:`allies.partners.services.partner_change_stage`, so the stage gates and the stage
history apply exactly as for a move made by hand.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.core.text import join_clauses, join_list, labelled
from allies.partners import gates
from allies.partners.choices import Stage
from allies.partners.services import partner_change_stage
from allies.partners.validation import parse_choice
from allies.pilots.choices import Decision, KpiCode, PilotStatus
from allies.pilots.models import Kpi, Measurement, Pilot, Review
from allies.pilots.selectors import kpi_statuses
from allies.pilots.validation import (
    Problems,
    check_period,
    clean_kpi_fields,
    clean_pilot_fields,
    clean_text,
    label_of,
    parse_date,
    parse_number,
    plain_number,
)

# Partners already at or past the pilot stage are not moved back into it by a new pilot.
NOT_MOVED_ON_START = (Stage.PILOT, Stage.ACTIVE)


def _require_open(pilot: Pilot) -> None:
    if pilot.status == PilotStatus.CLOSED:
        raise DomainError(ErrorCode.CONFLICT, _("试点“{title}”已结束，不能再修改。").format(title=pilot.title),
                          {"status": pilot.status})


def _measurements_outside(pilot: Pilot, start, end) -> list[Measurement]:
    return list(Measurement.objects.filter(kpi__pilot=pilot).exclude(date__range=(start, end)).order_by("date")[:5])


# --------------------------------------------------------------------------- pilots


def pilot_create(*, actor, data: dict, kpis: list[dict] | None = None) -> Pilot:
    """Create a planned pilot with its KPIs; every problem in either is reported together."""
    require_writer(actor)
    problems = Problems()
    cleaned = clean_pilot_fields(data, problems)
    kpi_rows = _clean_kpi_rows(kpis or [], problems)
    problems.raise_if_any()
    partner_ids = cleaned.pop("partner_ids")
    cleaned.setdefault("owner_id", actor.pk)
    with transaction.atomic(), acting_as(actor):
        pilot = Pilot.objects.create(**cleaned, created_by=actor)
        pilot.partners.set(partner_ids)
        for position, row in enumerate(kpi_rows):
            Kpi.objects.create(pilot=pilot, position=position, **row)
    return pilot


def _clean_kpi_rows(rows: list[dict], problems: Problems, existing: list[Kpi] = ()) -> list[dict]:
    cleaned = []
    names = {k.name for k in existing}
    codes = {k.code for k in existing if k.code != KpiCode.CUSTOM}
    for i, raw in enumerate(rows):
        prefix = f"kpis.{i}."
        row = clean_kpi_fields(raw, problems, index=i, prefix=prefix)
        _check_kpi_unique(row, names, codes, problems, prefix)
        names.add(row.get("name"))
        if row.get("code") != KpiCode.CUSTOM:
            codes.add(row.get("code"))
        cleaned.append(row)
    return cleaned


def _check_kpi_unique(row: dict, names: set, codes: set, problems: Problems, prefix: str = "") -> None:
    if row.get("code") in codes:
        problems.add(prefix + "code", row["code"], _("该试点已有此类指标。"), ErrorCode.INVALID_KPI,
                     label_of(Kpi, "code"))
    elif row.get("name") and row["name"] in names:
        problems.add(prefix + "name", row["name"], _("该试点已有同名指标。"), ErrorCode.INVALID_KPI,
                     label_of(Kpi, "name"))


def pilot_update(*, actor, pilot: Pilot, data: dict) -> Pilot:
    """Change a pilot's plan. Partners change only before it starts; closed pilots do not change."""
    require_writer(actor)
    _require_open(pilot)
    problems = Problems()
    cleaned = clean_pilot_fields(data, problems, current=pilot)
    partner_ids = cleaned.pop("partner_ids", None)
    if partner_ids is not None and pilot.status != PilotStatus.PLANNED \
            and set(partner_ids) != set(pilot.partners.values_list("pk", flat=True)):
        problems.add("partner_ids", ",".join(map(str, partner_ids)), _("试点启动后不能更换参与伙伴。"),
                     label=label_of(Pilot, "partners"))
    if partner_ids is not None and "partner_owner_id" not in cleaned and pilot.partner_owner_id \
            and pilot.partner_owner.partner_id not in partner_ids:
        problems.add("partner_owner_id", pilot.partner_owner_id, _("伙伴方负责人须为参与伙伴的在职用户。"),
                     label=label_of(Pilot, "partner_owner"))
    start = cleaned.get("start_date", pilot.start_date)
    end = cleaned.get("end_date", pilot.end_date)
    if not problems and (start, end) != (pilot.start_date, pilot.end_date):
        outside = _measurements_outside(pilot, start, end)
        if outside:
            problems.add("end_date" if "end_date" in cleaned else "start_date", "",
                         _("已有测量值不在新的周期内：{dates}。").format(
                             dates=join_list(m.date.isoformat() for m in outside)),
                         ErrorCode.INVALID_DATES, label_of(Pilot, "end_date"))
    problems.raise_if_any()
    for field, value in cleaned.items():
        setattr(pilot, field, value)
    with transaction.atomic(), acting_as(actor):
        pilot.save(update_fields=[*cleaned, "updated_at"])
        if partner_ids is not None:
            pilot.partners.set(partner_ids)
    return pilot


def pilot_start(*, actor, pilot: Pilot, override: bool = False, reason: str = "") -> Pilot:
    """Start a planned pilot and move its partners into the ``pilot`` stage.

    A partner the stage gates block (e.g. due diligence not concluded) stops the start,
    naming every blocked partner, unless ``override`` is set with a ``reason``.
    """
    require_writer(actor)
    _require_open(pilot)
    if pilot.status != PilotStatus.PLANNED:
        raise DomainError(ErrorCode.CONFLICT, _("试点已经启动。"), {"status": pilot.status})
    reason = (reason or "").strip()
    movers = list(pilot.partners.exclude(stage__in=NOT_MOVED_ON_START).order_by("name"))
    blocked = [(p, gates.blocking_reasons(p, Stage.PILOT)) for p in movers]
    blocked = [(p, reasons) for p, reasons in blocked if reasons]
    if blocked and not override:
        listing = join_clauses(labelled(p.name, join_list(reasons)) for p, reasons in blocked)
        raise DomainError(
            ErrorCode.STAGE_BLOCKED,
            _("不能启动试点：{reasons}。如确需启动，请勾选“越过规则”并说明原因。").format(reasons=listing),
            {"blocked": [{"partner_id": p.pk, "partner": p.name, "reasons": r} for p, r in blocked],
             "overridable": True},
        )
    if override and not reason:
        problems = Problems()
        problems.add("reason", "", _("越过规则启动试点时必须说明原因。"), label=_("原因"))
        problems.raise_if_any()
    stage_reason = _("启动试点“{title}”").format(title=pilot.title)
    if override and blocked:
        stage_reason = join_clauses([stage_reason, _("越过规则的原因：{reason}").format(reason=reason)])
    with transaction.atomic(), acting_as(actor):
        locked = Pilot.objects.select_for_update().get(pk=pilot.pk)
        if locked.status != PilotStatus.PLANNED:
            raise DomainError(ErrorCode.CONFLICT, _("试点已经启动。"), {"status": locked.status})
        locked.status = PilotStatus.RUNNING
        locked.started_at = timezone.now()
        locked.save(update_fields=["status", "started_at", "updated_at"])
        for partner in movers:
            partner_change_stage(actor=actor, partner=partner, to_stage=Stage.PILOT, reason=stage_reason,
                                 override=override)
    pilot.status, pilot.started_at = locked.status, locked.started_at
    return pilot


# --------------------------------------------------------------------------- KPIs


def kpi_add(*, actor, pilot: Pilot, data: dict) -> Kpi:
    require_writer(actor)
    _require_open(pilot)
    problems = Problems()
    row = clean_kpi_fields(data, problems)
    existing = list(pilot.kpis.all())
    _check_kpi_unique(row, {k.name for k in existing},
                      {k.code for k in existing if k.code != KpiCode.CUSTOM}, problems)
    problems.raise_if_any()
    with acting_as(actor):
        return Kpi.objects.create(pilot=pilot, position=len(existing), **row)


def kpi_update(*, actor, kpi: Kpi, data: dict) -> Kpi:
    require_writer(actor)
    _require_open(kpi.pilot)
    problems = Problems()
    cleaned = clean_kpi_fields(data, problems, current=kpi)
    others = list(kpi.pilot.kpis.exclude(pk=kpi.pk))
    if "name" in cleaned or "code" in cleaned:
        row = {"name": cleaned.get("name", kpi.name), "code": cleaned.get("code", kpi.code)}
        _check_kpi_unique(row, {k.name for k in others}, {k.code for k in others if k.code != KpiCode.CUSTOM},
                          problems)
    problems.raise_if_any()
    for field, value in cleaned.items():
        setattr(kpi, field, value)
    with acting_as(actor):
        kpi.save(update_fields=list(cleaned))
    return kpi


def kpi_delete(*, actor, kpi: Kpi) -> None:
    """Remove a KPI that has no measurements; one with data is part of the pilot's record."""
    require_writer(actor)
    _require_open(kpi.pilot)
    count = kpi.measurements.count()
    if count:
        raise DomainError(ErrorCode.CONFLICT,
                          _("指标“{name}”已有 {n} 个测量值，不能删除。").format(name=kpi.name, n=count),
                          {"measurements": count})
    with acting_as(actor):
        kpi.delete()


# --------------------------------------------------------------------------- measurements


def _require_recorder(actor, pilot: Pilot) -> None:
    """Staff writers, and users of a partner taking part in the pilot, may record measurements."""
    if getattr(actor, "is_partner_user", False) and actor.is_active and \
            pilot.partners.filter(pk=actor.partner_id).exists():
        return
    require_writer(actor)


def measurement_record(*, actor, kpi: Kpi, date, value, note: str = "") -> tuple[Measurement, bool]:
    """Record one KPI value on one date within the pilot period.

    Returns (measurement, created). Sending the same value for the same date again (a
    retry) returns the stored row with ``created`` False; a different value for a date
    that already has one is a conflict.
    """
    pilot = kpi.pilot
    _require_recorder(actor, pilot)
    problems = Problems()
    code = ErrorCode.INVALID_MEASUREMENT
    day, reason = parse_date(date)
    if reason or day is None:
        problems.add("date", date, reason or _("不能为空。"), code, label_of(Measurement, "date"))
    number, reason = parse_number(value)
    if reason or number is None:
        problems.add("value", value, reason or _("不能为空。"), code, label_of(Measurement, "value"))
    note = clean_text(note, "note", problems, Measurement, code=code)
    problems.raise_if_any()
    existing = Measurement.objects.filter(kpi=kpi, date=day).first()
    if existing is not None:
        if existing.value == number and existing.note == note:
            return existing, False
        raise DomainError(
            ErrorCode.CONFLICT,
            _("“{kpi}”在 {date} 已有测量值 {value} {unit}。").format(
                kpi=kpi.name, date=day.isoformat(), value=plain_number(existing.value), unit=kpi.unit),
            {"field": "date", "value": day.isoformat(), "measurement_id": existing.pk},
        )
    _require_open(pilot)
    if not pilot.start_date <= day <= pilot.end_date:
        problems.add("date", day.isoformat(), _("须在试点周期内（{start} 至 {end}）。").format(
            start=pilot.start_date.isoformat(), end=pilot.end_date.isoformat()), code, label_of(Measurement, "date"))
    elif day > timezone.localdate():
        problems.add("date", day.isoformat(), _("不能晚于今天。"), code, label_of(Measurement, "date"))
    problems.raise_if_any()
    with acting_as(actor):
        measurement = Measurement.objects.create(kpi=kpi, date=day, value=number, note=note, recorded_by=actor)
    return measurement, True


# --------------------------------------------------------------------------- closing review


def review_close(*, actor, pilot: Pilot, decision: str, we_learned: str = "", partner_learned: str = "",
                 new_end_date=None) -> Review:
    """Record the closing review and act on its decision.

    - expand: the pilot closes; every partner not yet ``active`` moves to ``active``;
    - extend: the pilot runs on until ``new_end_date`` (later than the current end); stages stay;
    - stop: the pilot closes; partners in ``pilot`` that take part in no other running pilot
      move to ``rejected``.
    A stage gate that blocks a move (e.g. "into active only with a signed agreement") stops
    the whole review: nothing is written.
    """
    require_writer(actor)
    _require_open(pilot)
    problems = Problems()
    choice = parse_choice(Decision, decision or "")
    if choice is None:
        choices = join_list(label for _v, label in Decision.choices)
        problems.add("decision", decision, _("只能是：{choices}。").format(choices=choices),
                     label=label_of(Review, "decision"))
    we_learned = clean_text(we_learned, "we_learned", problems, Review)
    partner_learned = clean_text(partner_learned, "partner_learned", problems, Review)
    new_end = None
    if choice == Decision.EXTEND:
        new_end, reason = parse_date(new_end_date)
        label = label_of(Review, "new_end_date")
        if reason or new_end is None:
            problems.add("new_end_date", new_end_date, reason or _("调整后延长需要新的结束日期。"),
                         ErrorCode.INVALID_DATES, label)
        else:
            check_period(pilot.end_date, new_end, problems, "new_end_date", label)
    problems.raise_if_any()
    if choice in (Decision.EXPAND, Decision.EXTEND) and pilot.status != PilotStatus.RUNNING:
        raise DomainError(ErrorCode.CONFLICT, _("试点尚未启动：只能选择“终止”。"), {"status": pilot.status})
    with transaction.atomic(), acting_as(actor):
        locked = Pilot.objects.select_for_update().get(pk=pilot.pk)
        _require_open(locked)
        results = [row.as_result() for row in kpi_statuses(locked, on=timezone.localdate())]
        review = Review.objects.create(pilot=locked, decision=choice, results=results, we_learned=we_learned,
                                       partner_learned=partner_learned, previous_end_date=locked.end_date,
                                       new_end_date=new_end, reviewed_by=actor)
        if choice == Decision.EXTEND:
            locked.end_date = new_end
            locked.save(update_fields=["end_date", "updated_at"])
        else:
            locked.status = PilotStatus.CLOSED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at", "updated_at"])
            review.stage_moves = _move_partners(actor, locked, choice)
            review.save(update_fields=["stage_moves"])
    for field in ("status", "closed_at", "end_date"):
        setattr(pilot, field, getattr(locked, field))
    return review


def _move_partners(actor, pilot: Pilot, decision: str) -> list[dict]:
    """Move the partners as the decision says; the moves made, for the review's record."""
    moves = []
    reason = _("试点“{title}”复盘决定：{decision}").format(title=pilot.title,
                                                   decision=Decision(decision).label)
    for partner in pilot.partners.order_by("name"):
        if decision == Decision.EXPAND:
            to_stage = Stage.ACTIVE if partner.stage != Stage.ACTIVE else None
        else:
            still_piloting = Pilot.objects.filter(partners=partner, status=PilotStatus.RUNNING).exclude(pk=pilot.pk)
            to_stage = Stage.REJECTED if partner.stage == Stage.PILOT and not still_piloting.exists() else None
        if to_stage is None:
            continue
        from_stage = partner.stage
        try:
            partner_change_stage(actor=actor, partner=partner, to_stage=to_stage, reason=reason)
        except DomainError as exc:
            raise DomainError(exc.code, labelled(partner.name, exc.message),
                              {**exc.details, "partner_id": partner.pk, "partner": partner.name}) from exc
        moves.append({"partner_id": partner.pk, "partner": partner.name, "from_stage": from_stage,
                      "to_stage": str(to_stage)})
    return moves

