"""Playwright on Debian's Chromium against pytest-django's live_server.

pytest-playwright cannot download browsers here, so the launch uses the chromium found on
PATH. The browser pretends to be an English one (locale en-US): the UI must still be
Chinese until the user picks English with the switch.
"""

import importlib
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("ALLIES_SCREENSHOTS")  # a directory: save a screenshot of each page the tests look at

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(autouse=True)
def shipped_models(transactional_db):
    """The screening models the data migration installs, back after the previous test's flush.

    live_server tests run in transactional mode, which empties every table after each test.
    serialized_rollback would restore the migration's rows, but not reliably next to
    Playwright: while its sync API runs, asyncio sees a running loop in the main thread, so
    Django's thread-critical connection storage switches to a new connection object that
    lacks the serialized contents (when other DB tests set the database up first).
    """
    from django.apps import apps

    importlib.import_module("allies.partners.migrations.0002_shipped_models").install(apps, None)


@pytest.fixture
def login(page, live_server):
    """Log in through the login form; returns a function taking the user."""

    def do(user):
        page.goto(live_server.url + "/login/")
        main = page.locator("main")
        main.get_by_label(re.compile("用户名|Username")).fill(user.username)
        main.get_by_label(re.compile("密码|Password")).fill("pw-" + user.username)
        main.locator("button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        return page

    return do


@pytest.fixture
def snap(page):
    """Save a full-page screenshot when ALLIES_SCREENSHOTS names a directory."""

    def do(name):
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)

    return do
