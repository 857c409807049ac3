from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "allies.settlements"
    label = "settlements"
    verbose_name = _("收益分配与结算")

    def ready(self):
        from allies.agreements.completeness import Check, register
        from allies.settlements.checks import sharing_rule_problems

        register(Check(key="settlements.sharing_rules", label=_("收益分配规则"), area="revenue_cost",
                       check=sharing_rule_problems))
