"""Helpers for the API tests: JSON calls through the Django test client and the one error shape."""

import json

import pytest

ERROR_KEYS = {"code", "message", "details"}


def assert_error_shape(response) -> dict:
    """The body of an error response, after checking it is exactly {code: str, message: str, details: dict}."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["details"], dict), body
    return body


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = assert_error_shape(response)
    if code is not None:
        assert body["code"] == code, body
    return body


def call(client, method: str, path: str, body=None):
    """One API request with a JSON body (``body`` None: no body)."""
    kwargs = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method.lower())(path, **kwargs)



@pytest.fixture
def as_user(client_for):
    """``as_user(user)`` is a client logged in as ``user``; ``as_user(None)`` is anonymous."""
    return client_for


@pytest.fixture
def spec_model(db):
    from allies.partners.models import ScreeningModel

    return ScreeningModel.objects.get(name="规范示例（五维）")
