"""Production guard rails: refuse to serve with demo accounts present.

The secret-key and DEBUG rules are enforced when settings load (allies.config.settings);
demo accounts need the database, so they are checked when a server starts.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import DatabaseError


def production_problems() -> list[str]:
    """What stops this installation from running as production, in plain words."""
    if not settings.PRODUCTION:
        return []
    from allies.core.models import User

    try:
        demo = list(User.objects.filter(is_demo=True).values_list("username", flat=True)[:5])
    except DatabaseError:
        return []
    if demo:
        return [
            "demo accounts are present (" + ", ".join(demo) + "): delete them or start from a database "
            "that `allies demo` never touched"
        ]
    return []


def assert_production_ready() -> None:
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured("Allies refuses to start in production: " + "; ".join(problems))


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    return [Error(p, id="allies.E001") for p in production_problems()]
