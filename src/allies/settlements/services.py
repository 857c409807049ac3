"""Settlement writes: compute (a new version when the last one was already acted on), confirm, dispute, pay.

Lifecycle: a computed settlement is a draft awaiting each party's confirmation (staff confirm
for us, partner users for their company). When every party has confirmed it is confirmed,
then paid. A statement that was confirmed or disputed is never changed: recomputing then
creates a new version that records its difference from the previous one. A dispute is told
to settlements.hooks (governance opens a conflict).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.agreements.models import Agreement
from allies.core.audit import acting_as, record_bulk
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.settlements import hooks
from allies.settlements.engine import Result, compute
from allies.settlements.models import (
    Settlement,
    SettlementStatus,
    Statement,
    StatementLine,
    StatementStatus,
)
from allies.settlements.rules import US

LINE_BATCH = 2000


def latest_version(agreement: Agreement, period: str) -> Settlement | None:
    return agreement.settlements.filter(period=period).order_by("-version").first()


def _untouched(settlement: Settlement) -> bool:
    """A draft nobody has confirmed or disputed yet may be replaced in place."""
    return (settlement.status == SettlementStatus.DRAFT
            and not settlement.statements.exclude(status=StatementStatus.PENDING).exists())


def settlement_compute(*, actor, agreement: Agreement, period: str, progress=None) -> Settlement:
    """Compute the period's settlement and store it; checks everything before writing anything."""
    require_writer(actor)
    if progress:
        progress(_("汇总销售数据"), 0.1)
    result = compute(agreement, period)
    if progress:
        progress(_("写入结算单"), 0.8)
    with transaction.atomic(), acting_as(actor):
        previous = latest_version(agreement, str(result.period))
        if previous is not None and _untouched(previous):
            replaced = previous
            version, before = previous.version, previous.previous
            replaced.statements.all().delete()
            replaced.lines.all().delete()
            replaced.delete()
        else:
            version, before = (previous.version + 1 if previous else 1), previous
        settlement = _store(actor, result, version, before)
        record_bulk(actor=actor, model=Settlement, object_repr=str(settlement),
                    summary={"period": [None, settlement.period], "version": [None, version],
                             "rows_counted": [None, settlement.rows_counted]})
    if progress:
        progress(_("完成"), 1.0)
    return settlement


def _store(actor, result: Result, version: int, previous: Settlement | None) -> Settlement:
    details = dict(result.details)
    if previous is not None:
        old = {(s.partner_id or US): s.net for s in previous.statements.all()}
        details["difference"] = {str(pid): fig.net - old.get(pid, 0) for pid, fig in result.figures.items()}
        details["previous_version"] = previous.version
    settlement = Settlement.objects.create(
        agreement=result.agreement, period=str(result.period), version=version, previous=previous,
        currency=result.agreement.currency, date_from=result.date_from, date_to=result.date_to,
        rows_counted=result.rows_counted, rows_uncounted=result.rows_uncounted, revenue=result.revenue,
        distributable=result.distributable, details=details, computed_by=actor)
    Statement.objects.bulk_create([
        Statement(settlement=settlement, partner_id=pid or None, revenue=fig.revenue, collected=fig.collected,
                  share=fig.share, bonus=fig.bonus, cost_share=fig.cost_share, cost_paid=fig.cost_paid, net=fig.net)
        for pid, fig in result.figures.items()])
    rules = {i: r for i, r in enumerate(result.details["rules"])}
    StatementLine.objects.bulk_create([
        StatementLine(settlement=settlement, rule_id=rules[g.rule_index]["rule_id"],
                      rule_name=rules[g.rule_index]["name"], partner_id=g.partner_id, product=g.product,
                      category=g.category, month=g.month, rows=g.rows, revenue=g.revenue, cost=g.cost,
                      basis=g.basis(rules[g.rule_index]["basis"]))
        for g in result.groups], batch_size=LINE_BATCH)
    return settlement


def _own_statement(actor, settlement: Settlement) -> Statement:
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if actor.is_partner_user:
        statement = settlement.statements.filter(partner_id=actor.partner_id).first()
    else:
        require_writer(actor)
        statement = settlement.statements.filter(partner__isnull=True).first()
    if statement is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("没有你方的结算单。"))
    latest = latest_version(settlement.agreement, settlement.period)
    if latest is not None and latest.pk != settlement.pk:
        raise DomainError(ErrorCode.CONFLICT, _("这是旧版本（v{version}），请在最新版本上操作。").format(
            version=settlement.version), {"latest_id": latest.pk})
    return statement


def settlement_confirm(*, actor, settlement: Settlement) -> Statement:
    """The actor's party confirms its statement; when all parties have, the settlement is confirmed."""
    with transaction.atomic(), acting_as(actor):
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        statement = _own_statement(actor, settlement)
        if settlement.status not in (SettlementStatus.DRAFT, SettlementStatus.DISPUTED) or \
                statement.status == StatementStatus.CONFIRMED:
            raise DomainError(ErrorCode.CONFLICT, _("该结算单已确认或已支付，不能再次确认。"),
                              {"status": settlement.status})
        statement.status = StatementStatus.CONFIRMED
        statement.confirmed_by = actor
        statement.confirmed_at = timezone.now()
        statement.save()
        if not settlement.statements.exclude(status=StatementStatus.CONFIRMED).exists():
            settlement.status = SettlementStatus.CONFIRMED
            settlement.save(update_fields=["status"])
    return statement


def settlement_dispute(*, actor, settlement: Settlement, reason: str) -> Statement:
    """The actor's party disputes its statement, with a reason; governance is told through hooks."""
    with transaction.atomic(), acting_as(actor):
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        statement = _own_statement(actor, settlement)
        reason = _dispute_reason(reason)
        if settlement.status != SettlementStatus.DRAFT or statement.status != StatementStatus.PENDING:
            raise DomainError(ErrorCode.CONFLICT, _("只能对待确认的结算单提出异议。"), {"status": settlement.status})
        statement.status = StatementStatus.DISPUTED
        statement.dispute_reason = reason
        statement.disputed_by = actor
        statement.disputed_at = timezone.now()
        statement.save()
        settlement.status = SettlementStatus.DISPUTED
        settlement.save(update_fields=["status"])
        hooks.dispute_raised(statement, actor, reason)
    return statement


def _dispute_reason(reason) -> str:
    reason = str(reason or "").strip()
    if not reason or len(reason) > 1000:
        message = _("请填写异议理由（不超过 1000 个字符）。")
        raise DomainError(ErrorCode.VALIDATION, message,
                          {"errors": [{"field": "reason", "value": reason[:50], "reason": message}]})
    return reason


def settlement_mark_paid(*, actor, settlement: Settlement, reference: str = "") -> Settlement:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.status != SettlementStatus.CONFIRMED:
            raise DomainError(ErrorCode.CONFLICT, _("只有各方都已确认的结算才能标记为已支付。"),
                              {"status": settlement.status})
        settlement.status = SettlementStatus.PAID
        settlement.paid_at = timezone.now()
        settlement.payment_reference = str(reference or "").strip()[:100]
        settlement.save(update_fields=["status", "paid_at", "payment_reference"])
    return settlement
