from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "allies.governance"
    label = "governance"
    verbose_name = _("治理与冲突")
