from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiligenceConfig(AppConfig):
    name = "allies.diligence"
    label = "diligence"
    verbose_name = _("尽职调查")
