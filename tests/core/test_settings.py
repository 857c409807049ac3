"""Settings refuse to load in production with the development secret key or DEBUG on."""

import os
import subprocess
import sys

import pytest

LONG_SECRET = "s" * 20 + "-a-long-random-production-secret-0123456789"


def setup_django(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALLIES_") and k != "DJANGO_SETTINGS_MODULE"}
    clean.update({"DJANGO_SETTINGS_MODULE": "allies.config.settings", "ALLIES_DATA_DIR": str(tmp_path),
                  "ALLIES_ENV": "production", **env})
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=clean, capture_output=True,
                          text=True, timeout=60)


def test_production_without_secret_key_refuses(tmp_path):
    result = setup_django(tmp_path)
    assert result.returncode != 0
    assert "ALLIES_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_with_short_secret_key_refuses(tmp_path):
    result = setup_django(tmp_path, ALLIES_SECRET_KEY="short")
    assert result.returncode != 0
    assert "ALLIES_SECRET_KEY" in result.stderr


def test_production_with_development_secret_key_refuses(tmp_path):
    result = setup_django(tmp_path, ALLIES_SECRET_KEY="allies-insecure-development-key-change-me")
    assert result.returncode != 0
    assert "ALLIES_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["1", "true", "on"])
def test_production_with_debug_refuses(tmp_path, debug):
    result = setup_django(tmp_path, ALLIES_SECRET_KEY=LONG_SECRET, ALLIES_DEBUG=debug)
    assert result.returncode != 0
    assert "ALLIES_DEBUG" in result.stderr
    assert "ALLIES_SECRET_KEY" not in result.stderr


def test_production_with_secret_and_no_debug_loads(tmp_path):
    result = setup_django(tmp_path, ALLIES_SECRET_KEY=LONG_SECRET)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_development_loads_without_secret(tmp_path):
    result = setup_django(tmp_path, ALLIES_ENV="development")
    assert result.returncode == 0, result.stderr
