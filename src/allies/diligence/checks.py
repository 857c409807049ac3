"""System check: a configured evidence scanner must import, or every upload would fail."""

from django.core.checks import Error, register


@register()
def evidence_scanner_check(app_configs=None, **kwargs):
    from allies.diligence.evidence import ScannerMisconfigured, scanner

    try:
        scanner()
    except ScannerMisconfigured as exc:
        return [Error(str(exc), hint="ALLIES_EVIDENCE_SCANNER = 'package.module.callable' or unset",
                      id="allies.diligence.E001")]
    return []
