"""The domain package is pure Python + numpy: importing it must never load Django."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import allies.domain

SRC = Path(__file__).resolve().parents[2] / "src"

CHECK = """
import importlib, pkgutil, sys
import allies.domain
import allies.domain.scoring
names = [m.name for m in pkgutil.walk_packages(allies.domain.__path__, "allies.domain.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not loaded, loaded
print(",".join(names))
"""


def domain_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(allies.domain.__path__, "allies.domain.")]


def test_domain_imports_without_django():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    imported = result.stdout.strip().split(",")
    assert "allies.domain.scoring" in imported
    assert imported == domain_modules()


def test_the_check_would_notice_django():
    # The same check fails once something drags Django in, so a pass above means something.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-c", "import django.utils.functional\n" + CHECK],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode != 0
    assert "django" in result.stderr
