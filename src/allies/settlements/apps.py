from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "allies.settlements"
    label = "settlements"
    verbose_name = _("收益分配与结算")

    def ready(self):
        # The agreements stage's completeness registry is written in parallel; until it is merged
        # the import fails and there is nothing to register with. The integrator removes this guard.
        try:
            from allies.agreements import completeness
        except ImportError:
            return
        from allies.settlements.checks import sharing_rule_problems

        completeness.register(sharing_rule_problems)
