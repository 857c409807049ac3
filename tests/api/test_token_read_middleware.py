"""Token reads under /api/ take the short middleware stack; everything else the full one,
and the answers a caller sees (headers, language, error shapes) are the same either way."""

import contextvars

import pytest
from auditlog.context import auditlog_value
from django.http import HttpResponse
from django.test import Client

from allies.api.middleware import TokenReadMiddleware, is_token_read
from allies.sharing.tokens import token_create

from .conftest import assert_error

SECURITY_HEADERS = ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy",
                    "Content-Language")


@pytest.mark.parametrize(("method", "path", "authorization", "short"), [
    ("get", "/api/v1/sales", "Bearer allies_x_y", True),
    ("head", "/api/v1/sales", "Bearer allies_x_y", True),
    ("get", "/api/v1/sales", "token allies_x_y", True),
    ("post", "/api/v1/sales", "Bearer allies_x_y", False),  # a write: auditlog names the actor
    ("delete", "/api/v1/tokens/1", "Bearer allies_x_y", False),
    ("options", "/api/v1/sales", "Bearer allies_x_y", False),
    ("get", "/api/v1/sales", None, False),  # the browser's session call
    ("get", "/api/v1/sales", "Basic dXNlcjpwdw==", False),  # not a token: the session may answer
    ("get", "/partners/", "Bearer allies_x_y", False),  # not the API
])
def test_which_requests_take_the_short_stack(rf, method, path, authorization, short):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    request = getattr(rf, method)(path, **headers)
    assert is_token_read(request) is short
    seen = {}

    def full(request):
        seen["stack"] = "full"
        return HttpResponse()

    middleware = TokenReadMiddleware(full)

    def short_chain(request):
        seen["stack"] = "short"
        seen["audit"] = auditlog_value.get(None)
        return HttpResponse()

    middleware.short = short_chain
    contextvars.Context().run(middleware, request)  # a fresh context, as a new request has
    assert seen["stack"] == ("short" if short else "full")
    if short:
        assert seen["audit"] is None  # no auditlog actor context for a read
        assert not request.user.is_authenticated  # the caller is request.auth, never a session user


@pytest.mark.django_db
def test_a_token_read_skips_session_and_messages_but_keeps_every_security_header(partner_user, client_for):
    token = token_create(actor=partner_user).plaintext
    by_token = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/sales")
    by_session = client_for(partner_user).get("/api/v1/sales")
    assert by_token.status_code == by_session.status_code == 200
    assert by_token.json() == by_session.json()
    request = by_token.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "_messages") and not hasattr(request, "htmx")
    assert hasattr(by_session.wsgi_request, "session")  # the full stack
    for header in SECURITY_HEADERS:
        assert by_token.get(header) == by_session.get(header), header
    assert by_token["X-Frame-Options"] == "DENY" and by_token["Content-Language"] == "zh-hans"
    assert "Set-Cookie" not in by_token


@pytest.mark.django_db
def test_a_token_read_speaks_the_callers_language_and_keeps_the_error_shapes(partner_user):
    token = token_create(actor=partner_user).plaintext
    english = Client(headers={"Authorization": f"Bearer {token}"})
    english.cookies["django_language"] = "en"
    assert english.get("/api/v1/sales")["Content-Language"] == "en"
    unknown = Client(headers={"Authorization": "Bearer allies_nope_nope"})
    unknown.cookies["django_language"] = "en"
    body = assert_error(unknown.get("/api/v1/sales"), 401)
    assert body["message"].isascii(), body  # English, not the Chinese default
    wrong_method = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/partners/import")
    assert assert_error(wrong_method, 405)["details"]["allowed"] == ["POST"]
    assert_error(Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/no-such-thing"), 404)
