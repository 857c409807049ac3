"""Reads of the ecosystem stage: the network graph, its analytics, coverage and suggestions.

The graph's nodes are our company (``"us"``) and every partner (``"p<id>"``). Its edges
are derived from the earlier stages each time they are read, so they never go stale:

- agreement: each party with us, and in a multilateral agreement the parties with each
  other (terminated agreements are left out);
- pilot: the same for each pilot's partners;
- customers: shared customers from the uploaded customer lists (our own list included),
  as keyed-hash matches, an account counted once however many identifiers match;
- referral: who introduced whom (:class:`Referral`, and manual relations of kind referral);
- initiative: lab projects, joint investments and co-branding programmes;
- business: other manual relations.

What a partner user sees (:func:`network`): itself, us, the relations it takes part in
(records it is party to), and shared-customer counts with us and with the partners
whose sharing grant to it allows at least aggregates. Nothing else, not even whether
other relations exist.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from allies.agreements.choices import AgreementStatus
from allies.agreements.models import Agreement, IpAsset
from allies.core.scoping import restrict
from allies.core.text import join_list
from allies.domain import network as nw
from allies.ecosystem.models import (
    CoBranding,
    EdgeType,
    InitiativeStatus,
    JointInvestment,
    LabProject,
    Referral,
    Relation,
    RelationKind,
)
from allies.partners.choices import Resource, SourceChannel, Stage
from allies.partners.models import Partner, SelfAssessment
from allies.pilots.choices import PilotStatus
from allies.pilots.models import Pilot
from allies.sharing.models import Account, AccountList, SharingGrant, SharingLevel

US = "us"
AGREEMENT_STRENGTH = {AgreementStatus.SIGNED: 1.0, AgreementStatus.IN_REVIEW: 0.6, AgreementStatus.DRAFT: 0.4,
                      AgreementStatus.EXPIRED: 0.3}
NETWORK_STAGES = (Stage.DUE_DILIGENCE, Stage.PILOT, Stage.ACTIVE, Stage.PAUSED)
CANDIDATE_STAGES = (Stage.PROSPECT, Stage.CONTACTED)
OVERLAP_CACHE_SECONDS = 600
MAX_LABELS = 5
TOP = 10


def key_of(partner_id: int | None) -> str:
    return US if partner_id is None else f"p{partner_id}"


def partner_id_of(key: str) -> int | None:
    return None if key == US else int(key[1:])


@dataclass(frozen=True)
class Link:
    """One underlying relation record between two organisations."""

    a: str
    b: str
    type: str
    strength: float
    start: date | None
    end: date | None
    label: str
    parties: frozenset  # partner ids taking part in the record (decides partner visibility)
    customers: int = 0


def _pairs(keys: list[str]) -> Iterable[tuple[str, str]]:
    keys = list(dict.fromkeys(keys))
    for i, x in enumerate(keys):
        for y in keys[i + 1:]:
            yield x, y


def _group_links(kind: str, strength: float, start, end, label: str, partner_ids: list[int]) -> list[Link]:
    """Us with every party, and the parties with each other."""
    keys = [US, *(key_of(p) for p in partner_ids)]
    parties = frozenset(partner_ids)
    return [Link(x, y, kind, strength, start, end, label, parties) for x, y in _pairs(keys)]


# --------------------------------------------------------------------------- shared customers


def _list_signature() -> tuple[str, list[tuple[int, int | None, int]]]:
    rows = list(AccountList.objects.order_by("pk").values_list("pk", "partner_id", "account_count", "uploaded_at"))
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:24]
    return digest, [r[:3] for r in rows]


def customer_overlaps() -> tuple[dict[frozenset, int], dict[str, int]]:
    """Shared customers between every two organisations that uploaded a list, and list sizes.

    An account of A matches B when any of its keyed identifiers is in B's list; the pair's
    count is the smaller of the two directions (so a duplicate on one side counts once).
    Cached for a while under the lists' ids: a new upload makes a new list, a new key.
    """
    digest, lists = _list_signature()
    cache_key = f"ecosystem:overlaps:{digest}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    owner = {pk: key_of(partner_id) for pk, partner_id, _n in lists}
    sizes = {key_of(partner_id): n for _pk, partner_id, n in lists}
    index: dict[str, set[str]] = defaultdict(set)
    rows = list(Account.objects.values_list("account_list_id", "name_hash", "uscc_hash", "domain_hash"))
    prepared = []
    for list_id, *hashes in rows:
        org = owner.get(list_id)
        if org is None:
            continue
        ids = [f"{i}:{h}" for i, h in enumerate(hashes) if h]
        for h in ids:
            index[h].add(org)
        prepared.append((org, ids))
    directed: dict[tuple[str, str], int] = defaultdict(int)
    for org, ids in prepared:
        others = set()
        for h in ids:
            others |= index[h]
        others.discard(org)
        for other in others:
            directed[(org, other)] += 1
    shared: dict[frozenset, int] = {}
    for (x, y), n in directed.items():
        if x < y:
            count = min(n, directed.get((y, x), 0))
            if count:
                shared[frozenset((x, y))] = count
    result = (shared, sizes)
    cache.set(cache_key, result, OVERLAP_CACHE_SECONDS)
    return result


def _customer_links(shared: dict[frozenset, int], sizes: dict[str, int]) -> list[Link]:
    out = []
    for pair, count in shared.items():
        x, y = sorted(pair)
        smaller = max(1, min(sizes.get(x, 0), sizes.get(y, 0)))
        strength = round(min(1.0, max(0.05, count / smaller)), 3)
        parties = frozenset(p for p in (partner_id_of(x), partner_id_of(y)) if p is not None)
        out.append(Link(x, y, EdgeType.CUSTOMERS, strength, None, None,
                        _("共同客户 {n} 家").format(n=count), parties, customers=count))
    return out


# --------------------------------------------------------------------------- all links


def all_links() -> list[Link]:
    """Every relation record of the network (staff view)."""
    links: list[Link] = []
    agreements = (Agreement.objects.exclude(status=AgreementStatus.TERMINATED)
                  .prefetch_related(Prefetch("partners", queryset=Partner.objects.only("pk"))))
    for ag in agreements:
        ids = sorted(p.pk for p in ag.partners.all())
        if ids:
            links += _group_links(EdgeType.AGREEMENT, AGREEMENT_STRENGTH.get(ag.status, 0.3), ag.start_date,
                                  ag.end_date, f"{ag.code} {ag.title}", ids)
    for pilot in Pilot.objects.prefetch_related(Prefetch("partners", queryset=Partner.objects.only("pk"))):
        ids = sorted(p.pk for p in pilot.partners.all())
        if ids:
            links += _group_links(EdgeType.PILOT, 0.6 if pilot.status == PilotStatus.RUNNING else 0.4,
                                  pilot.start_date, pilot.end_date, pilot.title, ids)
    for lab in LabProject.objects.exclude(status=InitiativeStatus.STOPPED).prefetch_related("parties"):
        ids = sorted(p.partner_id for p in lab.parties.all() if p.partner_id)
        keys = [key_of(p.partner_id) for p in lab.parties.all()]
        for x, y in _pairs(keys):
            links.append(Link(x, y, EdgeType.INITIATIVE, 0.8, lab.start_date, lab.end_date,
                              _("联合创新：{title}").format(title=lab.title), frozenset(ids)))
    for inv in JointInvestment.objects.prefetch_related("parties"):
        ids = sorted(p.partner_id for p in inv.parties.all() if p.partner_id)
        keys = [key_of(p.partner_id) for p in inv.parties.all()]
        for x, y in _pairs(keys):
            links.append(Link(x, y, EdgeType.INITIATIVE, 0.8, inv.invested_on, None,
                              _("共同投资：{target}").format(target=inv.target_company), frozenset(ids)))
    for cb in CoBranding.objects.exclude(status=InitiativeStatus.STOPPED).prefetch_related(
            Prefetch("partners", queryset=Partner.objects.only("pk"))):
        ids = sorted(p.pk for p in cb.partners.all())
        links += _group_links(EdgeType.INITIATIVE, 0.7, cb.start_date, cb.end_date,
                              _("联合品牌：{title}").format(title=cb.title), ids)
    for ref in Referral.objects.filter(referred_by__isnull=False, partner__source_channel=SourceChannel.REFERRAL):
        links.append(Link(key_of(ref.referred_by_id), key_of(ref.partner_id), EdgeType.REFERRAL, 0.5,
                          ref.referred_on, None, _("推荐引入"), frozenset({ref.referred_by_id, ref.partner_id})))
    for rel in Relation.objects.all():
        kind = EdgeType.REFERRAL if rel.kind == RelationKind.REFERRAL else EdgeType.BUSINESS
        parties = frozenset(p for p in (rel.source_id, rel.target_id) if p)
        links.append(Link(key_of(rel.source_id), key_of(rel.target_id), kind, rel.strength / 5, rel.start_date,
                          rel.end_date, rel.note or rel.get_kind_display(), parties))
    shared, sizes = customer_overlaps()
    links += _customer_links(shared, sizes)
    return links


def _granting(partner_id: int) -> set[int]:
    """Partners whose grant lets ``partner_id`` see at least counts of their shared data."""
    return set(SharingGrant.objects.filter(grantee_id=partner_id,
                                           level__in=[SharingLevel.AGGREGATES, SharingLevel.ROWS])
               .values_list("grantor_id", flat=True))


def visible_links(user) -> list[Link]:
    """The relation records ``user`` may see: all for staff; a partner's own part for a partner user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_internal:
        return all_links()
    if not user.is_partner_user:
        return []
    me = user.partner_id
    mine = key_of(me)
    granting = {key_of(p) for p in _granting(me)}
    out = []
    for link in all_links():
        if link.type == EdgeType.CUSTOMERS:
            if mine in (link.a, link.b):
                other = link.b if link.a == mine else link.a
                if other == US or other in granting:
                    out.append(link)
        elif me in link.parties:
            out.append(link)
    return out


# --------------------------------------------------------------------------- the network view


@dataclass
class Network:
    nodes: list[dict]
    edges: list[dict]
    types: list[tuple[str, str]] = field(default_factory=list)
    stages: list[tuple[str, str]] = field(default_factory=list)


def _aggregate(links: list[Link]) -> list[dict]:
    grouped: dict[tuple[str, str, str], list[Link]] = defaultdict(list)
    for link in links:
        a, b = sorted((link.a, link.b))
        grouped[(a, b, link.type)].append(link)
    labels = dict(EdgeType.choices)
    edges = []
    for (a, b, kind), items in sorted(grouped.items()):
        starts = [x.start for x in items if x.start]
        ends = [x.end for x in items if x.end]
        edges.append({
            "id": f"{a}-{b}-{kind}", "source": a, "target": b, "type": kind, "type_label": str(labels[kind]),
            "strength": round(max(x.strength for x in items), 3), "count": len(items),
            "start_date": min(starts) if starts else None,
            "end_date": max(ends) if ends and len(ends) == len(items) else None,
            "customers": max(x.customers for x in items),
            "labels": [x.label for x in items][:MAX_LABELS],
        })
    return edges


def network(*, user, types: Iterable[str] = (), stages: Iterable[str] = ()) -> Network:
    """Nodes and edges the user may see, filtered by edge type and partner stage (us always stays)."""
    types = {t for t in types if t in EdgeType.values}
    stages = {s for s in stages if s in Stage.values}
    links = visible_links(user)
    if types:
        links = [x for x in links if x.type in types]
    staff = getattr(user, "is_internal", False)
    me = getattr(user, "partner_id", None) if not staff else None
    if staff:
        partners = list(Partner.objects.only("pk", "name", "stage", "industry", "resources"))
    else:
        ids = {partner_id_of(k) for x in links for k in (x.a, x.b)} | {me}
        partners = list(Partner.objects.filter(pk__in=[i for i in ids if i]).only("pk", "name", "stage", "industry",
                                                                                 "resources"))
    if stages:
        partners = [p for p in partners if p.stage in stages or p.pk == me]
    kept = {US} | {key_of(p.pk) for p in partners}
    links = [x for x in links if x.a in kept and x.b in kept]
    edges = _aggregate(links)
    deg: dict[str, int] = defaultdict(int)
    for e in edges:
        deg[e["source"]] += 1
        deg[e["target"]] += 1
    stage_labels = dict(Stage.choices)
    resources = dict(Resource.choices)
    nodes = [{"id": US, "label": str(_("我方")), "kind": "us", "stage": None, "stage_label": "", "industry": "",
              "resources": [], "degree": deg[US], "url": reverse("home") if staff else ""}]
    for p in sorted(partners, key=lambda p: p.name):
        own = staff or p.pk == me
        nodes.append({
            "id": key_of(p.pk), "label": p.name, "kind": "partner", "partner_id": p.pk,
            "stage": p.stage if own else None, "stage_label": str(stage_labels.get(p.stage, "")) if own else "",
            "industry": p.industry if own else "",
            "resources": [str(resources.get(r, r)) for r in (p.resources or [])] if own else [],
            "degree": deg[key_of(p.pk)],
            "url": reverse("partners:detail", args=[p.pk]) if staff else "",
        })
    return Network(nodes=nodes, edges=edges, types=[(k, str(v)) for k, v in EdgeType.choices],
                   stages=[(k, str(v)) for k, v in Stage.choices] if staff else [])


# --------------------------------------------------------------------------- analytics (staff)


@dataclass
class Analytics:
    nodes: int
    edges: int
    central: list[dict]
    articulation: list[dict]
    bridges: list[dict]
    clusters: list[dict]
    components: int
    sampled: bool
    samples: int


def analytics(net: Network, *, samples: int = nw.DEFAULT_SAMPLES) -> Analytics:
    """Central partners, articulation points, bridges and partner clusters of a (filtered) network."""
    keys = [n["id"] for n in net.nodes]
    names = {n["id"]: n["label"] for n in net.nodes}
    index = {k: i for i, k in enumerate(keys)}
    u = [index[e["source"]] for e in net.edges]
    v = [index[e["target"]] for e in net.edges]
    w = [max(e["strength"], 0.01) for e in net.edges]
    g = nw.build(len(keys), u, v, w)
    deg = nw.degree(g)
    strength = nw.strength(g)
    between = nw.betweenness(g, samples=samples)
    st = nw.structure(g)
    central = []
    order = sorted(range(len(keys)), key=lambda i: (-between[i], -deg[i], names[keys[i]]))
    for i in order:
        if keys[i] == US:
            continue
        if deg[i] == 0:
            break
        central.append({"id": keys[i], "name": names[keys[i]], "partner_id": partner_id_of(keys[i]),
                        "degree": int(deg[i]), "strength": round(float(strength[i]), 2),
                        "betweenness": round(float(between[i]), 4)})
        if len(central) >= TOP:
            break
    articulation = [{"id": keys[i], "name": names[keys[i]], "partner_id": partner_id_of(keys[i]),
                     "separated": n} for i, n in sorted(st.articulation.items(), key=lambda x: (-x[1], names[keys[x[0]]]))]
    bridges = [{"a": keys[a], "b": keys[b], "a_name": names[keys[a]], "b_name": names[keys[b]], "separated": n}
               for (a, b), n in sorted(st.bridges.items(), key=lambda x: (-x[1], x[0]))]
    # Clusters among partners: links to us are left out, or everyone would be one cluster around us.
    partner_idx = [i for i, k in enumerate(keys) if k != US]
    sub = {old: new for new, old in enumerate(partner_idx)}
    pu, pv, pw = [], [], []
    for a, b, ww in zip(u, v, w):
        if a in sub and b in sub:
            pu.append(sub[a])
            pv.append(sub[b])
            pw.append(ww)
    labels = nw.clusters(nw.build(len(partner_idx), pu, pv, pw))
    members: dict[int, list[str]] = defaultdict(list)
    for new, old in enumerate(partner_idx):
        members[int(labels[new])].append(names[keys[old]])
    clusters = [{"number": c + 1, "size": len(ms), "members": sorted(ms)}
                for c, ms in sorted(members.items()) if len(ms) >= 2]
    return Analytics(nodes=g.n, edges=g.m, central=central, articulation=articulation[:TOP], bridges=bridges[:TOP],
                     clusters=clusters, components=len(st.component_sizes), sampled=samples < g.n,
                     samples=min(samples, g.n))


# --------------------------------------------------------------------------- resources


def declared_gaps() -> tuple[SelfAssessment | None, list[str]]:
    assessment = SelfAssessment.objects.order_by("-assessed_on", "-id").first()
    gaps = [g for g in (assessment.gaps if assessment else []) if g in Resource.values]
    return assessment, gaps


@dataclass
class CoverageView:
    assessment: SelfAssessment | None
    gaps: list[tuple[str, str]]  # (code, label)
    rows: list[dict]  # {"partner": Partner, "flags": [bool]}
    uncovered: list[tuple[str, str, list[Partner]]]  # (code, label, candidates offering it)
    candidates: dict[str, list[Partner]]  # uncovered gap -> candidates (prospect/contacted) offering it


def coverage() -> CoverageView:
    assessment, gaps = declared_gaps()
    labels = dict(Resource.choices)
    partners = list(Partner.objects.filter(stage__in=NETWORK_STAGES).order_by("name"))
    result = nw.coverage(gaps, {p: p.resources or [] for p in partners})
    rows = [{"partner": p, "flags": list(flags)} for p, flags in result.rows]
    candidates: dict[str, list[Partner]] = {}
    if result.uncovered:
        pool = list(Partner.objects.filter(stage__in=CANDIDATE_STAGES).order_by("name"))
        for gap in result.uncovered:
            candidates[gap] = [p for p in pool if gap in (p.resources or [])][:5]
    return CoverageView(assessment=assessment, gaps=[(g, str(labels[g])) for g in result.gaps], rows=rows,
                        uncovered=[(g, str(labels[g]), candidates.get(g, [])) for g in result.uncovered],
                        candidates=candidates)


# --------------------------------------------------------------------------- suggestions


@dataclass
class SuggestionView:
    a: Partner
    b: Partner
    score: float
    evidence: list[str]
    shared_ab: int
    shared_a_us: int
    shared_b_us: int
    gaps_closed: list[str]


def _linked_with_us() -> set[int]:
    """Partners already working with us: a non-terminated agreement, a pilot, or stage pilot/active."""
    ids = set(Partner.objects.filter(stage__in=(Stage.PILOT, Stage.ACTIVE)).values_list("pk", flat=True))
    ids |= set(Agreement.objects.exclude(status=AgreementStatus.TERMINATED).values_list("partners__pk", flat=True))
    ids |= set(Pilot.objects.values_list("partners__pk", flat=True))
    ids.discard(None)
    return ids


def _together() -> list[frozenset]:
    """Pairs already in one multilateral agreement (signed or on its way)."""
    out = []
    for ag in Agreement.objects.filter(status__in=(AgreementStatus.SIGNED, AgreementStatus.IN_REVIEW,
                                                   AgreementStatus.DRAFT)).prefetch_related("partners"):
        keys = [key_of(p.pk) for p in ag.partners.all()]
        out += [frozenset(p) for p in _pairs(keys)]
    return out


def suggestions(*, limit: int = 10) -> list[SuggestionView]:
    """Pairs of partners to bring into a multilateral alliance with us, each with its evidence."""
    linked = _linked_with_us()
    partners = {p.pk: p for p in Partner.objects.filter(pk__in=linked).exclude(
        stage__in=(Stage.EXITED, Stage.REJECTED)).order_by("name")}
    shared, _sizes = customer_overlaps()
    _assessment, gaps = declared_gaps()
    candidates = [nw.Candidate(key=key_of(pk), resources=frozenset(p.resources or []),
                               shared_with_us=shared.get(frozenset((key_of(pk), US)), 0))
                  for pk, p in partners.items()]
    found = nw.suggest_multilateral(candidates, shared, gaps, together=_together(), limit=limit)
    labels = dict(Resource.choices)
    out = []
    for s in found:
        a, b = partners[partner_id_of(s.a)], partners[partner_id_of(s.b)]
        evidence = []
        if s.shared_ab:
            evidence.append(_("{a}与我方共同客户 {x} 家，{b}与我方 {y} 家，{a}与{b}之间共同客户 {z} 家。").format(
                a=a.name, b=b.name, x=s.shared_a_us, y=s.shared_b_us, z=s.shared_ab))
        if s.only_a and s.only_b:
            evidence.append(_("资源互补：{a}提供{ra}，{b}提供{rb}。").format(
                a=a.name, b=b.name, ra=join_list(labels.get(r, r) for r in s.only_a),
                rb=join_list(labels.get(r, r) for r in s.only_b)))
        if s.gaps_closed:
            evidence.append(_("二者合起来弥补我方短板：{gaps}。").format(
                gaps=join_list(labels.get(r, r) for r in s.gaps_closed)))
        out.append(SuggestionView(a=a, b=b, score=s.score, evidence=evidence, shared_ab=s.shared_ab,
                                  shared_a_us=s.shared_a_us, shared_b_us=s.shared_b_us,
                                  gaps_closed=[str(labels.get(r, r)) for r in s.gaps_closed]))
    return out


# --------------------------------------------------------------------------- initiatives (lists)


def labs(*, user):
    return with_ip_assets(restrict(LabProject.objects.all(), user), user).prefetch_related(
        "parties__partner", "milestones").distinct()


def with_ip_assets(queryset, user):
    """Prefetch each lab's linked IP assets that ``user`` may see (a partner: those of its agreements)."""
    visible = restrict(IpAsset.objects.select_related("agreement").order_by("agreement_id", "id"), user)
    return queryset.prefetch_related(Prefetch("ip_assets", queryset=visible, to_attr="visible_ip_assets"))


def lab_ip_assets(lab: LabProject, user) -> list[IpAsset]:
    """The lab's linked IP assets ``user`` may see, in register order."""
    if hasattr(lab, "visible_ip_assets"):
        return lab.visible_ip_assets
    return list(restrict(lab.ip_assets.select_related("agreement").order_by("agreement_id", "id"), user))


def investments(*, user):
    return restrict(JointInvestment.objects.all(), user).prefetch_related("parties__partner").distinct()


def cobrandings(*, user):
    return restrict(CoBranding.objects.all(), user).prefetch_related("partners").distinct()


def relations(*, kind: str = "", partner_id: int | None = None):
    qs = Relation.objects.select_related("source", "target")
    if kind:
        qs = qs.filter(kind=kind)
    if partner_id:
        qs = qs.filter(Q(source_id=partner_id) | Q(target_id=partner_id))
    return qs
