"""schemathesis against the whole API: generated requests (valid and invalid) never get a 5xx, and every answer
matches the schema (declared status code, content type, body shape).

It calls the Django WSGI application in-process, authenticated as an alliance manager
through an API token, against the test database with a few rows of every kind. Bounded:
a handful of examples per operation, fixed seed, no shrinking, no example database.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from allies.api.main import api
from allies.config.wsgi import application
from allies.sharing.models import ApiToken
from allies.sharing.tokens import token_create

from . import contract_apps

EXAMPLES_PER_OPERATION = 10
CONFIG = schemathesis.Config.from_dict({
    "seed": 20261127,
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "deterministic": True,
                   "no-shrink": True, "database": "none"},
    "phases": {"coverage": {"enabled": False}},
})

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = application  # in-process WSGI calls, like schemathesis.openapi.from_wsgi
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, so Django's request signals would close the database
    connection inside the test's transaction (PostgreSQL then fails every later query).
    Django's own test client detaches the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(db, manager, partner_a, partner_b):
    """A read-write manager token, and one row of every kind a path can name (ids 1, 2, ... exist)."""
    contract_apps.objects(manager=manager, partner_a=partner_a, partner_b=partner_b)
    return token_create(actor=manager, description="schemathesis")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
@override_settings(ALLIES_API_THROTTLE="")  # thousands of requests a minute from one token, on purpose
def test_api_conforms_and_never_fails(case, manager_token):
    # A generated DELETE may have revoked the token (ids are small numbers): keep it alive.
    ApiToken.objects.filter(pk=manager_token.token.pk).update(revoked_at=None)
    response = case.call_and_validate(headers={"Authorization": f"Bearer {manager_token.plaintext}"},
                                      checks=CHECKS)
    assert response.status_code < 500
    assert response.status_code != 401, "the manager's live token was refused"
