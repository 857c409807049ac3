"""What the agreements' completeness check should report about an agreement's sharing rules."""

from django.utils.translation import gettext as _

from allies.domain.sharing import SharingError, check_percentages
from allies.settlements.rules import rule_ladder, sharing_message


def sharing_rule_problems(agreement) -> list[str]:
    """One message per rule whose percentages do not sum to 100% or whose tiers are not a valid ladder."""
    problems = []
    for rule in agreement.sharing_rules.order_by("position", "pk"):
        try:
            check_percentages([s.get("percent") for s in rule.shares])
        except SharingError as exc:
            if exc.code == "percent_sum":
                problems.append(_("收益分配规则“{name}”各方比例之和不是100%。").format(name=rule.name))
            else:
                problems.append(_("收益分配规则“{name}”：{problem}").format(name=rule.name,
                                                                      problem=sharing_message(exc)))
            continue
        try:
            rule_ladder(rule.shares, rule.tiers, rule.tier_method)
        except SharingError as exc:
            problems.append(_("收益分配规则“{name}”：{problem}").format(name=rule.name, problem=sharing_message(exc)))
    for cost_rule in agreement.cost_rules.order_by("category"):
        try:
            check_percentages([s.get("percent") for s in cost_rule.shares])
        except SharingError:
            problems.append(_("成本分摊规则“{name}”各方比例之和不是100%。").format(name=cost_rule.category))
    return problems
