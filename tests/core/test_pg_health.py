"""The PostgreSQL backend's health check: no round trip for a good connection, and a
connection the server has closed is found out before a request uses it."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgres

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend (run with DATABASE_URL=postgres://...)")
    from allies.core.postgresql.base import DatabaseWrapper

    wrapper = connections["default"]
    assert isinstance(wrapper, DatabaseWrapper)  # the settings chose it for postgres:// URLs
    wrapper.ensure_connection()
    return wrapper


def test_a_good_connection_is_usable_without_asking_the_server(pg, monkeypatch):
    def round_trip(self):
        raise AssertionError("SELECT 1 was sent")

    monkeypatch.setattr(DjangoPostgres, "is_usable", round_trip)
    assert pg.is_usable() is True


def test_a_connection_the_server_closed_is_not_usable_and_is_replaced(pg):
    import psycopg

    pid = pg.connection.info.backend_pid
    params = pg.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k not in ("cursor_factory", "context")},
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(50):  # the server's goodbye reaches the socket
        if not pg.is_usable():
            break
        time.sleep(0.05)
    assert pg.is_usable() is False
    # what Django does at the start of a request: the dead connection is closed, a new one opened
    pg.health_check_done = False
    pg.close_if_health_check_failed()
    with pg.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
