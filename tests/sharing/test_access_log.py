"""The access log of shared partner data: what log_access records, and the staff page that lists it."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from allies.sharing.models import AccessLog
from allies.sharing.tokens import log_access, token_create

pytestmark = pytest.mark.django_db


def request_as(user, *, token=None, api=False, address="198.51.100.7", forwarded=None):
    """A request as an endpoint sees it: ``request.auth`` on the API, ``request.user`` on pages."""
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/api/v1/sales", **extra)
    request.user = user
    if api:
        request.auth = user
    if token is not None:
        request.api_token = token
    return request


def test_partner_users_read_is_recorded_with_one_insert(partner_user, partner_a, django_assert_num_queries):
    request = request_as(partner_user, api=True)
    with django_assert_num_queries(1):
        entry = log_access(request, partner=partner_a, action="read", resource="sales", rows=120,
                           detail="2026-01..2026-03")
    stored = AccessLog.objects.get()
    assert stored.pk == entry.pk
    assert (stored.user_id, stored.token_id, stored.partner_id, stored.action, stored.resource, stored.rows,
            stored.detail, stored.ip) == (partner_user.pk, None, partner_a.pk, "read", "sales", 120,
                                          "2026-01..2026-03", "198.51.100.7")
    assert timezone.now() - stored.at < timedelta(seconds=5)


def test_token_write_is_recorded_with_its_token(manager, partner_b):
    token = token_create(actor=manager).token
    log_access(request_as(manager, token=token, api=True), partner=partner_b.pk, action="write",
               resource="sales", rows=3)
    stored = AccessLog.objects.get()
    assert (stored.user_id, stored.token_id, stored.partner_id, stored.action) == (manager.pk, token.pk,
                                                                                  partner_b.pk, "write")


def test_staff_browsing_with_a_session_is_not_recorded(manager, partner_a):
    assert log_access(request_as(manager), partner=partner_a, action="read", resource="sales", rows=1) is None
    assert not AccessLog.objects.exists()


def test_bad_arguments(partner_user, partner_a):
    with pytest.raises(ValueError, match="action"):
        log_access(request_as(partner_user), partner=partner_a, action="delete", resource="sales", rows=1)
    log_access(request_as(partner_user, address="not-an-ip"), partner=partner_a, action="read",
               resource="x" * 100, rows=-5, detail="d" * 400)
    stored = AccessLog.objects.get()
    assert (len(stored.resource), stored.rows, len(stored.detail), stored.ip) == (64, 0, 300, None)


def test_forwarded_address_is_trusted_only_behind_configured_proxies(partner_user, partner_a, settings):
    request = request_as(partner_user, address="10.0.0.2", forwarded="203.0.113.50, 192.0.2.1")
    log_access(request, partner=partner_a, action="read", resource="sales", rows=1)
    settings.NINJA_NUM_PROXIES = 1
    log_access(request, partner=partner_a, action="read", resource="sales", rows=1)
    assert list(AccessLog.objects.order_by("id").values_list("ip", flat=True)) == ["10.0.0.2", "192.0.2.1"]


# --------------------------------------------------------------------------- the staff page


@pytest.fixture
def entries(partner_user, other_partner_user, partner_a, partner_b):
    """Three entries: A read today, B write today, A write ten days ago."""
    log_access(request_as(partner_user), partner=partner_a, action="read", resource="sales-a-read", rows=5)
    log_access(request_as(other_partner_user), partner=partner_b, action="write", resource="sales-b-write", rows=7)
    old = log_access(request_as(partner_user), partner=partner_a, action="write", resource="accounts-a-old",
                     rows=9)
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))


def _resources(response) -> set[str]:
    html = response.content.decode()
    return {r for r in ("sales-a-read", "sales-b-write", "accounts-a-old") if r in html}


@pytest.mark.parametrize("role", ["admin_user", "manager", "viewer"])
def test_internal_users_see_every_entry(request, client_for, entries, role):
    response = client_for(request.getfixturevalue(role)).get("/tokens/access-log/")
    assert response.status_code == 200
    assert _resources(response) == {"sales-a-read", "sales-b-write", "accounts-a-old"}


def test_filters(client_for, manager, entries, partner_a, partner_b):
    client = client_for(manager)
    today = timezone.localdate()
    assert _resources(client.get("/tokens/access-log/", {"partner": partner_a.pk})) == {"sales-a-read",
                                                                                         "accounts-a-old"}
    assert _resources(client.get("/tokens/access-log/", {"action": "write"})) == {"sales-b-write", "accounts-a-old"}
    assert _resources(client.get("/tokens/access-log/", {"day_from": today.isoformat()})) == {"sales-a-read",
                                                                                               "sales-b-write"}
    old_day = (today - timedelta(days=10)).isoformat()
    assert _resources(client.get("/tokens/access-log/", {"day_to": old_day})) == {"accounts-a-old"}
    assert _resources(client.get("/tokens/access-log/", {"partner": partner_b.pk, "action": "read"})) == set()
    # nonsense filters are ignored rather than failing
    for junk in ({"partner": "abc"}, {"day_from": "2026-13-45"}, {"day_to": "9999-12-31"}, {"day_from": "0001-01-01"}):
        response = client.get("/tokens/access-log/", junk)
        assert response.status_code == 200, junk


def test_pagination_keeps_the_filters(client_for, manager, partner_user, partner_a):
    AccessLog.objects.bulk_create(
        AccessLog(user=partner_user, partner=partner_a, action="read", resource=f"r{i:03d}", rows=i) for i in range(60)
    )
    client = client_for(manager)
    first = client.get("/tokens/access-log/", {"action": "read"}).content.decode()
    assert first.count("<tr>") == 1 + 50  # header + a page of 50
    assert "?page=2&action=read" in first
    second = client.get("/tokens/access-log/", {"action": "read", "page": 2}).content.decode()
    assert second.count("<tr>") == 1 + 10


def test_htmx_filter_returns_only_the_table(client_for, manager, entries):
    response = client_for(manager).get("/tokens/access-log/", {"action": "read"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and _resources(response) == {"sales-a-read"}


def test_partner_users_get_404_and_anonymous_the_login_page(client_for, partner_user, entries):
    response = client_for(partner_user).get("/tokens/access-log/")
    assert response.status_code == 404
    assert _resources(response) == set()
    response = client_for(None).get("/tokens/access-log/")
    assert response.status_code == 302 and "/login/" in response["Location"]
