from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "allies.ecosystem"
    label = "ecosystem"
    verbose_name = _("生态")
