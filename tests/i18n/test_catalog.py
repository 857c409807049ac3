"""The English catalog is complete and up to date: no user-visible Chinese string lacks English."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "allies"
PO_FILE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.nodb


def _catalog() -> polib.POFile:
    assert PO_FILE.exists(), f"missing {PO_FILE}: run `make messages`"
    return polib.pofile(str(PO_FILE))


def _translation(entry):
    """The English of an entry: its msgstr, or all its plural forms for a msgid_plural entry."""
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def _filled(entry) -> bool:
    english = _translation(entry)
    return not entry.fuzzy and (all(english) if isinstance(english, tuple) else bool(english))


def test_every_english_translation_is_filled_in():
    untranslated = [e.msgid for e in _catalog() if not e.obsolete and not _filled(e)]
    assert untranslated == [], f"{len(untranslated)} strings lack English, e.g. {untranslated[:5]}"


def test_compiled_catalog_matches_the_po_file():
    mo = polib.mofile(str(PO_FILE.with_suffix(".mo")))
    compiled = {e.msgid: _translation(e) for e in mo}
    source = {e.msgid: _translation(e) for e in _catalog() if not e.obsolete and _filled(e)}
    assert compiled == source, "django.mo is stale: run `make messages`"


def test_catalog_has_every_message_in_the_code(tmp_path):
    """Extract the messages afresh (xgettext) and check each one is in the committed catalog."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs GNU gettext (xgettext) to check the catalog")
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "allies"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.rmtree(copy / "locale" / "en")
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "allies.config.settings"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy, env=env, check=True, capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in _catalog() if not e.obsolete}
    missing = sorted(fresh - known)
    assert missing == [], f"{len(missing)} messages are not in the catalog (run `make messages`): {missing[:5]}"
