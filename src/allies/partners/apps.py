from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "allies.partners"
    label = "partners"
    verbose_name = _("伙伴与筛选")
