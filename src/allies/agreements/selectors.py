"""Reads of the agreements stage. Later stages (settlements, governance, monitoring,
ecosystem) read agreements only through these functions and the models."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from allies.agreements.choices import (
    AgreementStatus,
    ClauseArea,
    Confidentiality,
    CooperationModel,
    IpKind,
    IpOwner,
    UsageRight,
)
from allies.agreements.models import Agreement
from allies.core.scoping import restrict
from allies.core.text import join_list, labelled
from allies.domain.terms import current_term_end, notice_deadline


@dataclass(frozen=True)
class Deadline:
    """A date a signed agreement's parties must act by: its end of term or its notice deadline."""

    agreement: object  # Agreement
    kind: str  # "end" or "notice"
    date: date

    @property
    def label(self) -> str:
        return _("到期日") if self.kind == "end" else _("通知截止日")

    def days_left(self, today: date) -> int:
        return (self.date - today).days


def agreement_list(*, user, q: str = "", status: str = "", partner_id: int | None = None) -> QuerySet:
    qs = restrict(Agreement.objects.all(), user)
    q = q.replace("\x00", "")
    status = status.replace("\x00", "")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(scope__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if partner_id:
        qs = qs.filter(partners=partner_id)
    return qs.distinct().prefetch_related("partners").select_related("created_by")


def agreements_for_partner(partner) -> QuerySet:
    return Agreement.objects.filter(partners=partner).distinct()


def agreement_deadlines(agreement: Agreement, *, today: date) -> list[Deadline]:
    """The end of the current term and its notice deadline (none without an end date)."""
    if not agreement.end_date:
        return []
    end = current_term_end(agreement.end_date, auto_renew=agreement.auto_renew,
                           renewal_months=agreement.renewal_months, today=today)
    out = [Deadline(agreement, "end", end)]
    if agreement.notice_days:
        out.insert(0, Deadline(agreement, "notice", notice_deadline(end, agreement.notice_days)))
    return out


def upcoming_deadlines(*, today: date, within_days: int, agreements: QuerySet | None = None) -> list[Deadline]:
    """End-of-term and notice deadlines of signed agreements falling in [today, today + within_days].

    ``agreements`` narrows the search (e.g. to what a partner user may see); default: all.
    """
    qs = Agreement.objects.all() if agreements is None else agreements
    qs = qs.filter(status=AgreementStatus.SIGNED, end_date__isnull=False)
    last = today + timedelta(days=within_days)
    out = [d for a in qs.order_by("id") for d in agreement_deadlines(a, today=today) if today <= d.date <= last]
    return sorted(out, key=lambda d: (d.date, d.kind != "notice", d.agreement.pk))


def partner_has_signed_agreement(partner) -> bool:
    return Agreement.objects.filter(partners=partner, status=AgreementStatus.SIGNED).exists()


def active_gate_reason(partner) -> str | None:
    """Why ``partner`` may not move into ``active``: it has no signed agreement."""
    if partner_has_signed_agreement(partner):
        return None
    return _("尚无已签署的联盟协议")


# --------------------------------------------------------------------------- readable clauses


def _choice(enum, value) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


def party_names(agreement: Agreement) -> dict[str, str]:
    """Usage-right keys ("us", partner ids) -> the party's name."""
    names = {"us": _("我方")}
    names.update({str(link.partner_id): link.partner.name for link in agreement.party_links.select_related("partner")})
    return names


def ip_owner_text(asset, names: dict[str, str]) -> str:
    if not asset.owner:
        return _("未写明")
    if asset.owner == IpOwner.PARTNER:
        return names.get(str(asset.owner_partner_id), _("伙伴方"))
    return _choice(IpOwner, asset.owner)


def ip_usage_text(asset, names: dict[str, str]) -> str:
    parts = [labelled(names.get(key, key), _choice(UsageRight, right)) for key, right in (asset.usage or {}).items()]
    return _("；").join(parts) or "—"


def _lines(area: str, agreement: Agreement) -> list[str]:
    lines: list[str] = []

    def add(label, text):
        if text and str(text).strip():
            lines.append(labelled(label, str(text).strip()))

    if area == ClauseArea.SCOPE:
        add(_("合作模式"), join_list(_choice(CooperationModel, m) for m in agreement.cooperation_models or []))
        add(_("合作范围"), agreement.scope)
        add(_("合作目标"), agreement.goals)
    elif area == ClauseArea.RIGHTS_OBLIGATIONS:
        add(_("我方权利"), agreement.our_rights)
        add(_("我方义务"), agreement.our_obligations)
        for link in agreement.party_links.select_related("partner"):
            who = _("{name}（{role}）").format(name=link.partner.name, role=link.role) if link.role \
                else link.partner.name
            add(_("{party}的权利").format(party=who), link.rights)
            add(_("{party}的义务").format(party=who), link.obligations)
    elif area == ClauseArea.REVENUE_COST:
        add(_("分配约定"), agreement.revenue_cost_terms)
        add(_("舍入方式"), agreement.get_rounding_display())
        add(_("币种"), agreement.currency)
    elif area == ClauseArea.IP:
        add(_("总体约定"), agreement.ip_terms)
        names = party_names(agreement)
        for asset in agreement.ip_assets.select_related("owner_partner"):
            lines.append(_("{name}（{kind}）：权属 {owner}；使用权 {usage}；保密级别 {level}").format(
                name=asset.name, kind=_choice(IpKind, asset.kind), owner=ip_owner_text(asset, names),
                usage=ip_usage_text(asset, names), level=_choice(Confidentiality, asset.confidentiality)))
    elif area == ClauseArea.EXIT:
        add(_("终止条件"), agreement.termination_conditions)
        add(_("通知期"), _("提前 {n} 天书面通知").format(n=agreement.notice_days))
        add(_("客户交接"), agreement.customer_handover)
        add(_("数据迁移"), agreement.data_migration)
    elif area == ClauseArea.DISPUTE:
        for i, step in enumerate(agreement.dispute_steps.all(), start=1):
            text = f"{i}. {step.get_method_display()}"
            if step.body:
                text += f"{_('：')}{step.body}"
            if step.days:
                text += _("（{n} 天内）").format(n=step.days)
            lines.append(text)
    return lines


def clause_text(agreement, area: str) -> str:
    """The readable text of one clause area (GLOSSARY code: scope, rights_obligations,
    revenue_cost, ip, exit, dispute) in the active language; "" when the agreement has none."""
    if area not in ClauseArea.values:
        raise ValueError(f"unknown clause area {area!r}")
    lines = _lines(area, agreement)
    # Generated lines alone (notice period, rounding) are no clause the parties wrote.
    written = {
        ClauseArea.REVENUE_COST: agreement.revenue_cost_terms.strip(),
        ClauseArea.EXIT: agreement.termination_conditions.strip() or agreement.customer_handover.strip()
        or agreement.data_migration.strip(),
    }
    if area in written and not written[area]:
        return ""
    return "\n".join(lines)
