"""Recording writes: who did what, when.

Row changes are recorded by django-auditlog (its middleware names the web user). Work
that does not come through a web request (API tokens, the CLI, jobs) names its actor
with :func:`acting_as`; bulk writes that bypass model saves record one summary entry
with :func:`record_bulk`.
"""

from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType


@contextmanager
def acting_as(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor):
        yield


def record_bulk(*, actor, model, summary: dict, object_repr: str) -> LogEntry:
    """One audit entry for a bulk write (e.g. an import) that did not go through save()."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=object_repr[:200],
        action=LogEntry.Action.CREATE,
        changes=summary,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
