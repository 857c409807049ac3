"""Turning an alert into a conflict in governance (the alert is the conflict's evidence)."""

import pytest

from allies.governance.models import Conflict
from allies.monitoring import services
from allies.monitoring.models import Alert
from allies.monitoring.watch import watch_run

from .conftest import write_monthly_sales



def test_an_alert_becomes_a_conflict_with_the_alert_as_evidence(client_for, manager, alliance, partner_a):
    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])
    watch_run(deliver=False)
    alert = Alert.objects.get()
    client = client_for(manager)
    assert 'id="to-conflict"' in client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    response = client.post(f"/monitoring/alerts/{alert.pk}/conflict/")
    assert response.status_code == 302
    alert.refresh_from_db()
    conflict = Conflict.objects.get(pk=alert.conflict_id)
    assert conflict.agreement == alliance and conflict.kind == "underperformance"
    assert conflict.raised_by == manager and alert.status == "acknowledged"
    with pytest.raises(Exception):  # noqa: B017 - a second conversion is refused
        services.alert_to_conflict(actor=manager, alert=alert)
    assert Conflict.objects.count() == 1
