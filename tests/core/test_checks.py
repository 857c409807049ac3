"""Production guard rails that need the database: demo accounts."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from allies.core.checks import assert_production_ready, demo_accounts_check, production_problems

pytestmark = pytest.mark.django_db


@override_settings(PRODUCTION=True)
def test_demo_account_in_production_is_a_problem(make_user, manager):
    make_user("demo-manager", "manager", is_demo=True)
    problems = production_problems()
    assert len(problems) == 1
    assert "demo-manager" in problems[0]
    assert "manager," not in problems[0] and "(demo-manager)" in problems[0]  # the real account is not named
    with pytest.raises(ImproperlyConfigured, match="demo-manager"):
        assert_production_ready()
    [error] = demo_accounts_check()
    assert error.id == "allies.E001"
    assert "demo-manager" in error.msg


@override_settings(PRODUCTION=True)
def test_no_demo_accounts_no_problem(manager, admin_user):
    assert production_problems() == []
    assert_production_ready()
    assert demo_accounts_check() == []


@override_settings(PRODUCTION=False)
def test_demo_accounts_are_fine_outside_production(make_user):
    make_user("demo", "manager", is_demo=True)
    assert production_problems() == []
    assert demo_accounts_check() == []


@override_settings(PRODUCTION=True)
def test_many_demo_accounts_are_named(make_user):
    for i in range(3):
        make_user(f"demo{i}", "viewer", is_demo=True)
    [problem] = production_problems()
    assert all(f"demo{i}" in problem for i in range(3))
