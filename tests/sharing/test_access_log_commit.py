"""The access log's asynchronous commit on PostgreSQL: asked only for the entry's own transaction."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allies.sharing import tokens
from allies.sharing.models import AccessLog

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (run with DATABASE_URL=postgres://...)")
    tokens._INSERT_SQL.clear()
    yield connection
    tokens._INSERT_SQL.clear()


def entry_values(resource: str) -> dict:
    return {"at": timezone.now(), "user_id": None, "token_id": None, "partner_id": None, "action": AccessLog.READ,
            "resource": resource, "rows": 7, "detail": "d", "ip": "198.51.100.7"}


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def fields():
    return [f for f in AccessLog._meta.concrete_fields if not f.primary_key]


def test_outside_a_transaction_the_entry_commits_asynchronously_and_the_setting_does_not_linger(pg):
    assert pg.get_autocommit()
    with CaptureQueriesContext(pg) as queries:
        entry = tokens._insert_access_log(entry_values("async"))
    assert "set_config('synchronous_commit', 'off', true)" in queries[-1]["sql"]
    stored = AccessLog.objects.get(pk=entry.pk)
    assert (stored.resource, stored.rows, stored.detail, stored.ip, stored.action) == ("async", 7, "d",
                                                                                       "198.51.100.7", "read")
    assert synchronous_commit() == "on"  # local to the entry's own transaction


def test_the_asynchronous_statement_really_switches_its_transaction(pg):
    sql = tokens._insert_sql(pg, fields(), asynchronous=True)
    values = entry_values("probe")
    with transaction.atomic():
        with pg.cursor() as cursor:
            cursor.execute(sql, [f.get_db_prep_save(values[f.attname], pg) for f in fields()])
            assert cursor.fetchone()[0] > 0
        assert synchronous_commit() == "off"  # set_config was evaluated, not planned away
        transaction.set_rollback(True)
    assert synchronous_commit() == "on"
    assert not AccessLog.objects.filter(resource="probe").exists()


def test_inside_a_transaction_the_entry_shares_its_synchronous_commit(pg):
    with transaction.atomic():
        with CaptureQueriesContext(pg) as queries:
            tokens._insert_access_log(entry_values("in-atomic"))
        assert "set_config" not in queries[-1]["sql"]
        assert synchronous_commit() == "on"
    assert AccessLog.objects.filter(resource="in-atomic").exists()


def test_the_setting_turns_it_off(pg, settings):
    settings.ALLIES_ACCESS_LOG_ASYNC_COMMIT = False
    with CaptureQueriesContext(pg) as queries:
        tokens._insert_access_log(entry_values("durable"))
    assert "set_config" not in queries[-1]["sql"]
    assert AccessLog.objects.filter(resource="durable").exists()
