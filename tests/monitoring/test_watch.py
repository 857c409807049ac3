"""The early-warning rules over real data, raised once per condition (also by two runs at once),
and `allies watch` as cron runs it."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from typer.testing import CliRunner

from allies.agreements.selectors import Deadline
from allies.cli.main import app
from allies.monitoring import services
from allies.monitoring.models import Alert, Delivery
from allies.monitoring.watch import watch_run

from .conftest import month_back, write_monthly_sales



@pytest.fixture
def today():
    """The local date when the test runs (not when it was collected: a CI run may cross midnight in
    Asia/Shanghai). Passed to watch_run so a test and the rules agree on the day."""
    return timezone.localdate()


def test_a_sales_drop_against_the_trailing_mean_raises_one_alert(alliance, partner_a, manager, today):
    # given: steady sales, then the last complete month falls by 40 %
    write_monthly_sales(manager, partner_a, [100_000_00, 104_000_00, 98_000_00, 102_000_00, 60_000_00],
                        today=today)
    # when
    summary = watch_run(today=today, deliver=False)
    # then
    assert not summary.failures
    alert = Alert.objects.get(rule="metric_drop")
    p = alert.evidence["params"]
    assert p["value"] == 60_000 and p["trailing_mean"] == pytest.approx(101_333.33, rel=1e-4)
    assert p["change"] == pytest.approx(60_000 / 101_333.333 - 1, rel=1e-4)
    assert alert.severity == "critical"  # also under the EWMA control limit
    assert alert.evidence["series"]["values"][-1] == 60_000
    assert alert.partner == partner_a and alert.owner == manager
    assert "伙伴A销售额下滑 41%" in alert.title
    assert alert.dedupe_key == f"metric_drop:sales:{alliance.pk}:{partner_a.pk}:{month_back(today, 1):%Y-%m}"

    # the same condition on the next runs: no second alert
    again = watch_run(today=today, deliver=False)
    assert again.raised == [] and again.already_known >= 1
    assert Alert.objects.filter(rule="metric_drop").count() == 1


def test_steady_sales_raise_nothing(alliance, partner_a, manager):
    write_monthly_sales(manager, partner_a, [100_00, 101_00, 99_00, 100_00, 98_00])
    assert watch_run(deliver=False).raised == []


def test_sales_not_received_for_last_month(alliance, partner_a, manager, today):
    later = month_back(today, -1).replace(day=20)  # the 20th of next month: this month is complete and due
    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00], today=today)  # nothing for this month
    watch_run(today=later, deliver=False)
    alert = Alert.objects.get(rule="sales_missing")
    assert alert.evidence["params"]["month"] == f"{month_back(later, 1):%Y-%m}"
    # before the grace days are over, it is not yet missing
    Alert.objects.all().delete()
    watch_run(today=later.replace(day=5), deliver=False)
    assert not Alert.objects.filter(rule="sales_missing").exists()


def test_kpi_below_target_by_its_margin(alliance, manager):
    evaluation = services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=2026,
                                            number=1)
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "联合活动场次", "unit": "场", "target": 10, "actual": 8.5})  # 85 %: under 90 %, over 80 %
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "转化率", "unit": "%", "target": 5, "actual": 4.6})  # 92 %: fine
    watch_run(deliver=False)
    alert = Alert.objects.get(rule="kpi_below_target")
    assert alert.severity == "warning" and "联合活动场次" in alert.title
    assert alert.evidence["params"]["attainment"] == pytest.approx(0.85)


def test_survey_dimension_low_and_sides_diverging(alliance, manager, partner_a, make_user, scores):
    evaluation = services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=2026,
                                            number=2)
    survey = services.survey_send(actor=manager, evaluation=evaluation, recipients=[])
    for i in range(3):
        services.survey_answer(actor=make_user(f"s{i}", "manager"), survey=survey, scores=scores(4))
        services.survey_answer(actor=make_user(f"p{i}", "partner", partner=partner_a), survey=survey,
                               scores=scores(4, fairness=1, communication=2))
    watch_run(deliver=False)
    rules = sorted(Alert.objects.values_list("rule", "evidence__params__dimension"))
    assert rules == [("survey_divergence", "communication"), ("survey_divergence", "fairness"),
                     ("survey_low", "fairness")]  # fairness mean 2.5 < 3; communication mean 3.0 is not low


def test_agreement_deadline_from_the_agreements_stage(alliance, manager, monkeypatch, today):
    from allies.agreements import selectors

    notice = today + timedelta(days=10)
    monkeypatch.setattr(selectors, "upcoming_deadlines",
                        lambda *, today, within_days: [Deadline(alliance, "notice", notice)])
    watch_run(today=today, deliver=False)
    alert = Alert.objects.get(rule="agreement_deadline")
    assert alert.severity == "critical" and alert.evidence["params"]["days"] == 10


def test_overdue_action_items_from_governance(alliance, manager, today):
    from allies.governance.models import ActionItem

    ActionItem.objects.create(agreement=alliance, title="提交联合营销方案", owner=manager,
                              due_date=today - timedelta(days=3), status="open")
    watch_run(today=today, deliver=False)
    alert = Alert.objects.get(rule="action_overdue")
    assert alert.owner == manager and alert.evidence["params"]["days"] == 3


def test_a_broken_rule_is_reported_and_the_others_still_run(alliance, partner_a, manager, monkeypatch):
    from allies.monitoring import watch

    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])

    def broken(today):
        raise RuntimeError("数据源不可用")
        yield  # pragma: no cover

    monkeypatch.setattr(watch, "DETECTORS", [("kpi_below_target", broken), *watch.DETECTORS[1:]])
    summary = watch_run(deliver=False)
    assert summary.failures == [("kpi_below_target", "RuntimeError: 数据源不可用")]
    assert Alert.objects.filter(rule="metric_drop").count() == 1


def test_allies_watch_cli_summary_idempotent_and_exit_codes(alliance, partner_a, manager, monkeypatch):
    from allies.monitoring import watch

    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])
    runner = CliRunner()
    first = runner.invoke(app, ["watch", "--no-deliver"])
    assert first.exit_code == 0, first.output
    assert "新预警 1 条" in first.output
    second = runner.invoke(app, ["watch", "--no-deliver", "--lang", "en"])
    assert second.exit_code == 0
    assert "New alerts: 0" in second.output
    assert Alert.objects.count() == 1
    assert runner.invoke(app, ["watch", "--today", "2026-13-01"]).exit_code == 2

    def broken(today):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(watch, "DETECTORS", [("metric_drop", broken)])
    failed = runner.invoke(app, ["watch", "--quiet"])
    assert failed.exit_code == 1
    assert "boom" in failed.output


@pytest.mark.django_db(transaction=True)
def test_two_watch_runs_at_the_same_moment_raise_each_condition_once(partner_a, manager):
    if connection.vendor == "sqlite":
        # The test database is SQLite's shared-cache in-memory one, which answers a concurrent
        # writer with "table is locked" at once instead of waiting (a file database waits for
        # its busy timeout). CI runs this test on PostgreSQL.
        pytest.skip("concurrent writers need a server database (run with DATABASE_URL=postgres://...)")
    from .conftest import make_agreement

    make_agreement(partner_a, "AL-T", manager)
    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(watch_run(deliver=False))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(not r.failures for r in results), (errors, [r.failures for r in results])
    assert Alert.objects.filter(rule="metric_drop").count() == 1
    assert sum(len(r.raised) for r in results) == 1


def test_a_new_alert_is_delivered_once_by_email(alliance, partner_a, manager, settings,
                                                django_capture_on_commit_callbacks):
    from django.core import mail

    manager.email = "wang@example.com"
    manager.save()
    settings.ALLIES_ALERT_EMAILS = "ops@example.com"
    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])
    with django_capture_on_commit_callbacks(execute=True):
        watch_run()
    with django_capture_on_commit_callbacks(execute=True):
        watch_run()
    assert sorted(Delivery.objects.values_list("recipient", "status")) == [("ops@example.com", "sent"),
                                                                          ("wang@example.com", "sent")]
    assert len(mail.outbox) == 2
    assert "伙伴A销售额下滑" in mail.outbox[0].subject
