from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "allies.governance"
    label = "governance"
    verbose_name = _("治理与冲突")

    def ready(self):
        # A disputed settlement statement opens a conflict (settlements may not import governance).
        from allies.governance.conflicts import on_settlement_disputed
        from allies.settlements import hooks

        hooks.on_dispute(on_settlement_disputed)
