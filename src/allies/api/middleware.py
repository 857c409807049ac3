"""A shorter middleware stack for API reads made with a token: the sales page's hot path.

A ``GET``/``HEAD`` under ``/api/`` that carries ``Authorization: Bearer ...`` (or ``Token``)
is decided by the token alone (``allies.api.auth.TokenAuth``): it never uses the session,
the logged-in user, CSRF, flash messages, htmx, static files, or auditlog's actor context
(a read writes nothing audited). Going through those middlewares anyway cost about a tenth
of a sales-page request's CPU (benchmarks/RESULTS.md). :class:`TokenReadMiddleware`, first
in ``MIDDLEWARE``, hands such requests to a chain built from ``ALLIES_TOKEN_READ_MIDDLEWARE``
instead (security headers, language, common, frame options, the API's 405 shape); every
other request goes down the full stack as before.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.utils.module_loading import import_string

from allies.api.auth import token_credential

READ_METHODS = frozenset({"GET", "HEAD"})


def is_token_read(request) -> bool:
    """A read of the API presenting an API token (whatever the token turns out to be)."""
    if request.method not in READ_METHODS or not request.path_info.startswith("/api/"):
        return False
    return token_credential(request.META.get("HTTP_AUTHORIZATION", "")) is not None


class _ShortStack(BaseHandler):
    """The view-calling end of a handler with its own middleware list (synchronous, like WSGI)."""

    def __init__(self, paths: list[str]):
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(paths):  # as BaseHandler.load_middleware, for sync middleware only
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class TokenReadMiddleware:
    """First in ``MIDDLEWARE``: token reads under ``/api/`` take ``ALLIES_TOKEN_READ_MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.short = _ShortStack(settings.ALLIES_TOKEN_READ_MIDDLEWARE)._middleware_chain

    def __call__(self, request):
        if is_token_read(request):
            request.user = AnonymousUser()  # the caller is request.auth; no session user is looked up
            return self.short(request)
        return self.get_response(request)
