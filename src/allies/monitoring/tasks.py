"""Background work of monitoring (django-tasks): sending one alert delivery, with retries and backoff."""

import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from allies.monitoring.delivery import MAX_ATTEMPTS, backoff_seconds, delivery_attempt
from allies.monitoring.models import Delivery, DeliveryStatus


@task()
def delivery_send_task(delivery_id: int) -> str:
    """Send one delivery. After a failure the next attempt is deferred by the backoff (a backend that
    cannot defer, like the in-process one, waits in place); after MAX_ATTEMPTS it is marked failed."""
    while True:
        delivery = Delivery.objects.select_related("alert__agreement", "alert__owner", "endpoint").filter(
            pk=delivery_id).first()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery.status if delivery else "missing"
        if delivery_attempt(delivery):
            return delivery.status
        if delivery.attempts >= MAX_ATTEMPTS:
            return delivery.status
        wait = backoff_seconds(delivery.attempts)
        backend = delivery_send_task.get_backend()
        if backend.supports_defer:
            delivery_send_task.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue(delivery_id)
            return delivery.status
        time.sleep(wait)
