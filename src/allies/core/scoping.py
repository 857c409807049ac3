"""Partner scoping: the one place that decides which rows a user may see.

Every queryset a partner user (or, later, a partner token) can reach goes through
:func:`restrict`. A model opts in to partner visibility by naming, in ``PARTNER_SCOPE``,
the lookup from the model to the partner company's id ("id" for the partner itself,
"partner" for a row that belongs to one). A model without ``PARTNER_SCOPE`` is internal:
partner users see none of it.
"""

from collections.abc import Iterable

from django.db.models import Model, QuerySet
from django.http import Http404


def restrict(queryset: QuerySet, user, *, shared_by: Iterable[int] = ()) -> QuerySet:
    """The part of ``queryset`` that ``user`` may see.

    ``shared_by`` names other partner companies whose rows the user's company may also
    see, as granted by a partnership's sharing level (the caller asks the sharing stage
    which partners those are; by default there are none).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_internal:
        return queryset
    scope = getattr(queryset.model, "PARTNER_SCOPE", None)
    if scope is None or not user.is_partner_user:
        return queryset.none()
    others = [pid for pid in shared_by if pid != user.partner_id]
    if others:
        return queryset.filter(**{f"{scope}__in": [user.partner_id, *others]})
    return queryset.filter(**{scope: user.partner_id})


def get_visible(queryset: QuerySet, user, **lookup) -> Model:
    """One row the user may see, or 404: another partner's row is indistinguishable from none."""
    try:
        return restrict(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
