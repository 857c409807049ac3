"""Contract tables for pilot projects.

Partner users read their company's pilots and record measurements. The contract test
requires a partner operation on its own objects to answer 200 without writing, so the
sample measurement repeats one already recorded: the API answers such a retry with 200
and the stored row (a new value answers 201, see tests/api/test_pilots_api.py).
"""

from datetime import timedelta

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/pilots/"),
    ("GET", "/api/v1/pilots/{pilot_id}"),
    ("GET", "/api/v1/pilots/{pilot_id}/measurements"),
    ("POST", "/api/v1/pilots/{pilot_id}/measurements"),
}
PARTNER_SCOPED_PARAMS = {"pilot_id", "kpi_id"}
RECORDED_VALUE = 3.5


def _today():
    from django.utils import timezone

    return timezone.localdate()


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/pilots/"): lambda w: {
            "title": "契约试点", "partner_ids": [w.partner_id], "goal": "验证", "start_date": "2026-01-01",
            "end_date": "2026-03-31", "kpis": [{"code": "conversion_rate", "unit": "%", "baseline": 2, "target": 5}]},
        ("PATCH", "/api/v1/pilots/{pilot_id}"): lambda w: {"goal": "契约目标"},
        ("POST", "/api/v1/pilots/{pilot_id}/start"): lambda w: {"override": True, "reason": "契约测试"},
        ("POST", "/api/v1/pilots/{pilot_id}/kpis"): lambda w: {
            "code": "custom", "name": "联合活动场次", "unit": "场", "baseline": 0, "target": 6},
        ("PATCH", "/api/v1/pilots/{pilot_id}/kpis/{kpi_id}"): lambda w: {"target": 140},
        ("POST", "/api/v1/pilots/{pilot_id}/measurements"): lambda w: {
            "kpi_id": w.own["measured_kpi_id"], "date": (_today() - timedelta(days=10)).isoformat(),
            "value": RECORDED_VALUE},
        ("POST", "/api/v1/pilots/{pilot_id}/reviews"): lambda w: {"decision": "stop", "we_learned": "时机未到"},
    }


def objects(manager, partner_a, partner_b):
    from allies.pilots import services

    today = _today()

    def pilot_of(partner):
        pilot = services.pilot_create(
            actor=manager,
            data={"title": f"{partner.name} 的试点", "partner_ids": [partner.pk], "goal": "验证合作",
                  "start_date": today - timedelta(days=30), "end_date": today + timedelta(days=60)},
            kpis=[{"code": "customer_acquisition_cost", "unit": "元", "baseline": 200, "target": 150},
                  {"code": "conversion_rate", "unit": "%", "baseline": 2, "target": 5}],
        )
        cac, conversion = pilot.kpis.order_by("position")
        services.measurement_record(actor=manager, kpi=conversion, date=today - timedelta(days=10),
                                    value=RECORDED_VALUE)
        # kpi_id names a KPI without measurements, so that deleting it is allowed.
        return {"pilot_id": pilot.pk, "kpi_id": cac.pk, "measured_kpi_id": conversion.pk}

    return pilot_of(partner_a), pilot_of(partner_b)
