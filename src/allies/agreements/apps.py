from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "allies.agreements"
    label = "agreements"
    verbose_name = _("联盟协议")

    def ready(self):
        from allies.agreements.completeness import register_built_in
        from allies.agreements.selectors import active_gate_reason
        from allies.partners.gates import Gate, register

        register_built_in()
        register(Gate(
            key="agreements.active",
            to_stage="active",
            rule=_("进入正式合作前须有已签署的联盟协议，或说明原因越过"),
            check=active_gate_reason,
        ))
