"""Writes of the conflict log (冲突处理, spec 6): raise, add evidence, escalate one step, resolve.

A conflict starts at the first step of its alliance's escalation path and moves up one step
at a time, each move with a reason, until it is resolved. Every move is a ConflictEvent row,
so the history reads who did what, when and why.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.agreements.models import Agreement
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.governance.choices import ConflictAction, ConflictKind, ConflictStatus, EvidenceKind, Side
from allies.governance.models import Conflict, ConflictEvent, Evidence
from allies.governance.selectors import escalation_steps, may_see_agreement, steps_of
from allies.governance.validation import Problems, choice, clean_text, label_of

MAX_EVIDENCE = 50


def _require_participant(actor, agreement: Agreement) -> None:
    """Writers, or a user of one of the alliance's partners (the other side of the conflict)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if actor.is_internal:
        require_writer(actor)
    elif not may_see_agreement(actor, agreement):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("你不是该联盟的成员。"))


def safe_url(raw: str) -> bool:
    """Only links inside this site or to http(s) pages; never javascript: or data: URLs."""
    if not raw:
        return True
    if raw.startswith("/") and not raw.startswith("//"):
        return True
    return raw.lower().startswith(("http://", "https://")) and " " not in raw


def _clean_evidence(evidence, problems: Problems) -> list[dict]:
    rows = []
    items = list(evidence or ())
    label = _("证据")
    if len(items) > MAX_EVIDENCE:
        problems.add("evidence", len(items), _("最多 {n} 条证据。").format(n=MAX_EVIDENCE), label=label)
        return []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            kind, object_id, text, url = (item.get("kind"), item.get("object_id"), item.get("label"), item.get("url"))
        else:
            try:
                kind, object_id, text, url = item
            except (TypeError, ValueError):
                problems.add(f"evidence.{i}", str(item)[:50], _("应为（类型、对象编号、说明、链接）。"), label=label)
                continue
        kind = choice(kind, EvidenceKind, f"evidence.{i}.kind", problems, label_of(Evidence, "kind"), required=True)
        object_id = clean_text(object_id, f"evidence.{i}.object_id", problems, label_of(Evidence, "object_id"),
                               limit=64)
        text = clean_text(text, f"evidence.{i}.label", problems, label_of(Evidence, "label"), limit=300,
                          required=True)
        url = clean_text(url, f"evidence.{i}.url", problems, label_of(Evidence, "url"), limit=500)
        if not safe_url(url):
            problems.add(f"evidence.{i}.url", url[:50], _("链接须以 / 或 http(s):// 开头。"), label=label_of(Evidence, "url"))
        rows.append({"kind": kind, "object_id": object_id, "label": text, "url": url})
    return rows


def _open(*, actor, agreement: Agreement, kind, title, description, evidence) -> Conflict:
    problems = Problems()
    kind = choice(kind, ConflictKind, "kind", problems, label_of(Conflict, "kind"), required=True)
    title = clean_text(title, "title", problems, label_of(Conflict, "title"), limit=200, required=True)
    description = clean_text(description, "description", problems, label_of(Conflict, "description"), limit=10000,
                             required=True, multiline=True)
    rows = _clean_evidence(evidence, problems)
    problems.raise_if_any()
    steps = escalation_steps(agreement)
    internal = actor is None or actor.is_internal
    with transaction.atomic(), acting_as(actor):
        conflict = Conflict.objects.create(
            agreement=agreement, kind=kind, title=title, description=description, raised_by=actor,
            raised_side=Side.INTERNAL if internal else Side.PARTNER,
            raised_partner_id=None if internal else actor.partner_id,
            path=[s.as_dict() for s in steps], current_step=0,
        )
        for row in rows:
            Evidence.objects.create(conflict=conflict, added_by=actor, **row)
        ConflictEvent.objects.create(conflict=conflict, action=ConflictAction.RAISED, step=0,
                                     step_name=steps[0].label, actor=actor)
    return conflict


def conflict_raise(*, actor, agreement: Agreement, kind: str, title: str, description: str,
                   evidence=()) -> Conflict:
    """Open a conflict at the first step of the alliance's escalation path.

    ``evidence`` is an iterable of (kind, object_id, label, url), kind one of alert, kpi,
    settlement, clause, other. Either side may raise: our writers, or a partner user of the
    alliance.
    """
    _require_participant(actor, agreement)
    return _open(actor=actor, agreement=agreement, kind=kind, title=title, description=description,
                 evidence=evidence)


def evidence_add(*, actor, conflict: Conflict, kind: str, object_id: str = "", label: str = "",
                 url: str = "") -> Evidence:
    require_writer(actor)
    problems = Problems()
    rows = _clean_evidence([(kind, object_id, label, url)], problems)
    if conflict.evidence.count() >= MAX_EVIDENCE:
        problems.add("evidence", MAX_EVIDENCE, _("最多 {n} 条证据。").format(n=MAX_EVIDENCE), label=_("证据"))
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return Evidence.objects.create(conflict=conflict, added_by=actor, **rows[0])


def _locked_open(conflict: Conflict) -> Conflict:
    locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.status != ConflictStatus.OPEN:
        raise DomainError(ErrorCode.CONFLICT, _("该冲突已解决，不能再处理。"), {"status": locked.status})
    return locked


def conflict_escalate(*, actor, conflict: Conflict, reason: str, to_step: int | None = None) -> Conflict:
    """Move a conflict up exactly one step of its path, with a reason.

    ``to_step`` (optional) is the step the caller means to reach; anything but the next one
    is refused, so a conflict can never skip a step.
    """
    require_writer(actor)
    problems = Problems()
    reason = clean_text(reason, "reason", problems, label_of(ConflictEvent, "reason"), limit=5000, required=True,
                        multiline=True)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        locked = _locked_open(conflict)
        steps = steps_of(locked.path)
        nxt = locked.current_step + 1
        if nxt >= len(steps):
            raise DomainError(ErrorCode.CONFLICT, _("已到升级路径的最后一步（{step}），不能再升级。").format(
                step=steps[-1].label), {"current_step": locked.current_step})
        if to_step is not None and to_step != nxt:
            raise DomainError(
                ErrorCode.VALIDATION,
                _("每次只能升级一步：当前为第 {current} 步（{name}），下一步是第 {next} 步（{next_name}）。").format(
                    current=locked.current_step + 1, name=steps[locked.current_step].label, next=nxt + 1,
                    next_name=steps[nxt].label),
                {"errors": [{"field": "to_step", "value": str(to_step),
                             "reason": _("只能升级到下一步。")}], "current_step": locked.current_step})
        locked.current_step = nxt
        locked.save(update_fields=["current_step", "updated_at"])
        ConflictEvent.objects.create(conflict=locked, action=ConflictAction.ESCALATED, step=nxt,
                                     step_name=steps[nxt].label, reason=reason, actor=actor)
    conflict.current_step = locked.current_step
    return conflict


def conflict_resolve(*, actor, conflict: Conflict, resolution: str) -> Conflict:
    require_writer(actor)
    problems = Problems()
    resolution = clean_text(resolution, "resolution", problems, label_of(Conflict, "resolution"), limit=10000,
                            required=True, multiline=True)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        locked = _locked_open(conflict)
        locked.status = ConflictStatus.RESOLVED
        locked.resolution = resolution
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
        step = steps_of(locked.path)[locked.current_step]
        ConflictEvent.objects.create(conflict=locked, action=ConflictAction.RESOLVED, step=locked.current_step,
                                     step_name=step.label, reason=resolution, actor=actor)
    return locked


def on_settlement_disputed(statement, actor, reason: str) -> None:
    """settlements.hooks handler: a disputed settlement statement opens a conflict with it as evidence.

    The settlements service has already checked that the actor may dispute the statement.
    """
    settlement = statement.settlement
    party = statement.partner.name if statement.partner_id else _("我方")
    label = f"{settlement} · {party}"
    _open(actor=actor, agreement=settlement.agreement, kind=ConflictKind.RESOURCE_CONTENTION,
          title=_("结算单争议：{statement}").format(statement=label)[:200],
          description=(reason or "").strip() or _("对结算单有异议。"),
          evidence=[(EvidenceKind.SETTLEMENT, str(statement.pk), label[:300],
                     reverse("settlements:detail", args=[settlement.pk]))])