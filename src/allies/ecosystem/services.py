"""Writes of the ecosystem stage: manual relations, referrals and joint initiatives.

Every write checks all of its input first and collects every problem (field, value,
reason), so bad input writes nothing; writes run in one transaction and are audited.
Only staff writers write here (:func:`require_writer`).
"""

import re
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from allies.agreements.models import AgreementParty, IpAsset
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.domain import initiatives as money
from allies.ecosystem.models import (
    STAKE_FULL,
    STRENGTH_MAX,
    STRENGTH_MIN,
    CoBranding,
    InitiativeStatus,
    InvestmentParty,
    InvestmentStatus,
    JointInvestment,
    LabMilestone,
    LabParty,
    LabProject,
    Referral,
    Relation,
    RelationKind,
)
from allies.partners.choices import SourceChannel
from allies.partners.models import Partner
from allies.pilots.validation import Problems

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_MINOR = 10**15  # a quadrillion minor units: beyond any real budget, safe in a 64-bit column
TEXT_LIMITS = {"title": 200, "target_company": 200, "note": 500, "role": 200, "referrer_name": 200,
               "goal": 5000, "outcome": 5000, "resulting_ip": 5000, "brand_assets": 5000, "terms": 10000}
MAX_MARKETS = 50
MAX_PARTIES = 50
MAX_IP_ASSETS = 100


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _text(problems: Problems, data: dict, field: str, model, *, required: bool = False) -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    limit = TEXT_LIMITS.get(field, 200)
    if required and not value:
        problems.add(field, value, _("不能为空。"), label=_label(model, field))
    elif len(value) > limit:
        problems.add(field, value[:40] + "…", _("内容过长（最多 {limit} 个字符）。").format(limit=limit),
                     label=_label(model, field))
    return value


def _date(problems: Problems, data: dict, field: str, model, *, required: bool = False) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            problems.add(field, "", _("不能为空。"), ErrorCode.INVALID_DATES, _label(model, field))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.add(field, value, _("不是有效的日期（格式：2026-03-31）。"), ErrorCode.INVALID_DATES,
                     _label(model, field))
        return None


def _order(problems: Problems, start: date | None, end: date | None, model, start_field: str, end_field: str,
           *, strict: bool = False) -> None:
    if start and end and (end < start or (strict and end == start)):
        problems.add(end_field, end.isoformat(),
                     _("不能早于{start}（{date}）。").format(start=_label(model, start_field), date=start.isoformat()),
                     ErrorCode.INVALID_DATES, _label(model, end_field))


def _choice(problems: Problems, data: dict, field: str, choices, model, default=None) -> str:
    value = data.get(field) or default
    if value not in choices.values:
        problems.add(field, value, _("不是可选的值。"), label=_label(model, field))
    return value


def _currency(problems: Problems, data: dict, model) -> str:
    value = str(data.get("currency") or "CNY").strip().upper()
    if not CURRENCY.match(value):
        problems.add("currency", value, _("币种须为三个字母的 ISO 4217 代码，如 CNY。"), label=_label(model, "currency"))
    return value


def _minor(problems: Problems, value, field: str, label: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            problems.add(field, "", _("不能为空。"), label=label)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            problems.add(field, value, _("金额须为整数（单位：分）。"), label=label)
            return None
    if value < 0 or value > MAX_MINOR:
        problems.add(field, value, _("金额须在 0 到 {max} 之间（单位：分）。").format(max=MAX_MINOR), label=label)
        return None
    return value


def _partner(problems: Problems, partner_id, field: str, label: str, cache: dict) -> Partner | None:
    """A partner by id; ``None`` (our company) when the id is empty."""
    if partner_id in (None, "", 0):
        return None
    try:
        pid = int(partner_id)
    except (TypeError, ValueError):
        problems.add(field, partner_id, _("不是有效的伙伴编号。"), label=label)
        return None
    if pid not in cache:
        cache[pid] = Partner.objects.filter(pk=pid).first()
    if cache[pid] is None:
        problems.add(field, partner_id, _("没有这个伙伴。"), label=label)
    return cache[pid]


def _us() -> str:
    return _("我方")


# --------------------------------------------------------------------------- relations


def _relation_values(data: dict, current: Relation | None = None) -> tuple[dict, Problems]:
    problems = Problems()
    merged = {}
    if current is not None:
        merged = {"kind": current.kind, "source_id": current.source_id, "target_id": current.target_id,
                  "strength": current.strength, "start_date": current.start_date, "end_date": current.end_date,
                  "note": current.note}
    merged.update(data)
    cache: dict = {}
    kind = _choice(problems, merged, "kind", RelationKind, Relation)
    source = _partner(problems, merged.get("source_id"), "source_id", _label(Relation, "source"), cache)
    target = _partner(problems, merged.get("target_id"), "target_id", _label(Relation, "target"), cache)
    if not problems and (source.pk if source else None) == (target.pk if target else None):
        problems.add("target_id", merged.get("target_id") or "", _("不能与自己建立关系：请选择另一方。"),
                     label=_label(Relation, "target"))
    strength = merged.get("strength", 3)
    if isinstance(strength, bool) or not isinstance(strength, int) or not STRENGTH_MIN <= strength <= STRENGTH_MAX:
        problems.add("strength", strength, _("强度须为 {low} 到 {high} 的整数。").format(low=STRENGTH_MIN,
                                                                                 high=STRENGTH_MAX),
                     label=_label(Relation, "strength"))
    start = _date(problems, merged, "start_date", Relation)
    end = _date(problems, merged, "end_date", Relation)
    _order(problems, start, end, Relation, "start_date", "end_date")
    note = _text(problems, merged, "note", Relation)
    values = {"kind": kind, "source": source, "target": target, "strength": strength, "start_date": start,
              "end_date": end, "note": note}
    return values, problems


def relation_create(*, actor, data: dict) -> Relation:
    require_writer(actor)
    values, problems = _relation_values(data)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return Relation.objects.create(created_by=actor, **values)


def relation_update(*, actor, relation: Relation, data: dict) -> Relation:
    require_writer(actor)
    values, problems = _relation_values(data, relation)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        for field, value in values.items():
            setattr(relation, field, value)
        relation.save()
    return relation


def relation_delete(*, actor, relation: Relation) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        relation.delete()


# --------------------------------------------------------------------------- referrals


def referral_set(*, actor, data: dict) -> Referral:
    """Record (or replace) who introduced a partner found through the referral channel."""
    require_writer(actor)
    problems = Problems()
    cache: dict = {}
    partner = _partner(problems, data.get("partner_id"), "partner_id", _label(Referral, "partner"), cache)
    if partner is None and not problems:
        problems.add("partner_id", "", _("请选择被推荐的伙伴。"), label=_label(Referral, "partner"))
    referrer = _partner(problems, data.get("referred_by_id"), "referred_by_id", _label(Referral, "referred_by"),
                        cache)
    name = _text(problems, data, "referrer_name", Referral)
    if partner is not None and partner.source_channel != SourceChannel.REFERRAL:
        problems.add("partner_id", partner.pk,
                     _("该伙伴的寻找渠道不是“{channel}”，请先修改伙伴的寻找渠道。").format(
                         channel=SourceChannel.REFERRAL.label), label=_label(Referral, "partner"))
    if partner is not None and referrer is not None and partner.pk == referrer.pk:
        problems.add("referred_by_id", referrer.pk, _("伙伴不能推荐自己。"), label=_label(Referral, "referred_by"))
    if referrer is None and not name and not problems:
        problems.add("referred_by_id", "", _("请选择推荐方伙伴，或填写推荐方名称。"),
                     label=_label(Referral, "referred_by"))
    referred_on = _date(problems, data, "referred_on", Referral)
    note = _text(problems, data, "note", Referral)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        referral, _created = Referral.objects.update_or_create(
            partner=partner, defaults={"referred_by": referrer, "referrer_name": "" if referrer else name,
                                       "referred_on": referred_on, "note": note, "created_by": actor})
    return referral


def referral_delete(*, actor, referral: Referral) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        referral.delete()


# --------------------------------------------------------------------------- parties


def _parties(problems: Problems, rows, *, money_field: str, money_label: str, stake: bool = False) -> list[dict]:
    """Parties of an initiative: each a partner id (None/0 = us) with its figures; no one twice."""
    out: list[dict] = []
    if not isinstance(rows, list) or not rows:
        problems.add("parties", "", _("至少需要一个参与方。"), label=_("参与方"))
        return out
    if len(rows) > MAX_PARTIES:
        problems.add("parties", len(rows), _("参与方最多 {n} 个。").format(n=MAX_PARTIES), label=_("参与方"))
        return out
    cache: dict = {}
    seen: set = set()
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        prefix = f"parties[{i}]"
        partner = _partner(problems, row.get("partner_id"), f"{prefix}.partner_id", _("参与方"), cache)
        key = partner.pk if partner else None
        if key in seen:
            problems.add(f"{prefix}.partner_id", row.get("partner_id") or "",
                         _("“{name}”重复出现：每个参与方只能列一次。").format(name=partner.name if partner else _us()),
                         label=_("参与方"))
        seen.add(key)
        amount = _minor(problems, row.get(money_field), f"{prefix}.{money_field}", money_label)
        item = {"partner": partner, money_field: amount or 0, "role": str(row.get("role") or "").strip()[:200]}
        if stake:
            value = row.get("stake_bp")
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.add(f"{prefix}.stake_bp", value, _("持股比例须为大于 0 的整数万分比（1 = 0.01%）。"),
                             label=_("持股比例"))
                value = 0
            elif value > STAKE_FULL:
                problems.add(f"{prefix}.stake_bp", value,
                             _("持股比例 {pct}% 超过 100%。").format(pct=_pct(value)), label=_("持股比例"))
                value = 0
            item["stake_bp"] = value
        out.append(item)
    return out


def _pct(bp: int) -> str:
    return f"{bp / 100:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- lab projects


def _lab_values(data: dict, current: LabProject | None) -> tuple[dict, list[dict] | None, Problems]:
    problems = Problems()
    merged = {}
    if current is not None:
        merged = {f: getattr(current, f) for f in ("title", "goal", "currency", "budget", "start_date", "end_date",
                                                   "status", "outcome", "resulting_ip")}
    merged.update(data)
    values = {
        "title": _text(problems, merged, "title", LabProject, required=True),
        "goal": _text(problems, merged, "goal", LabProject, required=True),
        "currency": _currency(problems, merged, LabProject),
        "budget": _minor(problems, merged.get("budget", 0), "budget", _label(LabProject, "budget")),
        "start_date": _date(problems, merged, "start_date", LabProject, required=True),
        "end_date": _date(problems, merged, "end_date", LabProject),
        "status": _choice(problems, merged, "status", InitiativeStatus, LabProject, InitiativeStatus.PLANNED),
        "outcome": _text(problems, merged, "outcome", LabProject),
        "resulting_ip": _text(problems, merged, "resulting_ip", LabProject),
    }
    _order(problems, values["start_date"], values["end_date"], LabProject, "start_date", "end_date")
    parties = None
    if "parties" in data or current is None:
        parties = _parties(problems, data.get("parties"), money_field="share", money_label=_("出资"))
    budget = values["budget"]
    shares = parties if parties is not None else (
        [{"share": p.share} for p in current.parties.all()] if current is not None else [])
    if budget is not None and shares and not problems:
        total = sum(p["share"] for p in shares)
        if total != budget:
            problems.add("parties", total,
                         _("各方出资合计 {total} 与预算 {budget} 不一致（单位：分）。").format(total=total, budget=budget),
                         label=_("参与方"))
    return values, parties, problems


def _lab_ip_assets(problems: Problems, data: dict, current: LabProject | None,
                   parties: list[dict] | None) -> list[IpAsset] | None:
    """The IP assets to link (``None``: leave the links as they are).

    Each must be in the IP register of an agreement that at least one of the lab's partner
    parties is party to; a lab of our company alone may link an asset of any agreement.
    Checked again when only the parties change, so a link never outlives its reason.
    """
    label = _label(LabProject, "ip_assets")
    if "ip_asset_ids" in data:
        raw = data.get("ip_asset_ids")
        raw = [] if raw is None else raw
        if not isinstance(raw, (list, tuple)):
            problems.add("ip_asset_ids", raw, _("须为知识产权资产编号的列表。"), label=label)
            return None
        if len(raw) > MAX_IP_ASSETS:
            problems.add("ip_asset_ids", len(raw), _("最多关联 {n} 项知识产权资产。").format(n=MAX_IP_ASSETS),
                         label=label)
            return None
        ids: list[int] = []
        for value in raw:
            try:
                if isinstance(value, bool):
                    raise ValueError
                ids.append(int(value))
            except (TypeError, ValueError):
                problems.add("ip_asset_ids", value, _("“{value}”不是有效的知识产权资产编号。").format(value=str(value)[:40]),
                             label=label)
        ids = list(dict.fromkeys(ids))
        found = {a.pk: a for a in IpAsset.objects.select_related("agreement").filter(pk__in=ids)}
        for pk in ids:
            if pk not in found:
                problems.add("ip_asset_ids", pk, _("没有编号为 {id} 的知识产权资产。").format(id=pk), label=label)
        assets = [found[pk] for pk in ids if pk in found]
    elif current is not None and parties is not None:
        assets = list(current.ip_assets.select_related("agreement"))
    else:
        return None
    if parties is not None:
        partner_ids = {p["partner"].pk for p in parties if p.get("partner") is not None}
    elif current is not None:
        partner_ids = {pid for pid in current.parties.values_list("partner_id", flat=True) if pid is not None}
    else:
        partner_ids = set()
    if partner_ids and assets:
        allowed = set(AgreementParty.objects.filter(agreement_id__in={a.agreement_id for a in assets},
                                                    partner_id__in=partner_ids).values_list("agreement_id", flat=True))
        for asset in assets:
            if asset.agreement_id not in allowed:
                problems.add("ip_asset_ids", asset.pk,
                             _("知识产权资产“{name}”属于协议“{agreement}”，本项目的伙伴参与方都不是该协议的协议方。").format(
                                 name=asset.name, agreement=str(asset.agreement)),
                             label=label)
    return assets


def lab_create(*, actor, data: dict) -> LabProject:
    require_writer(actor)
    values, parties, problems = _lab_values(data, None)
    assets = _lab_ip_assets(problems, data, None, parties)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        project = LabProject.objects.create(created_by=actor, **values)
        LabParty.objects.bulk_create([LabParty(project=project, **p) for p in parties])
        if assets:
            project.ip_assets.set(assets)
    return project


def lab_update(*, actor, project: LabProject, data: dict) -> LabProject:
    require_writer(actor)
    values, parties, problems = _lab_values(data, project)
    assets = _lab_ip_assets(problems, data, project, parties)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        for field, value in values.items():
            setattr(project, field, value)
        project.save()
        if parties is not None:
            project.parties.all().delete()
            LabParty.objects.bulk_create([LabParty(project=project, **p) for p in parties])
        if assets is not None:
            project.ip_assets.set(assets)
    return project


def lab_delete(*, actor, project: LabProject) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        project.delete()


def milestone_add(*, actor, project: LabProject, data: dict) -> LabMilestone:
    require_writer(actor)
    problems = Problems()
    title = _text(problems, data, "title", LabMilestone, required=True)
    due = _date(problems, data, "due_date", LabMilestone, required=True)
    done = _date(problems, data, "done_on", LabMilestone)
    if due and due < project.start_date:
        problems.add("due_date", due.isoformat(), _("不能早于项目开始日期（{date}）。").format(
            date=project.start_date.isoformat()), ErrorCode.INVALID_DATES, _label(LabMilestone, "due_date"))
    if done and done < project.start_date:
        problems.add("done_on", done.isoformat(), _("不能早于项目开始日期（{date}）。").format(
            date=project.start_date.isoformat()), ErrorCode.INVALID_DATES, _label(LabMilestone, "done_on"))
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return LabMilestone.objects.create(project=project, title=title, due_date=due, done_on=done)


def milestone_update(*, actor, milestone: LabMilestone, data: dict) -> LabMilestone:
    require_writer(actor)
    problems = Problems()
    merged = {"title": milestone.title, "due_date": milestone.due_date, "done_on": milestone.done_on, **data}
    title = _text(problems, merged, "title", LabMilestone, required=True)
    due = _date(problems, merged, "due_date", LabMilestone, required=True)
    done = _date(problems, merged, "done_on", LabMilestone)
    start = milestone.project.start_date
    for field, value in (("due_date", due), ("done_on", done)):
        if value and value < start:
            problems.add(field, value.isoformat(), _("不能早于项目开始日期（{date}）。").format(date=start.isoformat()),
                         ErrorCode.INVALID_DATES, _label(LabMilestone, field))
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        milestone.title, milestone.due_date, milestone.done_on = title, due, done
        milestone.save()
    return milestone


# --------------------------------------------------------------------------- investments


def _investment_values(data: dict, current: JointInvestment | None) -> tuple[dict, list[dict] | None, Problems]:
    problems = Problems()
    merged = {}
    if current is not None:
        merged = {f: getattr(current, f) for f in ("target_company", "currency", "invested_on", "status",
                                                   "valuation", "valued_on", "note")}
    merged.update(data)
    values = {
        "target_company": _text(problems, merged, "target_company", JointInvestment, required=True),
        "currency": _currency(problems, merged, JointInvestment),
        "invested_on": _date(problems, merged, "invested_on", JointInvestment, required=True),
        "status": _choice(problems, merged, "status", InvestmentStatus, JointInvestment, InvestmentStatus.HELD),
        "valuation": _minor(problems, merged.get("valuation"), "valuation", _label(JointInvestment, "valuation"),
                            required=False),
        "valued_on": _date(problems, merged, "valued_on", JointInvestment),
        "note": _text(problems, merged, "note", JointInvestment),
    }
    _order(problems, values["invested_on"], values["valued_on"], JointInvestment, "invested_on", "valued_on")
    parties = None
    if "parties" in data or current is None:
        parties = _parties(problems, data.get("parties"), money_field="amount", money_label=_("投资额"), stake=True)
        total = sum(p.get("stake_bp", 0) for p in parties)
        if total > STAKE_FULL and not any(p.field.endswith("stake_bp") for p in problems.items):
            problems.add("parties", total, _("各方持股比例合计 {pct}%，超过 100%。").format(pct=_pct(total)),
                         label=_("持股比例"))
    return values, parties, problems


def _strip_role(parties: list[dict]) -> list[dict]:
    return [{k: v for k, v in p.items() if k != "role"} for p in parties]


def investment_create(*, actor, data: dict) -> JointInvestment:
    require_writer(actor)
    values, parties, problems = _investment_values(data, None)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        investment = JointInvestment.objects.create(created_by=actor, **values)
        InvestmentParty.objects.bulk_create([InvestmentParty(investment=investment, **p)
                                             for p in _strip_role(parties)])
    return investment


def investment_update(*, actor, investment: JointInvestment, data: dict) -> JointInvestment:
    require_writer(actor)
    values, parties, problems = _investment_values(data, investment)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        for field, value in values.items():
            setattr(investment, field, value)
        investment.save()
        if parties is not None:
            investment.parties.all().delete()
            InvestmentParty.objects.bulk_create([InvestmentParty(investment=investment, **p)
                                                 for p in _strip_role(parties)])
    return investment


def investment_delete(*, actor, investment: JointInvestment) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        investment.delete()


def investment_positions(investment: JointInvestment) -> list[tuple[InvestmentParty, money.Position]]:
    """Each party with its value at the latest valuation and its gain or loss (exact split)."""
    parties = list(investment.parties.select_related("partner").order_by("id"))
    try:
        pos = money.positions(investment.valuation, [(p.amount, p.stake_bp) for p in parties])
    except ValueError as exc:  # stored rows are checked on the way in; say so if they were changed elsewhere
        raise DomainError(ErrorCode.VALIDATION, _("投资各方的持股比例有误：{reason}").format(reason=exc)) from exc
    return list(zip(parties, pos))


# --------------------------------------------------------------------------- co-branding


def _markets(problems: Problems, value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [m for m in re.split(r"[,，、;；\n]", value)]
    if not isinstance(value, list):
        problems.add("markets", value, _("请列出市场。"), label=_label(CoBranding, "markets"))
        return []
    items = list(dict.fromkeys(str(m).strip()[:100] for m in value if str(m).strip()))
    if len(items) > MAX_MARKETS:
        problems.add("markets", len(items), _("市场最多 {n} 个。").format(n=MAX_MARKETS),
                     label=_label(CoBranding, "markets"))
    return items


def _cobranding_values(data: dict, current: CoBranding | None) -> tuple[dict, list[Partner] | None, Problems]:
    problems = Problems()
    merged = {}
    if current is not None:
        merged = {f: getattr(current, f) for f in ("title", "brand_assets", "markets", "start_date", "end_date",
                                                   "terms", "status")}
    merged.update(data)
    values = {
        "title": _text(problems, merged, "title", CoBranding, required=True),
        "brand_assets": _text(problems, merged, "brand_assets", CoBranding),
        "markets": _markets(problems, merged.get("markets")),
        "start_date": _date(problems, merged, "start_date", CoBranding, required=True),
        "end_date": _date(problems, merged, "end_date", CoBranding, required=True),
        "terms": _text(problems, merged, "terms", CoBranding),
        "status": _choice(problems, merged, "status", InitiativeStatus, CoBranding, InitiativeStatus.PLANNED),
    }
    _order(problems, values["start_date"], values["end_date"], CoBranding, "start_date", "end_date")
    partners = None
    if "partner_ids" in data or current is None:
        ids = data.get("partner_ids") or []
        partners = []
        cache: dict = {}
        if not isinstance(ids, list) or not ids:
            problems.add("partner_ids", "", _("至少选择一个合作伙伴。"), label=_label(CoBranding, "partners"))
        else:
            for pid in dict.fromkeys(ids):
                partner = _partner(problems, pid, "partner_ids", _label(CoBranding, "partners"), cache)
                if partner is not None:
                    partners.append(partner)
                elif not problems:
                    problems.add("partner_ids", pid, _("不能选择我方作为合作伙伴。"), label=_label(CoBranding, "partners"))
    return values, partners, problems


def cobranding_create(*, actor, data: dict) -> CoBranding:
    require_writer(actor)
    values, partners, problems = _cobranding_values(data, None)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        programme = CoBranding.objects.create(created_by=actor, **values)
        programme.partners.set(partners)
    return programme


def cobranding_update(*, actor, programme: CoBranding, data: dict) -> CoBranding:
    require_writer(actor)
    values, partners, problems = _cobranding_values(data, programme)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        for field, value in values.items():
            setattr(programme, field, value)
        programme.save()
        if partners is not None:
            programme.partners.set(partners)
    return programme


def cobranding_delete(*, actor, programme: CoBranding) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        programme.delete()
