"""Completeness check of an agreement: what it still lacks before it can be signed.

A registry like ``partners.gates``: each check looks at an agreement and returns the
problems it finds (a message each, in the active language). This module registers the
agreement's own checks; a later stage adds its own from its AppConfig.ready(), e.g.
settlements' "a sharing rule whose parties do not sum to 100%"::

    from allies.agreements.completeness import Check, register
    register(Check(key="settlements.sharing_sum", label=_("分成比例合计"), area="revenue_cost",
                   check=lambda agreement: [...messages...]))

A required check's problems block signing (and amendments of a signed agreement); a
recommended one (``required=False``) is listed but does not block.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allies.agreements.choices import DisputeMethod, IpOwner


@dataclass(frozen=True)
class Check:
    key: str
    label: str | Promise
    check: Callable[[object], Iterable[str] | str | None]
    area: str = ""  # a clause area code (GLOSSARY), or "" for the agreement's general terms
    required: bool = True


@dataclass(frozen=True)
class Missing:
    key: str
    label: str
    area: str
    message: str
    required: bool


_CHECKS: dict[str, Check] = {}


def register(check: Check) -> None:
    """Add (or replace, by key) a check. Called from an app's AppConfig.ready()."""
    _CHECKS[check.key] = check


def checks() -> list[Check]:
    return list(_CHECKS.values())


def missing(agreement) -> list[Missing]:
    """Every problem the registered checks find, required ones first, in registration order."""
    found = []
    for check in _CHECKS.values():
        result = check.check(agreement)
        if not result:
            continue
        messages = [result] if isinstance(result, str | Promise) else list(result)
        found.extend(Missing(check.key, str(check.label), check.area, str(m), check.required) for m in messages)
    return sorted(found, key=lambda m: not m.required)


def blocking(agreement) -> list[Missing]:
    return [m for m in missing(agreement) if m.required]


# --------------------------------------------------------------------------- built-in checks


def _no_parties(agreement):
    if not agreement.party_links.exists():
        return _("没有伙伴方：协议至少需要一个伙伴方。")
    return None


def _no_term(agreement):
    problems = []
    if not agreement.start_date:
        problems.append(_("没有生效日期。"))
    if not agreement.end_date:
        problems.append(_("没有到期日期。"))
    if agreement.auto_renew and not agreement.renewal_months:
        problems.append(_("约定了自动续约，但没有续约期限（月）。"))
    return problems


def _no_cooperation_model(agreement):
    return None if agreement.cooperation_models else _("没有选择合作模式。")


def _no_scope(agreement):
    problems = []
    if not agreement.scope.strip():
        problems.append(_("没有写明合作范围。"))
    if not agreement.goals.strip():
        problems.append(_("没有写明合作目标。"))
    return problems


def _rights_obligations(agreement):
    problems = []
    if not (agreement.our_rights.strip() and agreement.our_obligations.strip()):
        problems.append(_("没有写明我方的权利与义务。"))
    for link in agreement.party_links.select_related("partner"):
        if not (link.rights.strip() and link.obligations.strip()):
            problems.append(_("没有写明“{partner}”的权利与义务。").format(partner=link.partner.name))
    return problems


def _revenue_cost(agreement):
    return None if agreement.revenue_cost_terms.strip() else _("没有收益分配与成本分摊的约定。")


def _ip_owner(agreement):
    problems = []
    for asset in agreement.ip_assets.all():
        if not asset.owner or (asset.owner == IpOwner.PARTNER and not asset.owner_partner_id):
            problems.append(_("知识产权“{name}”没有写明权属。").format(name=asset.name))
    return problems


def _ip_register(agreement):
    if agreement.ip_assets.exists() or agreement.ip_terms.strip():
        return None
    return _("知识产权登记为空，也没有总体约定。")


def _exit(agreement):
    if not agreement.termination_conditions.strip():
        return _("没有退出机制：未写明终止条件。")
    return None


def _exit_handover(agreement):
    problems = []
    if not agreement.customer_handover.strip():
        problems.append(_("退出机制未写明客户交接安排。"))
    if not agreement.data_migration.strip():
        problems.append(_("退出机制未写明数据迁移安排。"))
    return problems


def _dispute(agreement):
    steps = list(agreement.dispute_steps.all())
    final = [s for s in steps if s.method in (DisputeMethod.ARBITRATION, DisputeMethod.LITIGATION)]
    if not final:
        return _("争议解决没有最终途径：须约定仲裁机构或管辖法院。")
    unnamed = [s for s in final if not s.body.strip()]
    if unnamed:
        return [_("争议解决的“{method}”没有写明机构或法院。").format(method=s.get_method_display()) for s in unnamed]
    return None


BUILT_IN = [
    Check("agreements.parties", gettext_lazy("协议方"), _no_parties),
    Check("agreements.term", gettext_lazy("协议期限"), _no_term),
    Check("agreements.cooperation_models", gettext_lazy("合作模式"), _no_cooperation_model),
    Check("agreements.scope", gettext_lazy("合作范围与目标"), _no_scope, area="scope"),
    Check("agreements.rights_obligations", gettext_lazy("双方的权利与义务"), _rights_obligations,
          area="rights_obligations"),
    Check("agreements.revenue_cost", gettext_lazy("收益分配与成本分摊"), _revenue_cost, area="revenue_cost"),
    Check("agreements.ip_owner", gettext_lazy("知识产权权属"), _ip_owner, area="ip"),
    Check("agreements.ip_register", gettext_lazy("知识产权登记"), _ip_register, area="ip", required=False),
    Check("agreements.exit", gettext_lazy("退出机制"), _exit, area="exit"),
    Check("agreements.exit_handover", gettext_lazy("客户交接与数据迁移"), _exit_handover, area="exit",
          required=False),
    Check("agreements.dispute", gettext_lazy("争议解决"), _dispute, area="dispute"),
]


def register_built_in() -> None:
    for check in BUILT_IN:
        register(check)
