"""Fixtures for the core tests."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(request):
    """The user fixtures hash passwords; PBKDF2's default work factor costs ~0.5 s per user."""
    if "db" not in request.fixturenames:
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
