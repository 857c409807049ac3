"""API tokens: issued once, stored as a digest, every refusal alike, read-only, IP ranges, revocation, throttling."""

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.http import Http404
from django.test import Client, override_settings
from django.utils import timezone

from allies.sharing.models import ApiToken
from allies.sharing.tokens import (
    LAST_USED_RESOLUTION,
    secret_digest,
    token_authenticate,
    token_create,
    token_revoke,
)

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"allies_[0-9a-f]{12}_[A-Za-z0-9_-]{40}")
PARTNERS = "/api/v1/partners"


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    # Throttle counters are keyed by token/user id, and ids repeat between tests on SQLite: a cache
    # key prefix of its own gives each test fresh counters without flushing a shared cache.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex}}


def api(plaintext=None, scheme="Bearer", **extra):
    headers = {"Authorization": f"{scheme} {plaintext}"} if plaintext else {}
    return Client(headers=headers, **extra)


def post_json(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def issue(user, **options) -> str:
    return token_create(actor=user, **options).plaintext


def row(plaintext) -> ApiToken:
    return ApiToken.objects.get(key=plaintext.split("_")[1])


def every_stored_value() -> str:
    """All rows of every table Django knows, as one string, to search for a leaked secret."""
    dump = []
    for model in apps.get_models():
        dump.append(json.dumps(list(model.objects.values()), default=str, ensure_ascii=False))
    return "\n".join(dump)


# --------------------------------------------------------------------------- issuing


def test_api_creation_shows_the_secret_once_and_stores_only_a_digest(client_for, partner_user):
    # given
    client = client_for(partner_user)
    # when
    response = post_json(client, "/api/v1/tokens", {"description": "ERP 推送", "read_only": True})
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    plaintext = body["token"]
    assert TOKEN_RE.fullmatch(plaintext)
    _prefix, key, secret = plaintext.split("_", 2)
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.key, token.hint, token.user_id, token.read_only) == (key, secret[-4:], partner_user.pk, True)
    assert token.digest == secret_digest(secret) != secret
    assert body["display"] == f"allies_{key}_…{secret[-4:]}"
    stored = every_stored_value()
    assert key in stored  # the search does see token rows
    assert secret not in stored and plaintext not in stored
    listing = client.get("/api/v1/tokens")
    assert listing.status_code == 200
    assert [t["id"] for t in listing.json()] == [token.pk]
    assert secret not in listing.content.decode() and "token" not in listing.json()[0]


def test_each_token_is_new(manager):
    first, second = issue(manager), issue(manager)
    assert first != second and first.split("_")[1] != second.split("_")[1]


@pytest.mark.parametrize(("body", "field"), [
    ({"allowed_ips": ["10.0.0.0/33"]}, "allowed_ips"),
    ({"allowed_ips": ["not-an-ip"]}, "allowed_ips"),
    ({"allowed_ips": [f"10.0.{i}.0/24" for i in range(51)]}, "allowed_ips"),
    ({"expires_at": "2001-01-01T00:00:00+08:00"}, "expires_at"),
    ({"expires_at": "9999-12-31T23:00:00-23:00"}, "expires_at"),
    ({"description": "x", "owner": 1}, "owner"),
])
def test_bad_options_are_422_and_create_nothing(client_for, manager, body, field):
    response = post_json(client_for(manager), "/api/v1/tokens", body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert field in json.dumps(response.json()["details"])
    assert not ApiToken.objects.exists()


def test_ip_ranges_are_stored_canonical(manager):
    token = token_create(actor=manager, allowed_ips=["10.1.2.3/8", " 192.0.2.7 ", "2001:DB8::/32", "10.0.0.0/8"]).token
    assert token.allowed_ips == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]


def test_a_token_cannot_mint_tokens(manager):
    response = post_json(api(issue(manager)), "/api/v1/tokens", {"description": "再来一个"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert ApiToken.objects.count() == 1


# --------------------------------------------------------------------------- authenticating


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_token_authenticates_an_existing_endpoint(manager, partner_a, scheme):
    response = api(issue(manager), scheme=scheme).get(PARTNERS)
    assert response.status_code == 200, response.content
    assert [p["name"] for p in response.json()["items"]] == ["伙伴A"]


def test_partner_token_sees_what_its_user_sees(partner_user, partner_a, partner_b):
    response = api(issue(partner_user)).get(PARTNERS)
    assert [p["id"] for p in response.json()["items"]] == [partner_a.pk]
    assert api(issue(partner_user)).get(f"{PARTNERS}/{partner_b.pk}").status_code == 404


def _refusals(user):
    """(name, Authorization credential, client options) for every way a token can be bad."""
    good = issue(user)
    key, secret = good.split("_", 2)[1:]
    expired = issue(user, expires_at=timezone.now() + timedelta(minutes=5))
    ApiToken.objects.filter(pk=row(expired).pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = issue(user)
    ApiToken.objects.filter(pk=row(revoked).pk).update(revoked_at=timezone.now())
    fenced = issue(user, allowed_ips=["10.0.0.0/8", "2001:db8::/32"])
    return [
        ("wrong secret", f"allies_{key}_{'A' * 40}", {}),
        ("wrong secret, same hint", f"allies_{key}_{'B' * 36}{secret[-4:]}", {}),
        ("unknown key", f"allies_{'0' * 12}_{secret}", {}),
        ("malformed: no prefix", f"{key}_{secret}", {}),
        ("malformed: short secret", f"allies_{key}_{secret[:-1]}", {}),
        ("malformed: upper-case key", f"allies_{key.upper()}_{secret}", {}),
        ("malformed: empty", "", {}),
        ("malformed: junk", "allies_" + "€" * 60, {}),
        ("expired", expired, {}),
        ("revoked", revoked, {}),
        ("outside allowed IPv4 ranges", fenced, {"REMOTE_ADDR": "192.0.2.10"}),
        ("outside allowed IPv6 ranges", fenced, {"REMOTE_ADDR": "2001:db9::1"}),
    ]


def test_every_bad_token_gets_the_same_401(manager, partner_a):
    reference = api().get(PARTNERS)
    assert reference.status_code == 401
    for name, credential, extra in _refusals(manager):
        client = Client(headers={"Authorization": f"Bearer {credential}".strip()})
        response = client.get(PARTNERS, **extra)
        assert response.status_code == 401, name
        assert response.json() == reference.json(), name
        assert response.json()["code"] == "unauthenticated"
    assert not ApiToken.objects.exclude(last_used_at=None).exists()  # none of them counted as a use


def test_only_the_exact_token_text_matches(manager):
    plaintext = issue(manager)
    assert token_authenticate(raw=plaintext, ip="127.0.0.1") is not None
    for variant in (plaintext + "\n", plaintext + "x", " " + plaintext, plaintext.replace("allies_", "ALLIES_")):
        assert token_authenticate(raw=variant, ip="127.0.0.1") is None, repr(variant)


def test_a_bad_token_does_not_fall_back_to_the_session(client_for, manager):
    client = client_for(manager)
    assert client.get(PARTNERS).status_code == 200
    response = client.get(PARTNERS, headers={"Authorization": "Bearer allies_000000000000_" + "x" * 40})
    assert response.status_code == 401


@pytest.mark.parametrize("address", ["10.20.30.40", "2001:db8::7", "::ffff:10.0.0.1"])
def test_address_inside_allowed_ranges_works(manager, address):
    plaintext = issue(manager, allowed_ips=["10.0.0.0/8", "2001:db8::/32"])
    assert api(plaintext).get(PARTNERS, REMOTE_ADDR=address).status_code == 200


def test_deactivated_users_token_stops_working(manager):
    plaintext = issue(manager)
    assert api(plaintext).get(PARTNERS).status_code == 200
    manager.is_active = False
    manager.save()
    response = api(plaintext).get(PARTNERS)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_read_only_token_reads_but_cannot_write(manager, partner_a):
    client = api(issue(manager, read_only=True))
    assert client.get(PARTNERS).status_code == 200
    response = post_json(client, PARTNERS, {"name": "不该写入"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"] == "此令牌为只读，不能用于修改数据。"
    assert client.delete(f"{PARTNERS}/{partner_a.pk}/contacts/1").status_code == 403
    assert not apps.get_model("partners", "Partner").objects.filter(name="不该写入").exists()


def test_read_write_token_writes_as_its_user(manager):
    response = post_json(api(issue(manager)), PARTNERS, {"name": "令牌写入"})  # no CSRF token needed
    assert response.status_code == 201, response.content
    from auditlog.models import LogEntry

    entry = LogEntry.objects.filter(object_repr__contains="令牌写入").first()
    assert entry is not None and entry.actor_id == manager.pk


def test_last_used_is_recorded_at_most_once_a_minute(manager):
    plaintext = issue(manager)
    assert row(plaintext).last_used_at is None
    api(plaintext).get(PARTNERS)
    first = row(plaintext).last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    api(plaintext).get(PARTNERS)
    assert row(plaintext).last_used_at == first
    earlier = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=row(plaintext).pk).update(last_used_at=earlier)
    api(plaintext).get(PARTNERS)
    assert row(plaintext).last_used_at > earlier + LAST_USED_RESOLUTION


# --------------------------------------------------------------------------- managing: API


def test_owner_revokes_its_token_and_it_stops_working(client_for, partner_user):
    plaintext = issue(partner_user)
    token = row(plaintext)
    response = client_for(partner_user).delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by_id == partner_user.pk
    assert api(plaintext).get(PARTNERS).status_code == 401
    listed = client_for(partner_user).get("/api/v1/tokens").json()
    assert [(t["id"], t["status"]) for t in listed] == [(token.pk, "revoked")]


def test_partner_user_cannot_see_or_revoke_another_users_token(client_for, partner_user, other_partner_user,
                                                              make_user, partner_a, manager):
    colleague = make_user("pa2", "partner", partner=partner_a)  # same company, still someone else's token
    for owner in (other_partner_user, colleague, manager):
        token = row(issue(owner))
        client = client_for(partner_user)
        assert token.pk not in [t["id"] for t in client.get("/api/v1/tokens").json()]
        response = client.delete(f"/api/v1/tokens/{token.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


def test_revoke_service_refuses_someone_elses_token(manager, partner_user):
    token = row(issue(partner_user))
    with pytest.raises(Http404):
        token_revoke(actor=manager, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_manager_and_viewer_manage_only_their_own(client_for, manager, viewer, partner_user):
    token = row(issue(partner_user))
    for user in (manager, viewer):
        assert client_for(user).delete(f"/api/v1/tokens/{token.pk}").status_code == 404
        response = client_for(user).get("/api/v1/tokens?all=true")
        assert response.status_code == 403
    assert row(issue(viewer)).user_id == viewer.pk  # a viewer may still have its own (read) token


def test_admin_lists_and_revokes_anyones_token(client_for, admin_user, partner_user):
    token = row(issue(partner_user))
    client = client_for(admin_user)
    assert [t["id"] for t in client.get("/api/v1/tokens").json()] == []
    assert [t["user_id"] for t in client.get("/api/v1/tokens?all=true").json()] == [partner_user.pk]
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_by_id == admin_user.pk


# --------------------------------------------------------------------------- managing: web UI


def test_web_create_shows_the_token_once_then_only_the_hint(client_for, partner_user):
    client = client_for(partner_user)
    assert client.get("/tokens/new/").status_code == 200
    response = client.post("/tokens/new/", {"description": "月度上报", "expires_at": "2099-01-31T18:00",
                                            "read_only": "on", "allowed_ips": "203.0.113.0/24\n2001:db8::/32"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [plaintext] = set(TOKEN_RE.findall(response.content.decode()))
    token = row(plaintext)
    assert token.description == "月度上报" and token.read_only
    assert token.allowed_ips == ["203.0.113.0/24", "2001:db8::/32"]
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M") == "2099-01-31 18:00"
    listing = client.get("/tokens/").content.decode()
    assert plaintext not in listing and plaintext.split("_", 2)[2] not in listing
    assert f"allies_{token.key}_…{token.hint}" in listing
    assert api(plaintext).get(PARTNERS, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert api(plaintext).get(PARTNERS).status_code == 401  # the test client's 127.0.0.1 is outside


def test_web_create_reports_a_bad_range_next_to_the_field(client_for, manager):
    response = client_for(manager).post("/tokens/new/", {"allowed_ips": "10.0.0.0/8\n300.1.1.1"})
    assert response.status_code == 200
    assert "“300.1.1.1”不是有效的 IP 地址或 CIDR 网段。" in response.content.decode()
    assert not TOKEN_RE.search(response.content.decode())
    assert not ApiToken.objects.exists()


def test_web_revoke(client_for, manager):
    plaintext = issue(manager, description="旧系统")
    token = row(plaintext)
    client = client_for(manager)
    assert client.get(f"/tokens/{token.pk}/revoke/").status_code == 405
    response = client.post(f"/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/tokens/")
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by_id == manager.pk
    assert "已吊销" in response.content.decode()
    assert api(plaintext).get(PARTNERS).status_code == 401


def test_web_list_own_for_users_all_for_admins(client_for, admin_user, manager, partner_user):
    mine, theirs = row(issue(manager, description="经理用")), row(issue(partner_user, description="伙伴用"))
    page = client_for(manager).get("/tokens/").content.decode()
    assert "经理用" in page and "伙伴用" not in page
    page = client_for(admin_user).get("/tokens/").content.decode()
    assert "经理用" in page and "伙伴用" in page and f'data-token="{theirs.pk}"' in page
    assert client_for(admin_user).post(f"/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_by_id == admin_user.pk
    assert client_for(None).get("/tokens/").status_code == 302  # anonymous: to the login page


def test_htmx_list_returns_only_the_table(client_for, manager):
    issue(manager, description="片段")
    response = client_for(manager).get("/tokens/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "片段" in html and "<html" not in html


# --------------------------------------------------------------------------- throttling


@override_settings(ALLIES_API_THROTTLE="3/min")
def test_throttle_per_token(manager, partner_user, client_for):
    first, second = issue(manager), issue(manager)
    assert [api(first).get(PARTNERS).status_code for _ in range(3)] == [200, 200, 200]
    throttled = api(first).get(PARTNERS)
    assert throttled.status_code == 429
    body = throttled.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60 and body["details"]["retry_after"] == int(throttled["Retry-After"])
    assert api(second).get(PARTNERS).status_code == 200  # another token has its own budget
    session = client_for(partner_user)
    assert [session.get(PARTNERS).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_throttle_rate_is_read_at_request_time(manager):
    plaintext = issue(manager)
    with override_settings(ALLIES_API_THROTTLE="1/min"):
        assert [api(plaintext).get(PARTNERS).status_code for _ in range(2)] == [200, 429]
    with override_settings(ALLIES_API_THROTTLE="100/min"):
        assert api(plaintext).get(PARTNERS).status_code == 200


# --------------------------------------------------------------------------- transport


@pytest.mark.nodb
def test_production_settings_pass_check_deploy(tmp_path):
    # A production-like environment: none of the test run's own settings (DJANGO_ALLOW_ASYNC_UNSAFE among them).
    leave_out = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIES_") and k not in leave_out}
    env.update({"DJANGO_SETTINGS_MODULE": "allies.config.settings", "ALLIES_ENV": "production",
                "ALLIES_DATA_DIR": str(tmp_path), "ALLIES_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-0123456789"})
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
