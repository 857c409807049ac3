"""View guards by role. Partner users who reach an internal page get a 404, like any row they may not see."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404


def internal_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_internal:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def writer_required(view):
    @internal_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can_write:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
