"""Shared fixtures: users of every role, partners, and a logged-in client per role."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API inside live_server tests

NODB_DIRS = ("domain", "cli")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_configure(config):
    """Tests create many users; the production password hasher costs ~0.3 s per user."""
    from django.conf import settings

    if settings.configured:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # Tasks run in-process during tests (the same django-tasks API, without a worker).
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).parent
    for item in items:
        rel = Path(item.fspath).relative_to(root).parts
        if rel and rel[0] in NODB_DIRS:
            item.add_marker(pytest.mark.nodb)
        if rel and rel[0] == "browser":
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                if os.environ.get("CI") == "true":
                    raise pytest.UsageError(
                        "CI=true but Debian's chromium is not installed: the browser tests cannot be skipped in CI "
                        "(apt-get install -y chromium)"
                    )
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install -y "
                                                        "chromium); browser test skipped"))


@pytest.fixture
def make_user(db):
    from allies.core.models import User

    def make(username, role, partner=None, **extra):
        return User.objects.create_user(username=username, password="pw-" + username, role=role, partner=partner,
                                        **extra)

    return make


@pytest.fixture
def partner_a(db):
    from allies.partners.models import Partner

    return Partner.objects.create(name="伙伴A", industry="智能硬件")


@pytest.fixture
def partner_b(db):
    from allies.partners.models import Partner

    return Partner.objects.create(name="伙伴B", industry="电商平台")


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", "admin", is_staff=True, is_superuser=True)


@pytest.fixture
def manager(make_user):
    return make_user("manager", "manager")


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", "viewer")


@pytest.fixture
def partner_user(make_user, partner_a):
    return make_user("pa", "partner", partner=partner_a)


@pytest.fixture
def other_partner_user(make_user, partner_b):
    return make_user("pb", "partner", partner=partner_b)


@pytest.fixture
def client_for(client):
    """A Django test client logged in as the given user (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _media_in_tmp(request, tmp_path_factory):
    """Uploaded files (evidence, imports) go to a temporary folder, never into var/."""
    if not any(name in request.fixturenames for name in ("db", "transactional_db", "live_server")):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield
