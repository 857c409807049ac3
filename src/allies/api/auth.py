"""API authentication: the browser session (tokens arrive with the data-sharing issue)."""

from ninja.security import SessionAuth as NinjaSessionAuth


class SessionAuth(NinjaSessionAuth):
    """Session cookie auth with CSRF on writes; only active users count."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
