from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiligenceConfig(AppConfig):
    name = "allies.diligence"
    label = "diligence"
    verbose_name = _("尽职调查")

    def ready(self):
        from allies.diligence import checks  # noqa: F401  (registers the evidence-scanner check)
        from allies.diligence.selectors import pilot_gate_reason
        from allies.partners.gates import Gate, register

        register(Gate(
            key="diligence.pilot",
            to_stage="pilot",
            rule=_("进入试点前须完成尽职调查（结论为“通过”或“有条件通过”），或说明原因越过"),
            check=pilot_gate_reason,
        ))
