"""Every API operation, walked from the OpenAPI schema, called with API tokens instead of a session.

For each operation: no credentials, an expired token and a revoked token give the same
401; a read-only token on a write gives 403; partner A's token on partner B's objects
gives 404; a partner token on a staff-only operation gives 403. A refused request leaves
the database as it was (a token's last_used_at heartbeat aside). New endpoints are
covered the moment they are mounted, through the tables in tests/api/contract_apps/.
"""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from allies.sharing.models import ApiToken
from allies.sharing.tokens import token_create

from .conftest import assert_error
from .test_contract import (  # noqa: F401  (world is a fixture)
    OPERATIONS,
    STAFF_ONLY,
    WRITE_METHODS,
    _ids,
    _request,
    _scoped,
    _snapshot,
    world,
)

WRITES = [o for o in OPERATIONS if o[0] in WRITE_METHODS]
READS = [o for o in OPERATIONS if o[0] not in WRITE_METHODS]
SCOPED = [o for o in OPERATIONS if _scoped(o[2])]


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    # Throttle counters are keyed by token/user id, and ids repeat between tests on SQLite: a cache
    # key prefix of its own gives each test fresh counters without flushing a shared cache.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex}}


def _snapshot_without_heartbeat() -> dict:
    """The database, except the last_used_at a token refreshes when it authenticates."""
    rows = _snapshot()
    for row in rows.get("sharing.ApiToken", []):
        row.pop("last_used_at")
    return rows


def key_of(plaintext: str) -> str:
    return plaintext.split("_")[1]


def bearer(plaintext: str | None) -> Client:
    return Client(headers={"Authorization": f"Bearer {plaintext}"}) if plaintext else Client()


@pytest.fixture
def token_for():
    def issue(user, **options):
        return token_create(actor=user, description="contract", **options).plaintext

    return issue


@pytest.fixture
def expired_token(manager, token_for):
    plaintext = token_for(manager, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(key=key_of(plaintext)).update(expires_at=timezone.now() - timedelta(seconds=1))
    return plaintext


@pytest.fixture
def revoked_token(manager, token_for):
    plaintext = token_for(manager)
    ApiToken.objects.filter(key=key_of(plaintext)).update(revoked_at=timezone.now())
    return plaintext


# --------------------------------------------------------------------------- 401: no or dead credentials


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=_ids(OPERATIONS))
def test_no_expired_or_revoked_token_get_the_same_401(method, path, op, world, expired_token, revoked_token):
    before = _snapshot()
    reference = assert_error(_request(bearer(None), method, path, op, world, world.own), 401, "unauthenticated")
    for plaintext in (expired_token, revoked_token):
        response = _request(bearer(plaintext), method, path, op, world, world.own)
        assert assert_error(response, 401, "unauthenticated") == reference
    assert _snapshot() == before  # not even a last_used_at: a dead token is never "used"


# --------------------------------------------------------------------------- 403: read-only token writes


@pytest.mark.parametrize(("method", "path", "op"), WRITES, ids=_ids(WRITES))
def test_read_only_token_cannot_write(method, path, op, world, manager, token_for):
    client = bearer(token_for(manager, read_only=True))
    before = _snapshot_without_heartbeat()
    body = assert_error(_request(client, method, path, op, world, world.own), 403, "permission_denied")
    assert "只读" in body["message"]
    assert _snapshot_without_heartbeat() == before


# --------------------------------------------------------------------------- partner tokens


@pytest.mark.parametrize(("method", "path", "op"), SCOPED, ids=_ids(SCOPED))
def test_partner_token_gets_404_for_another_partners_object(method, path, op, world, partner_user, token_for):
    client = bearer(token_for(partner_user))
    before = _snapshot_without_heartbeat()
    assert_error(_request(client, method, path, op, world, world.other), 404, "not_found")
    assert _snapshot_without_heartbeat() == before


@pytest.mark.parametrize(("method", "path", "op"), STAFF_ONLY, ids=_ids(STAFF_ONLY))
def test_partner_token_is_refused_staff_only_operations(method, path, op, world, partner_user, token_for):
    client = bearer(token_for(partner_user))
    before = _snapshot_without_heartbeat()
    assert_error(_request(client, method, path, op, world, world.own), 403, "permission_denied")
    assert _snapshot_without_heartbeat() == before


# --------------------------------------------------------------------------- a live token is honoured everywhere


@pytest.mark.parametrize(("method", "path", "op"), READS, ids=_ids(READS))
def test_manager_token_reads_like_the_manager_session(method, path, op, world, manager, token_for):
    plaintext = token_for(manager, read_only=True)
    response = _request(bearer(plaintext), method, path, op, world, world.own)
    assert 200 <= response.status_code < 300, response.content[:500]
    assert ApiToken.objects.get(key=key_of(plaintext)).last_used_at is not None
