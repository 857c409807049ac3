"""auditlog's middleware names the actor of a request's writes; it stands aside only for API
reads made with a token (no session user, nothing audited written)."""

import contextvars

import pytest
from auditlog.context import auditlog_value
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from allies.core.audit import AuditMiddleware


@pytest.mark.parametrize(("method", "path", "token", "wrapped"), [
    ("get", "/api/v1/sales", True, False),
    ("head", "/api/v1/sales", True, False),
    ("post", "/api/v1/sales", True, True),  # a token write: still in auditlog's context
    ("get", "/api/v1/sales", False, True),  # the browser's session call
    ("get", "/partners/", True, True),  # not the API
])
def test_auditlog_context_except_for_token_reads(rf, method, path, token, wrapped):
    seen = []

    def view(request):
        seen.append(auditlog_value.get(None))
        return HttpResponse()

    headers = {"HTTP_AUTHORIZATION": "Bearer allies_x_y"} if token else {}
    request = getattr(rf, method)(path, **headers)
    request.user = AnonymousUser()
    contextvars.Context().run(AuditMiddleware(view), request)  # a fresh context, as a new request has
    assert (seen[0] is not None) is wrapped
