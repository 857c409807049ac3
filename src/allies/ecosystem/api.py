"""REST endpoints of the ecosystem stage (mounted under /api/v1/ by allies.api.main).

- /ecosystem/network: nodes and edges; a partner user gets its own part of the network.
- /ecosystem/analytics, /coverage, /suggestions, /portfolio: staff reads.
- /ecosystem/relations, /referrals: manual relations and referrals (staff; writers write).
- /ecosystem/labs, /investments, /cobranding: joint initiatives; a partner user reads the
  ones it takes part in, with only its own figures; another partner's is a 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from allies.api.paging import page_slice
from allies.api.schemas import DbId, errors
from allies.core.permissions import require_internal
from allies.core.scoping import get_visible
from allies.ecosystem import portfolio, selectors, services
from allies.ecosystem.models import CoBranding, JointInvestment, LabMilestone, LabProject, Referral, Relation
from allies.ecosystem.schemas import (
    AnalyticsOut,
    CoBrandingIn,
    CoBrandingOut,
    CoBrandingPatch,
    CoverageOut,
    InvestmentIn,
    InvestmentOut,
    InvestmentPatch,
    LabIn,
    LabOut,
    LabPatch,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    NetworkOut,
    PortfolioOut,
    ReferralIn,
    ReferralOut,
    RelationIn,
    RelationOut,
    RelationPage,
    RelationPatch,
    SuggestionOut,
)

router = Router(tags=["ecosystem"])
MAX_ID = 2**63 - 1
MAX_LIST = 500


def _id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise Http404
    return value


def _split(text: str) -> list[str]:
    return [t for t in (text or "").replace("，", ",").split(",") if t.strip()][:20]


def _us() -> str:
    return _("我方")


# --------------------------------------------------------------------------- network


class NetworkFilters(Schema):
    types: str = ""
    stages: str = ""


@router.get("/ecosystem/network", response={200: NetworkOut, **errors(401)},
            summary="The ecosystem graph: nodes (us and partners) and edges (relations by type); "
                    "comma-separated types and stages filter it. A partner user gets its own part.")
def get_network(request, filters: Query[NetworkFilters]):
    net = selectors.network(user=request.auth, types=_split(filters.types), stages=_split(filters.stages))
    return {"nodes": net.nodes, "edges": net.edges}


def explanations() -> dict[str, str]:
    return {
        "degree": _("直接相连的组织数：越多，该伙伴与越多方有往来。"),
        "betweenness": _("中介度：其他组织之间的最短路径经过该伙伴的比例；越高，越是网络中的“枢纽”。"),
        "articulation": _("关键节点：一旦失去它，网络会分裂，表中数字是会被隔开的组织数。"),
        "bridges": _("关键连线：唯一连接两部分的关系，断开后网络分裂，数字是较小一侧的组织数。"),
        "clusters": _("伙伴群：彼此联系比与其他伙伴更紧密的伙伴（不计与我方的连线），用标签传播法找出。"),
        "coverage": _("资源覆盖：哪些伙伴提供我方自我评估中列出的短板资源，哪些短板尚无人覆盖。"),
        "suggestions": _("多边合作建议：两位伙伴彼此共同客户多、资源互补，可考虑从双边走向三方联盟。"),
    }


@router.get("/ecosystem/analytics", response={200: AnalyticsOut, **errors(401, 403)},
            summary="Central partners, articulation points, bridges and clusters of the (filtered) network")
def get_analytics(request, filters: Query[NetworkFilters]):
    require_internal(request.auth)
    net = selectors.network(user=request.auth, types=_split(filters.types), stages=_split(filters.stages))
    a = selectors.analytics(net)
    return {"nodes": a.nodes, "edges": a.edges, "components": a.components, "betweenness_sampled": a.sampled,
            "betweenness_samples": a.samples, "central": a.central, "articulation_points": a.articulation,
            "bridges": a.bridges, "clusters": a.clusters, "explanations": explanations()}


@router.get("/ecosystem/coverage", response={200: CoverageOut, **errors(401, 403)},
            summary="Resource coverage matrix: which partners cover which of our declared gaps")
def get_coverage(request):
    require_internal(request.auth)
    view = selectors.coverage()
    codes = [g for g, _label in view.gaps]
    return {"assessed_on": view.assessment.assessed_on if view.assessment else None, "gaps": codes,
            "rows": [{"partner_id": r["partner"].pk, "name": r["partner"].name,
                      "covers": [g for g, flag in zip(codes, r["flags"]) if flag]} for r in view.rows],
            "uncovered": [g for g, _label, _cands in view.uncovered],
            "candidates": {g: [p.pk for p in ps] for g, ps in view.candidates.items()}}


@router.get("/ecosystem/suggestions", response={200: list[SuggestionOut], **errors(401, 403)},
            summary="Suggested multilateral moves: pairs of partners to bring together, with their evidence")
def get_suggestions(request):
    require_internal(request.auth)
    return [{"partner_ids": [s.a.pk, s.b.pk], "names": [s.a.name, s.b.name], "score": s.score,
             "shared_customers": s.shared_ab, "shared_with_us": [s.shared_a_us, s.shared_b_us],
             "gaps_closed": s.gaps_closed, "evidence": s.evidence} for s in selectors.suggestions()]


# --------------------------------------------------------------------------- relations


def relation_out(r: Relation) -> dict:
    return {"id": r.pk, "kind": r.kind, "source_id": r.source_id, "target_id": r.target_id,
            "source_name": r.source.name if r.source else _us(), "target_name": r.target.name if r.target else _us(),
            "strength": r.strength, "start_date": r.start_date, "end_date": r.end_date, "note": r.note,
            "created_at": r.created_at}


class RelationFilters(Schema):
    kind: str = ""
    partner_id: DbId | None = None
    limit: int = 50
    offset: int = 0


def _relation(request, relation_id: int) -> Relation:
    require_internal(request.auth)
    return get_object_or_404(Relation.objects.select_related("source", "target"), pk=_id(relation_id))


@router.get("/ecosystem/relations", response={200: RelationPage, **errors(401, 403)},
            summary="Manual relations (referrals, supply, business)")
def list_relations(request, filters: Query[RelationFilters]):
    require_internal(request.auth)
    qs = selectors.relations(kind=filters.kind, partner_id=filters.partner_id)
    return {"count": qs.count(), "items": [relation_out(r) for r in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("/ecosystem/relations", response={201: RelationOut, **errors(401, 403)},
             summary="Add a manual relation (empty side = our company)")
def create_relation(request, payload: RelationIn):
    relation = services.relation_create(actor=request.auth, data=payload.dict())
    return 201, relation_out(Relation.objects.select_related("source", "target").get(pk=relation.pk))


@router.get("/ecosystem/relations/{relation_id}", response={200: RelationOut, **errors(401, 403, 404)},
            summary="One manual relation")
def get_relation(request, relation_id: int):
    return relation_out(_relation(request, relation_id))


@router.patch("/ecosystem/relations/{relation_id}", response={200: RelationOut, **errors(401, 403, 404)},
              summary="Change a manual relation")
def update_relation(request, relation_id: int, payload: RelationPatch):
    relation = _relation(request, relation_id)
    services.relation_update(actor=request.auth, relation=relation, data=payload.dict(exclude_unset=True))
    return relation_out(_relation(request, relation_id))


@router.delete("/ecosystem/relations/{relation_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a manual relation")
def delete_relation(request, relation_id: int):
    services.relation_delete(actor=request.auth, relation=_relation(request, relation_id))
    return 204, None


# --------------------------------------------------------------------------- referrals


def referral_out(r: Referral) -> dict:
    return {"id": r.pk, "partner_id": r.partner_id, "partner_name": r.partner.name,
            "referred_by_id": r.referred_by_id, "referred_by_name": r.referred_by.name if r.referred_by else "",
            "referrer_name": r.referrer_name, "referred_on": r.referred_on, "note": r.note}


@router.get("/ecosystem/referrals", response={200: list[ReferralOut], **errors(401, 403)},
            summary="Who introduced which partner (partners found through referral)")
def list_referrals(request):
    require_internal(request.auth)
    return [referral_out(r) for r in Referral.objects.select_related("partner", "referred_by")[:MAX_LIST]]


@router.post("/ecosystem/referrals", response={200: ReferralOut, **errors(401, 403, 404)},
             summary="Record (or replace) who introduced a partner")
def set_referral(request, payload: ReferralIn):
    referral = services.referral_set(actor=request.auth, data=payload.dict())
    return referral_out(Referral.objects.select_related("partner", "referred_by").get(pk=referral.pk))


@router.delete("/ecosystem/referrals/{referral_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a referral record")
def delete_referral(request, referral_id: int):
    require_internal(request.auth)
    referral = get_object_or_404(Referral, pk=_id(referral_id))
    services.referral_delete(actor=request.auth, referral=referral)
    return 204, None


# --------------------------------------------------------------------------- lab projects


def _own(user, partner_id) -> bool:
    """Whether the user may see this party's figures: staff all, a partner user only its own."""
    return user.is_internal or (partner_id is not None and partner_id == user.partner_id)


def lab_out(lab: LabProject, user) -> dict:
    parties = [{"partner_id": p.partner_id, "name": p.partner.name if p.partner else _us(),
                "share": p.share if _own(user, p.partner_id) else None, "role": p.role}
               for p in lab.parties.all()]
    return {"id": lab.pk, "title": lab.title, "goal": lab.goal, "currency": lab.currency,
            "budget": lab.budget if user.is_internal else None, "start_date": lab.start_date,
            "end_date": lab.end_date, "status": lab.status, "outcome": lab.outcome, "resulting_ip": lab.resulting_ip,
            "ip_assets": [{"id": a.pk, "name": a.name, "kind": a.kind, "agreement_id": a.agreement_id,
                           "agreement_code": a.agreement.code, "agreement_title": a.agreement.title}
                          for a in selectors.lab_ip_assets(lab, user)],
            "parties": parties,
            "milestones": [{"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on}
                           for m in lab.milestones.all()]}


def _lab(request, lab_id: int) -> LabProject:
    qs = selectors.with_ip_assets(LabProject.objects.prefetch_related("parties__partner", "milestones"), request.auth)
    return get_visible(qs.distinct(), request.auth, pk=_id(lab_id))


class PageFilters(Schema):
    limit: int = 50
    offset: int = 0


@router.get("/ecosystem/labs", response={200: list[LabOut], **errors(401)},
            summary="Joint innovation lab projects (a partner: those it takes part in, its own figures)")
def list_labs(request, filters: Query[PageFilters]):
    qs = selectors.labs(user=request.auth)
    return [lab_out(x, request.auth) for x in qs[page_slice(filters.limit, filters.offset)]]


@router.post("/ecosystem/labs", response={201: LabOut, **errors(401, 403)},
             summary="Create a lab project; the parties' shares must add up to the budget")
def create_lab(request, payload: LabIn):
    lab = services.lab_create(actor=request.auth, data=payload.dict())
    return 201, lab_out(_lab(request, lab.pk), request.auth)


@router.get("/ecosystem/labs/{lab_id}", response={200: LabOut, **errors(401, 404)}, summary="One lab project")
def get_lab(request, lab_id: int):
    return lab_out(_lab(request, lab_id), request.auth)


@router.patch("/ecosystem/labs/{lab_id}", response={200: LabOut, **errors(401, 403, 404)},
              summary="Change a lab project")
def update_lab(request, lab_id: int, payload: LabPatch):
    lab = _lab(request, lab_id)
    services.lab_update(actor=request.auth, project=lab, data=payload.dict(exclude_unset=True))
    return lab_out(_lab(request, lab_id), request.auth)


@router.delete("/ecosystem/labs/{lab_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a lab project")
def delete_lab(request, lab_id: int):
    services.lab_delete(actor=request.auth, project=_lab(request, lab_id))
    return 204, None


@router.post("/ecosystem/labs/{lab_id}/milestones", response={201: MilestoneOut, **errors(401, 403, 404)},
             summary="Add a milestone to a lab project")
def add_milestone(request, lab_id: int, payload: MilestoneIn):
    lab = _lab(request, lab_id)
    m = services.milestone_add(actor=request.auth, project=lab, data=payload.dict())
    return 201, {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on}


@router.patch("/ecosystem/labs/{lab_id}/milestones/{milestone_id}",
              response={200: MilestoneOut, **errors(401, 403, 404)}, summary="Change or complete a milestone")
def update_milestone(request, lab_id: int, milestone_id: int, payload: MilestonePatch):
    lab = _lab(request, lab_id)
    m = get_object_or_404(LabMilestone.objects.select_related("project"), project=lab, pk=_id(milestone_id))
    services.milestone_update(actor=request.auth, milestone=m, data=payload.dict(exclude_unset=True))
    return {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on}


# --------------------------------------------------------------------------- investments


def investment_out(inv: JointInvestment, user) -> dict:
    parties = []
    positions = services.investment_positions(inv)
    for p, pos in positions:
        own = _own(user, p.partner_id)
        parties.append({"partner_id": p.partner_id, "name": p.partner.name if p.partner else _us(),
                        "amount": pos.amount if own else None, "stake_bp": pos.stake_bp if own else None,
                        "value": pos.value if own else None, "gain": pos.gain if own else None})
    totals = {"total_amount": None, "total_value": None, "total_gain": None}
    if user.is_internal:
        amount = sum(pos.amount for _p, pos in positions)
        values = [pos.value for _p, pos in positions]
        value = sum(values) if values and None not in values else None
        totals = {"total_amount": amount, "total_value": value,
                  "total_gain": None if value is None else value - amount}
    return {"id": inv.pk, "target_company": inv.target_company, "currency": inv.currency,
            "invested_on": inv.invested_on, "status": inv.status, "valuation": inv.valuation,
            "valued_on": inv.valued_on, "note": inv.note if user.is_internal else "", "parties": parties, **totals}


def _investment(request, investment_id: int) -> JointInvestment:
    return get_visible(JointInvestment.objects.distinct(), request.auth, pk=_id(investment_id))


@router.get("/ecosystem/investments", response={200: list[InvestmentOut], **errors(401)},
            summary="Joint investments with each party's gain or loss (a partner: its own figures only)")
def list_investments(request, filters: Query[PageFilters]):
    qs = selectors.investments(user=request.auth)
    return [investment_out(x, request.auth) for x in qs[page_slice(filters.limit, filters.offset)]]


@router.post("/ecosystem/investments", response={201: InvestmentOut, **errors(401, 403)},
             summary="Record a joint investment; stakes in basis points, together at most 100 %")
def create_investment(request, payload: InvestmentIn):
    inv = services.investment_create(actor=request.auth, data=payload.dict())
    return 201, investment_out(inv, request.auth)


@router.get("/ecosystem/investments/{investment_id}", response={200: InvestmentOut, **errors(401, 404)},
            summary="One joint investment")
def get_investment(request, investment_id: int):
    return investment_out(_investment(request, investment_id), request.auth)


@router.patch("/ecosystem/investments/{investment_id}", response={200: InvestmentOut, **errors(401, 403, 404)},
              summary="Change a joint investment (e.g. a new valuation)")
def update_investment(request, investment_id: int, payload: InvestmentPatch):
    inv = _investment(request, investment_id)
    services.investment_update(actor=request.auth, investment=inv, data=payload.dict(exclude_unset=True))
    return investment_out(_investment(request, investment_id), request.auth)


@router.delete("/ecosystem/investments/{investment_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a joint investment")
def delete_investment(request, investment_id: int):
    services.investment_delete(actor=request.auth, investment=_investment(request, investment_id))
    return 204, None


# --------------------------------------------------------------------------- co-branding


def cobranding_out(cb: CoBranding, user) -> dict:
    return {"id": cb.pk, "title": cb.title,
            "partners": [{"partner_id": p.pk, "name": p.name} for p in cb.partners.all()],
            "brand_assets": cb.brand_assets, "markets": cb.markets, "start_date": cb.start_date,
            "end_date": cb.end_date, "terms": cb.terms, "status": cb.status}


def _cobranding(request, cobranding_id: int) -> CoBranding:
    return get_visible(CoBranding.objects.prefetch_related("partners").distinct(), request.auth,
                       pk=_id(cobranding_id))


@router.get("/ecosystem/cobranding", response={200: list[CoBrandingOut], **errors(401)},
            summary="Co-branding programmes (a partner: those it takes part in)")
def list_cobranding(request, filters: Query[PageFilters]):
    qs = selectors.cobrandings(user=request.auth)
    return [cobranding_out(x, request.auth) for x in qs[page_slice(filters.limit, filters.offset)]]


@router.post("/ecosystem/cobranding", response={201: CoBrandingOut, **errors(401, 403)},
             summary="Create a co-branding programme")
def create_cobranding(request, payload: CoBrandingIn):
    cb = services.cobranding_create(actor=request.auth, data=payload.dict())
    return 201, cobranding_out(_cobranding(request, cb.pk), request.auth)


@router.get("/ecosystem/cobranding/{cobranding_id}", response={200: CoBrandingOut, **errors(401, 404)},
            summary="One co-branding programme")
def get_cobranding(request, cobranding_id: int):
    return cobranding_out(_cobranding(request, cobranding_id), request.auth)


@router.patch("/ecosystem/cobranding/{cobranding_id}", response={200: CoBrandingOut, **errors(401, 403, 404)},
              summary="Change a co-branding programme")
def update_cobranding(request, cobranding_id: int, payload: CoBrandingPatch):
    cb = _cobranding(request, cobranding_id)
    services.cobranding_update(actor=request.auth, programme=cb, data=payload.dict(exclude_unset=True))
    return cobranding_out(_cobranding(request, cobranding_id), request.auth)


@router.delete("/ecosystem/cobranding/{cobranding_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a co-branding programme")
def delete_cobranding(request, cobranding_id: int):
    services.cobranding_delete(actor=request.auth, programme=_cobranding(request, cobranding_id))
    return 204, None


# --------------------------------------------------------------------------- portfolio


@router.get("/ecosystem/portfolio", response={200: PortfolioOut, **errors(401, 403)},
            summary="The quarterly portfolio report as data (quarter like 2026Q3; empty: this quarter)")
def get_portfolio(request, quarter: str = ""):
    require_internal(request.auth)
    q = portfolio.Quarter.parse(quarter)
    data = portfolio.report(q)
    sections = {k: v for k, v in data.items() if k not in ("quarter", "start", "end")}
    return {"quarter": q.code, "start": q.start, "end": q.end, "sections": _jsonable(sections)}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value

