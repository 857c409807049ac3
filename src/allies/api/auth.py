"""API authentication (API tokens, then the browser session) and per-caller throttling.

Either way ``request.auth`` is the User, so endpoints do not care how the caller logged
in; a token request also carries ``request.api_token`` for the access log.
"""

import math
import threading

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.throttling import SimpleRateThrottle

from allies.core.errors import DomainError, ErrorCode, error_body
from allies.sharing import tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_SCHEMES = frozenset({"bearer", "token"})


def token_credential(authorization: str) -> str | None:
    """What follows ``Bearer`` or ``Token`` in an Authorization header ("" if nothing); None for
    any other scheme, or no header."""
    scheme, _sep, credential = authorization.strip().partition(" ")
    return credential.strip() if scheme.lower() in TOKEN_SCHEMES else None


class TokenAuth(HttpBearer):
    """``Authorization: Bearer allies_<key>_<secret>`` (or ``Token allies_...``).

    A request that presents a token is decided by the token alone: every bad token gets
    the same 401 as no credentials at all, and never falls back to the session cookie.
    """

    def __call__(self, request):
        credential = token_credential(request.META.get("HTTP_AUTHORIZATION", ""))
        if credential is None:
            return None
        return self.authenticate(request, credential)

    def authenticate(self, request, token):
        api_token = tokens.token_authenticate(raw=token, ip=tokens.client_ip(request))
        if api_token is None:
            raise AuthenticationError()
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("此令牌为只读，不能用于修改数据。"))
        request.api_token = api_token
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """Session cookie auth with CSRF on writes; only active users count."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class ApiThrottle(SimpleRateThrottle):
    """ALLIES_API_THROTTLE requests per period, per token (or per user on a session), in the Django cache.

    The rate is read on every request, so settings overrides apply at once. Instead of
    ninja's list of timestamps (rewritten whole on each request, and lost updates between
    workers) it keeps two counters, this window's and the last one's, and weighs the last
    by how much of it still falls inside the sliding period: one read and one atomic
    increment per request, in LocMem and Redis alike.
    """

    scope = "allies"

    def __init__(self):  # no rate parsed here: see get_rate
        self._state = threading.local()  # allow_request and wait() run back to back in one thread

    def get_rate(self) -> str:
        return settings.ALLIES_API_THROTTLE

    def get_cache_key(self, request) -> str | None:
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"allies:throttle:token:{token.pk}"
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"allies:throttle:user:{user.pk}"
        return None

    def allow_request(self, request) -> bool:
        rate = self.get_rate()
        key = self.get_cache_key(request)
        if not rate or key is None:
            return True
        limit, period = self.parse_rate(rate)
        now = self.timer()
        window = int(now // period)
        current, previous = f"{key}:{window}", f"{key}:{window - 1}"
        counts = self.cache.get_many([current, previous])
        elapsed = now - window * period
        done_now, done_before = counts.get(current, 0), counts.get(previous, 0)
        if done_before * (1 - elapsed / period) + done_now >= limit:
            self._state.last = (limit, period, elapsed, done_now, done_before)
            return False
        if not self.cache.add(current, 1, timeout=2 * period):
            try:
                self.cache.incr(current)
            except ValueError:  # expired between add() and incr()
                self.cache.set(current, 1, timeout=2 * period)
        return True

    def wait(self) -> float | None:
        """Seconds until the estimate falls below the limit again."""
        limit, period, elapsed, done_now, done_before = self._state.last
        if done_now >= limit or done_before <= 0:
            return max(1.0, period - elapsed)
        fraction = 1 - (limit - done_now) / done_before
        return max(1.0, fraction * period - elapsed)


def on_throttled(request, exc):
    """429 in the API's error shape; ninja adds Retry-After."""
    seconds = math.ceil(exc.wait) if exc.wait is not None else None
    return JsonResponse(error_body(ErrorCode.THROTTLED, _("请求过于频繁，请稍后再试。"), {"retry_after": seconds}),
                        status=429)
