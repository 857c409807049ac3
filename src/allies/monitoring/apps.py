from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "allies.monitoring"
    label = "monitoring"
    verbose_name = _("评估与预警")
