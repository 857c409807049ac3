"""The quarterly portfolio report (联盟组合报告): the whole network in one report.

Sections: partners by stage, alliances (agreements) by status and by health, revenue
(from the partners' sales data) and shares settled, pilot KPIs, open conflicts, joint
initiatives and the network itself. The same data feeds the web page, the .xlsx and the
PDF export.

The sections from the other stages (monitoring's health scorecards, settlements, governance's
conflicts) read those stages' models and selectors; the ecosystem is the last stage, so it may.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from allies.agreements.choices import AgreementStatus
from allies.agreements.models import Agreement
from allies.core.errors import DomainError, ErrorCode
from allies.ecosystem.models import CoBranding, JointInvestment, LabProject
from allies.ecosystem.services import investment_positions
from allies.governance.choices import ConflictStatus
from allies.governance.models import Conflict
from allies.monitoring.models import Evaluation
from allies.monitoring.selectors import scorecard
from allies.partners.choices import Stage
from allies.partners.models import Partner, StageChange
from allies.pilots.models import Pilot
from allies.pilots.selectors import kpi_statuses
from allies.settlements.models import Settlement, SettlementStatus
from allies.sharing.models import SalesMonthly

QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None) -> Quarter:
        """``2026Q3`` or ``2026-Q3``; empty means the current quarter."""
        if not text:
            return cls.containing(timezone.localdate())
        m = QUARTER.match(str(text))
        if not m or not 2000 <= int(m.group(1)) <= 2100:
            raise DomainError(ErrorCode.VALIDATION, _("季度格式应为 2026Q3。"),
                              {"errors": [{"field": "quarter", "value": str(text)[:20],
                                           "reason": _("季度格式应为 2026Q3。")}]})
        return cls(int(m.group(1)), int(m.group(2)))


# --------------------------------------------------------------------------- sections from the other stages


def alliance_health(quarter: Quarter) -> list[dict]:
    """Alliances by health: each alliance's latest evaluation whose period overlaps the quarter,
    least healthy first (monitoring's scorecard, formula on the evaluation page)."""
    latest: dict[int, Evaluation] = {}
    evaluations = (Evaluation.objects.filter(period_start__lte=quarter.end, period_end__gte=quarter.start)
                   .select_related("agreement").prefetch_related("kpis").order_by("-period_end", "-id"))
    for evaluation in evaluations:
        latest.setdefault(evaluation.agreement_id, evaluation)
    rows = []
    for evaluation in latest.values():
        card = scorecard(evaluation)
        rows.append({"agreement": str(evaluation.agreement), "period": evaluation.period_label,
                     "index": card.health.index, "kpi": card.health.kpi_part, "survey": card.health.survey_part})
    rows.sort(key=lambda r: (r["index"] is None, r["index"] or 0))
    return rows


def settled_shares(quarter: Quarter) -> list[dict]:
    """Each party's share in the settlements of the quarter's periods that all parties confirmed
    (or that were paid); only the latest version of each agreement and period counts."""
    settlements = (Settlement.objects.filter(date_from__gte=quarter.start, date_to__lte=quarter.end,
                                             status__in=[SettlementStatus.CONFIRMED, SettlementStatus.PAID])
                   .select_related("agreement").order_by("agreement__code", "period", "-version"))
    seen, rows = set(), []
    for settlement in settlements:
        if (settlement.agreement_id, settlement.period) in seen:
            continue
        seen.add((settlement.agreement_id, settlement.period))
        for st in settlement.statements.select_related("partner").order_by("partner_id"):
            rows.append({"agreement": settlement.agreement.code, "period": settlement.period,
                         "status": settlement.get_status_display(),
                         "party": st.partner.name if st.partner_id else _("我方"),
                         "currency": settlement.currency, "share": st.share, "net": st.net})
    return rows


def open_conflicts() -> list[dict]:
    """Open conflicts of every alliance, oldest first."""
    rows = Conflict.objects.filter(status=ConflictStatus.OPEN).select_related("agreement").order_by("created_at")
    return [{"title": c.title, "kind": str(c.get_kind_display()), "agreement": str(c.agreement),
             "opened": timezone.localdate(c.created_at)} for c in rows[:200]]


# --------------------------------------------------------------------------- our own sections


def _partners_by_stage(quarter: Quarter) -> list[dict]:
    counts = defaultdict(int)
    for stage in Partner.objects.values_list("stage", flat=True):
        counts[stage] += 1
    moved = defaultdict(int)
    for to_stage in StageChange.objects.filter(changed_at__date__gte=quarter.start,
                                               changed_at__date__lte=quarter.end).values_list("to_stage", flat=True):
        moved[to_stage] += 1
    return [{"stage": s, "label": str(label), "count": counts[s], "moved_in": moved[s]} for s, label in Stage.choices]


def _agreements(quarter: Quarter) -> dict:
    by_status = defaultdict(int)
    for status in Agreement.objects.values_list("status", flat=True):
        by_status[status] += 1
    signed = []
    for ag in Agreement.objects.filter(signed_at__date__gte=quarter.start, signed_at__date__lte=quarter.end
                                       ).prefetch_related("partners").order_by("signed_at"):
        names = [p.name for p in ag.partners.all()]
        signed.append({"code": ag.code, "title": ag.title, "partners": names, "multilateral": len(names) > 1})
    ending = Agreement.objects.filter(status=AgreementStatus.SIGNED, end_date__gte=quarter.start,
                                      end_date__lte=quarter.end).count()
    return {"by_status": [{"status": s, "label": str(label), "count": by_status[s]}
                          for s, label in AgreementStatus.choices],
            "signed": signed, "ending": ending}


def _revenue(quarter: Quarter) -> list[dict]:
    """Sales reported by partners in the quarter, per partner and currency (minor units)."""
    rows = defaultdict(lambda: [0, 0])
    qs = SalesMonthly.objects.filter(month__gte=quarter.start, month__lte=quarter.end).values_list(
        "partner__name", "currency", "amount", "cost")
    for name, currency, amount, cost in qs:
        rows[(name, currency)][0] += amount
        rows[(name, currency)][1] += cost
    return [{"partner": name, "currency": cur, "amount": a, "cost": c}
            for (name, cur), (a, c) in sorted(rows.items(), key=lambda x: (-x[1][0], x[0]))]


def _kpis(quarter: Quarter) -> list[dict]:
    out = []
    pilots = Pilot.objects.filter(start_date__lte=quarter.end, end_date__gte=quarter.start).prefetch_related(
        "partners").order_by("start_date", "id")
    on = min(quarter.end, timezone.localdate())
    for pilot in pilots:
        partners = [p.name for p in pilot.partners.all()]
        for row in kpi_statuses(pilot, on=max(on, pilot.start_date)):
            latest = row.measurements[-1] if row.measurements else None
            out.append({"pilot": pilot.title, "partners": partners, "kpi": row.kpi.name or row.kpi.get_code_display(),
                        "unit": row.kpi.unit, "baseline": float(row.kpi.baseline), "target": float(row.kpi.target),
                        "latest": float(latest.value) if latest else None,
                        "progress": row.result.progress, "status": row.result.status or ""})
    return out


def _overlaps(start: date, end: date | None, quarter: Quarter) -> bool:
    return start <= quarter.end and (end is None or end >= quarter.start)


def _initiatives(quarter: Quarter) -> dict:
    labs = []
    for lab in LabProject.objects.prefetch_related("parties__partner", "milestones").order_by("start_date"):
        if not _overlaps(lab.start_date, lab.end_date, quarter):
            continue
        due = [m for m in lab.milestones.all() if quarter.start <= m.due_date <= quarter.end]
        labs.append({"title": lab.title, "status": lab.get_status_display(), "currency": lab.currency,
                     "budget": lab.budget,
                     "parties": [p.partner.name if p.partner else _("我方") for p in lab.parties.all()],
                     "milestones_due": len(due), "milestones_done": sum(1 for m in due if m.done_on)})
    investments = []
    for inv in JointInvestment.objects.filter(invested_on__lte=quarter.end).order_by("invested_on"):
        positions = investment_positions(inv)
        total_amount = sum(p.amount for p, _pos in positions)
        values = [pos.value for _p, pos in positions]
        total_value = sum(values) if values and None not in values else None
        investments.append({"target": inv.target_company, "status": inv.get_status_display(),
                            "currency": inv.currency, "amount": total_amount, "value": total_value,
                            "gain": None if total_value is None else total_value - total_amount,
                            "parties": [p.partner.name if p.partner else _("我方") for p, _pos in positions]})
    cobrandings = []
    for cb in CoBranding.objects.prefetch_related("partners").order_by("start_date"):
        if _overlaps(cb.start_date, cb.end_date, quarter):
            cobrandings.append({"title": cb.title, "status": cb.get_status_display(),
                                "partners": [p.name for p in cb.partners.all()], "markets": cb.markets})
    return {"labs": labs, "investments": investments, "cobrandings": cobrandings}


def report(quarter: Quarter) -> dict:
    from allies.ecosystem.selectors import all_links  # noqa: PLC0415 (heavy; only for the network figures)

    links = all_links()
    types = defaultdict(int)
    for link in links:
        types[str(link.type)] += 1
    return {
        "quarter": quarter.code,
        "start": quarter.start,
        "end": quarter.end,
        "partners_by_stage": _partners_by_stage(quarter),
        "agreements": _agreements(quarter),
        "health": alliance_health(quarter),
        "revenue": _revenue(quarter),
        "settled": settled_shares(quarter),
        "kpis": _kpis(quarter),
        "conflicts": open_conflicts(),
        "initiatives": _initiatives(quarter),
        "network": {"links": len(links), "by_type": dict(types)},
    }
