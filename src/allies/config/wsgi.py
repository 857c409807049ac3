"""WSGI entry point (gunicorn allies.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allies.config.settings")
application = get_wsgi_application()

from allies.core.checks import assert_production_ready  # noqa: E402  (needs the app registry)

assert_production_ready()
