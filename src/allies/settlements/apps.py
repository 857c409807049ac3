from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "allies.settlements"
    label = "settlements"
    verbose_name = _("收益分配与结算")
