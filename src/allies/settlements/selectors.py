"""Reads of settlements: what a user may see of agreements, rules, settlements, statements and lines.

A partner user sees the agreements its company is party to, the rules of those agreements,
its own statement only, and the statement lines of its own sales plus those of the partners
that share at least aggregates with it (sharing.SharingGrant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext as _

from allies.agreements.models import Agreement
from allies.core.scoping import get_visible, restrict
from allies.domain.sharing import shapley, to_fraction
from allies.settlements.models import (
    CostEntry,
    CostRule,
    PerformanceBonus,
    Settlement,
    SharingRule,
    Statement,
    StatementLine,
)
from allies.settlements.rules import US, Party, agreement_parties, party_key
from allies.sharing.models import SharingLevel
from allies.sharing.sales import shared_partner_ids

SHAPLEY_SAMPLES = 4000
SHAPLEY_SEED = 20261127


def visible_agreements(user) -> QuerySet:
    return restrict(Agreement.objects.all(), user).distinct().order_by("-created_at", "-id")


def agreement_get(user, pk) -> Agreement:
    return get_visible(Agreement.objects.distinct(), user, pk=pk)


def rules_of(user, agreement: Agreement) -> QuerySet:
    return restrict(SharingRule.objects.filter(agreement=agreement), user).distinct() \
        .prefetch_related("partners", "categories").order_by("position", "pk")


def rule_get(user, pk) -> SharingRule:
    return get_visible(SharingRule.objects.select_related("agreement").distinct(), user, pk=pk)


def bonuses_of(user, agreement: Agreement) -> QuerySet:
    return restrict(PerformanceBonus.objects.filter(agreement=agreement), user).select_related("partner")


def cost_rules_of(user, agreement: Agreement) -> QuerySet:
    return restrict(CostRule.objects.filter(agreement=agreement), user).distinct()


def cost_entries_of(user, agreement: Agreement) -> QuerySet:
    return restrict(CostEntry.objects.filter(agreement=agreement), user).distinct().select_related("rule", "paid_by")


def settlements_of(user, agreement: Agreement) -> QuerySet:
    return restrict(Settlement.objects.filter(agreement=agreement), user).distinct().order_by("-period", "-version")


def settlement_get(user, pk) -> Settlement:
    return get_visible(Settlement.objects.select_related("agreement").distinct(), user, pk=pk)


def statements_of(user, settlement: Settlement) -> QuerySet:
    return restrict(Statement.objects.filter(settlement=settlement), user).select_related(
        "partner", "confirmed_by", "disputed_by").order_by(F("partner_id").asc(nulls_first=True))


def line_partner_ids(user, settlement: Settlement) -> list[int]:
    """Partners (besides the user's own company) whose statement lines a partner user may see."""
    if not getattr(user, "is_partner_user", False):
        return []
    parties = set(settlement.agreement.partners.values_list("pk", flat=True))
    return [pid for pid in shared_partner_ids(user.partner, SharingLevel.AGGREGATES) if pid in parties]


def lines_of(user, settlement: Settlement) -> QuerySet:
    return restrict(StatementLine.objects.filter(settlement=settlement), user,
                    shared_by=line_partner_ids(user, settlement)).select_related("partner")


def line_totals(user, settlement: Settlement) -> dict:
    return lines_of(user, settlement).aggregate(rows=Sum("rows"), revenue=Sum("revenue"), cost=Sum("cost"),
                                                basis=Sum("basis"))


def party_names(settlement: Settlement) -> dict[int, str]:
    """Party id -> name as stored at computation time; "us" in the reader's language."""
    names = {p["id"]: p["name"] for p in settlement.details.get("parties", [])}
    names[US] = str(_("我方"))
    return names


def difference_for(user, settlement: Settlement) -> dict[int, int]:
    """The change of each visible party's net amount against the previous version."""
    diff = settlement.details.get("difference") or {}
    visible = {s.partner_id or US for s in statements_of(user, settlement)}
    return {int(k): v for k, v in diff.items() if int(k) in visible}


def rule_details_for(user, settlement: Settlement) -> list[dict]:
    """The rules applied, with their bands and volumes.

    A partner user sees the rules it takes part in and only its own part. A rule's volumes
    sum every seller's sales, so they are shown to a partner user only when every other seller
    in that rule shares at least aggregates with it; otherwise it sees the tier reached only.
    """
    out = []
    names = party_names(settlement)
    own = None if getattr(user, "is_internal", False) else getattr(user, "partner_id", None)
    shared = set(line_partner_ids(user, settlement))
    sellers: dict[int, set] = {}
    if own is not None:
        for rule_id, partner_id in settlement.lines.values_list("rule_id", "partner_id").distinct():
            sellers.setdefault(rule_id, set()).add(partner_id)
    for rule in settlement.details.get("rules", []):
        parties = rule["parties"]
        if own is not None and own not in parties:
            continue
        shown = [(pid, part) for pid, part in zip(parties, rule["parts"]) if own is None or pid == own]
        detail = {**rule, "party_parts": [{"name": names.get(pid, str(pid)), "amount": amount}
                                          for pid, amount in shown],
                  "party_names": [names.get(pid, str(pid)) for pid in parties]}
        if own is not None and not (sellers.get(rule["rule_id"], set()) - {own}) <= shared:
            detail["volume"] = detail["rows"] = None
            detail["bands"] = [{**band, "volume": None} for band in rule["bands"]]
        out.append(detail)
    return out


# --------------------------------------------------------------------------- fair-split advisor


@dataclass
class FairSplit:
    parties: list[Party]
    agreed: list[str | None]  # percentages of the first rule, per party ("" when the party has none)
    shapley: list[float]
    percents: list[float]
    exact: bool
    grand_value: float
    entered: int
    coalitions: list[dict]


def coalition_table(agreement: Agreement) -> dict[int, float]:
    """Entered coalition values as bit masks over the parties (bit i = the i-th of agreement_parties)."""
    index = {p.id: i for i, p in enumerate(agreement_parties(agreement))}
    table = {}
    for row in agreement.coalition_values.all():
        if all(m in index for m in row.members):
            mask = 0
            for m in row.members:
                mask |= 1 << index[m]
            table[mask] = float(row.value)
    return table


def fair_split(agreement: Agreement) -> FairSplit:
    from allies.domain.sharing import completed_value

    parties = agreement_parties(agreement)
    known = coalition_table(agreement)
    value = completed_value(known)
    n = len(parties)
    phi, exact = shapley(n, value, samples=SHAPLEY_SAMPLES, seed=SHAPLEY_SEED)
    grand = value((1 << n) - 1)
    percents = [float(x / grand * 100) if grand else 0.0 for x in phi]
    rule = agreement.sharing_rules.order_by("position", "pk").first()
    agreed_map = {party_key(s["party"]): s["percent"] for s in rule.shares} if rule else {}
    agreed = [agreed_map.get(p.id) for p in parties]
    coalitions = []
    if n <= 6:
        for mask in range(1, 1 << n):
            members = [parties[i].name for i in range(n) if mask >> i & 1]
            coalitions.append({"members": members, "ids": [parties[i].id for i in range(n) if mask >> i & 1],
                               "value": value(mask), "entered": mask in known})
    return FairSplit(parties=parties, agreed=agreed, shapley=[float(x) for x in np.asarray(phi)], percents=percents,
                     exact=exact, grand_value=grand, entered=len(known), coalitions=coalitions)


def agreed_total(agreed: list[str | None]) -> str:
    total = sum((to_fraction(a) for a in agreed if a), start=to_fraction(0))
    return str(float(total))


def status_note(settlement: Settlement) -> str:
    latest = settlement.agreement.settlements.filter(period=settlement.period).order_by("-version").first()
    if latest and latest.pk != settlement.pk:
        return _("已有更新的版本 v{version}。").format(version=latest.version)
    return ""
