"""Fixtures for the pilot tests: a pilot period fully in the past, pilots with the spec's KPIs, stage gates."""

from datetime import timedelta

import pytest
from django.utils import timezone

# The pilot period: 100 days ending three weeks ago, so every day in it may carry a measurement.
END = timezone.localdate() - timedelta(days=21)
START = END - timedelta(days=100)
SPEC_KPIS = [
    {"code": "customer_acquisition_cost", "unit": "元", "baseline": "200", "target": "150"},
    {"code": "conversion_rate", "unit": "%", "baseline": "2", "target": "5"},
    {"code": "revenue_share", "unit": "万元", "baseline": "0", "target": "40"},
]


def day(n: int):
    """The n-th day of the pilot period (day 0 is the start, day 100 the end)."""
    return START + timedelta(days=n)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_stage_gates(monkeypatch):
    """Start from no stage rules, whatever other apps register; tests add the rules they need."""
    from allies.partners import gates

    monkeypatch.setattr(gates, "_GATES", {})


@pytest.fixture
def gate():
    """``gate(to_stage, reason)`` registers a rule that blocks every move into ``to_stage``."""
    from allies.partners import gates

    def register(to_stage: str, reason: str = "测试规则：尚未满足"):
        gates.register(gates.Gate(key=f"test.{to_stage}", to_stage=to_stage, rule=reason,
                                  check=lambda partner: reason))

    return register


@pytest.fixture
def make_pilot(manager):
    """``make_pilot(*partners, kpis=SPEC_KPIS, **fields)`` creates a planned pilot through the service."""
    from allies.pilots import services

    def make(*partners, kpis=None, actor=None, **fields):
        data = {"title": "华东区联合营销试点", "goal": "验证联合营销的获客效率", "scope": "华东一个区域",
                "start_date": START, "end_date": END, "partner_ids": [p.pk for p in partners], **fields}
        return services.pilot_create(actor=actor or manager, data=data, kpis=SPEC_KPIS if kpis is None else kpis)

    return make


@pytest.fixture
def pilot(make_pilot, partner_a):
    return make_pilot(partner_a)


@pytest.fixture
def running(pilot, manager):
    from allies.pilots import services

    return services.pilot_start(actor=manager, pilot=pilot)


def kpi_of(pilot, code: str):
    return pilot.kpis.get(code=code)
