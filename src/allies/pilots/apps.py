from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "allies.pilots"
    label = "pilots"
    verbose_name = _("试点项目")
