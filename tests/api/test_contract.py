"""Contract tests for every API operation x role, walked from the OpenAPI schema.

Every operation in the schema is tested for: anonymous (401), a partner user (403 on
staff-only operations, 404 for another partner's object), a viewer on writes (403) and a
manager (allowed). An operation is staff-only unless it is listed in PARTNER_OPERATIONS,
so a new endpoint is covered, and locked down, the moment it is mounted. Refused requests
must leave the database exactly as it was, and every error has the shape
{"code": str, "message": str, "details": dict}.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.api.main import api

from . import contract_apps
from .conftest import assert_error, assert_error_shape, call

SCHEMA = api.get_openapi_schema()
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Per-app tables live in tests/api/contract_apps/<app>.py (see its __init__): the operations a
# partner user may call (everything else is staff-only), POSTs that only compute, path
# parameters that name partner-owned rows, sample bodies and the objects paths can name.
PARTNER_OPERATIONS = contract_apps.merged("PARTNER_OPERATIONS")
COMPUTATIONS = contract_apps.merged("COMPUTATIONS")
PARTNER_SCOPED_PARAMS = contract_apps.merged("PARTNER_SCOPED_PARAMS")
SELF_SERVICE = contract_apps.merged("SELF_SERVICE")

SPEC_CRITERIA = ("strategic_fit", "resource_complementarity", "financial_health", "market_reputation",
                 "cultural_compatibility")


def _operations() -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()]


OPERATIONS = _operations()
OPERATION_KEYS = {(m, p) for m, p, _op in OPERATIONS}
STAFF_ONLY = [o for o in OPERATIONS if (o[0], o[1]) not in PARTNER_OPERATIONS]
# Self-service writes act on the caller's own things (covered in their own tests), not a partner's rows.
PARTNER_ALLOWED = [o for o in OPERATIONS if (o[0], o[1]) in PARTNER_OPERATIONS - SELF_SERVICE]
VIEWER_FORBIDDEN = [o for o in OPERATIONS
                    if o[0] in WRITE_METHODS and (o[0], o[1]) not in COMPUTATIONS | SELF_SERVICE]
VIEWER_ALLOWED = [o for o in OPERATIONS if o[0] not in WRITE_METHODS or (o[0], o[1]) in COMPUTATIONS]


def _ids(ops):
    return [f"{m} {p}" for m, p, _op in ops]


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    own: dict[str, int]  # path parameter -> an object the partner user's company owns (or an internal one)
    other: dict[str, int]  # path parameter -> the same kind of object, owned by another partner
    partner_id: int
    spec_model_id: int


@pytest.fixture
def world(request, db, partner_a, partner_b, manager):
    """One object of every kind the test's path can name; partner_a is the partner user's company."""
    from allies.partners.models import ScreeningModel

    callspec = getattr(request.node, "callspec", None)
    path = callspec.params.get("path") if callspec else None
    own, other = contract_apps.objects(path=path, manager=manager, partner_a=partner_a, partner_b=partner_b)
    return World(own=own, other=other, partner_id=partner_a.pk,
                 spec_model_id=ScreeningModel.objects.get(name="规范示例（五维）").pk)


def _csv_upload():
    return SimpleUploadedFile("partners.csv", "名称,行业\n合约伙伴,物流\n".encode(), content_type="text/csv")


# Request bodies that pass schema validation, so the role check (not the parser) answers.
SAMPLE_BODIES = contract_apps.merged_bodies(_csv_upload)


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SCHEMA["components"]["schemas"][name]
    return schema


def _example(schema: dict):
    """A minimal value valid for a JSON schema: required fields only, defaults where declared."""
    schema = _resolve(schema)
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s).get("type") != "null"]
            return _example(options[0])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(props[k]) for k in schema.get("required", [])}
    if kind == "array":
        return [_example(schema["items"]) for _i in range(schema.get("minItems", 0))]
    if kind == "string":
        return _csv_upload() if schema.get("format") == "binary" else "x"
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None


def _body(method: str, path: str, op: dict, w: World):
    if "requestBody" not in op:
        return None
    if (method, path) in SAMPLE_BODIES:
        return SAMPLE_BODIES[(method, path)](w)
    content = op["requestBody"]["content"]
    return _example(next(iter(content.values()))["schema"])


def _request(client, method: str, path: str, op: dict, w: World, ids: dict[str, int]):
    url = path
    for param in op.get("parameters", []):
        if param["in"] == "path":
            name = param["name"]
            assert name in ids, f"no fixture object for path parameter {name!r}: add one to World"
            url = url.replace("{" + name + "}", str(ids[name]))
    body = _body(method, path, op, w)
    multipart = "requestBody" in op and "multipart/form-data" in op["requestBody"]["content"]
    if multipart:
        response = client.generic(method, url) if body is None else getattr(client, method.lower())(url, body)
    else:
        response = call(client, method, url, body)
    declared = {str(s) for s in op["responses"]}
    assert str(response.status_code) in declared, (
        f"{method} {path} returned {response.status_code}, which its schema does not declare ({sorted(declared)})")
    if response.status_code >= 400:
        assert_error_shape(response)
    return response


def _snapshot(exclude: tuple[str, ...] = ()) -> dict:
    """Every row of our apps and of the audit log, to prove a refused request wrote nothing."""
    rows = {}
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("allies.")] + ["auditlog"]
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in exclude:
                continue
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def _scoped(op: dict) -> bool:
    return any(p["in"] == "path" and p["name"] in PARTNER_SCOPED_PARAMS for p in op.get("parameters", []))


# --------------------------------------------------------------------------- the tables themselves


def test_tables_name_only_operations_that_exist():
    for table in (PARTNER_OPERATIONS, COMPUTATIONS, SELF_SERVICE, set(SAMPLE_BODIES)):
        assert table <= OPERATION_KEYS, table - OPERATION_KEYS
    with_body = {(m, p) for m, p, op in OPERATIONS if "requestBody" in op}
    assert set(SAMPLE_BODIES) <= with_body
    assert not PARTNER_OPERATIONS & COMPUTATIONS
    assert SELF_SERVICE <= PARTNER_OPERATIONS


def test_every_error_status_is_declared_with_the_error_shape():
    for method, path, op in OPERATIONS:
        assert "401" in {str(s) for s in op["responses"]}, f"{method} {path} does not declare 401"
        for status, response in op["responses"].items():
            if int(status) >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (method, path, status, ref)
    error = SCHEMA["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "details"}


def test_served_schema_lists_the_same_operations(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    served = {(m.upper(), p) for p, ops in response.json()["paths"].items() for m in ops}
    assert served == OPERATION_KEYS
    assert len(OPERATION_KEYS) >= 24


# --------------------------------------------------------------------------- roles x operations


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=_ids(OPERATIONS))
def test_anonymous_gets_401(method, path, op, world, as_user):
    client = as_user(None)
    before = _snapshot()
    response = _request(client, method, path, op, world, world.own)
    assert_error(response, 401, "unauthenticated")
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "op"), STAFF_ONLY, ids=_ids(STAFF_ONLY))
def test_partner_user_is_refused_staff_only_operations(method, path, op, world, as_user, partner_user):
    client = as_user(partner_user)
    before = _snapshot()
    response = _request(client, method, path, op, world, world.own)
    assert_error(response, 403, "permission_denied")
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "op"), [o for o in OPERATIONS if _scoped(o[2])],
                         ids=_ids([o for o in OPERATIONS if _scoped(o[2])]))
def test_partner_user_gets_404_for_another_partners_object(method, path, op, world, as_user, partner_user):
    client = as_user(partner_user)
    before = _snapshot()
    response = _request(client, method, path, op, world, world.other)
    assert_error(response, 404, "not_found")
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "op"), PARTNER_ALLOWED, ids=_ids(PARTNER_ALLOWED))
def test_partner_user_may_use_partner_operations_on_its_own_objects(method, path, op, world, as_user,
                                                                      partner_user):
    client = as_user(partner_user)
    # A partner's reads of shared data are recorded in the access log; nothing else may change.
    before = _snapshot(exclude=("sharing.AccessLog",))
    response = _request(client, method, path, op, world, world.own)
    if method in WRITE_METHODS:
        # A partner's own writes (its sales, measurements, tokens ...) succeed.
        assert 200 <= response.status_code < 300, response.content[:500]
    else:
        assert response.status_code == 200, response.content[:500]
        assert _snapshot(exclude=("sharing.AccessLog",)) == before


@pytest.mark.parametrize(("method", "path", "op"), VIEWER_FORBIDDEN, ids=_ids(VIEWER_FORBIDDEN))
def test_viewer_cannot_write(method, path, op, world, as_user, viewer):
    client = as_user(viewer)
    before = _snapshot()
    response = _request(client, method, path, op, world, world.own)
    assert_error(response, 403, "permission_denied")
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "op"), VIEWER_ALLOWED, ids=_ids(VIEWER_ALLOWED))
def test_viewer_may_read_and_compute_without_writing(method, path, op, world, as_user, viewer):
    client = as_user(viewer)
    before = _snapshot()
    response = _request(client, method, path, op, world, world.own)
    assert response.status_code == 200, response.content[:500]
    assert _snapshot() == before


JSON_BODY = [o for o in OPERATIONS if "application/json" in o[2].get("requestBody", {}).get("content", {})]


@pytest.mark.parametrize(("method", "path", "op"), JSON_BODY, ids=_ids(JSON_BODY))
def test_malformed_json_is_422_and_writes_nothing(method, path, op, world, as_user, manager):
    client = as_user(manager)
    url = path
    for name, value in world.own.items():
        url = url.replace("{" + name + "}", str(value))
    before = _snapshot()
    response = client.generic(method, url, data=b'{"name": ', content_type="application/json")
    body = assert_error(response, 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "body"
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=_ids(OPERATIONS))
def test_manager_is_allowed(method, path, op, world, as_user, manager):
    client = as_user(manager)
    response = _request(client, method, path, op, world, world.own)
    assert response.status_code not in (401, 403), response.content[:500]
    assert response.status_code < 500, response.content[:500]
    if "requestBody" not in op or (method, path) in SAMPLE_BODIES:
        assert 200 <= response.status_code < 300, response.content[:500]
