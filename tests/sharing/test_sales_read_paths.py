"""The fast read paths of the sales API give exactly what the ORM gives: compiled SQL reused per request
shape (also across partners, who must still see only their own rows), the one-query token check, the
plain access-log INSERT, the query count of a page; plus the housekeeping sweep and Idempotency-Key expiry."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allies.sharing import compiled, sales
from allies.sharing.models import AccessLog, ApiToken, IdempotencyKey, SalesImport, SalesRecord
from allies.sharing.tokens import _token_with_user, token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db


def rows_for(prefix, specs):
    return [{"external_id": f"{prefix}-{i}", "date": day, "product": product, "customer": customer,
             "quantity": quantity, "amount": amount, "cost": amount // 3, "currency": "CNY", "channel": "线上"}
            for i, (day, product, customer, amount, quantity) in enumerate(specs)]


A_ROWS = [(date(2026, 1, d), "音箱" if d % 2 else "耳机", "甲客户" if d % 3 else "乙客户", 100 * d, f"{d}.125")
          for d in range(1, 29)]
B_ROWS = [(date(2026, 1, d), "路由器", "丙客户", 7 * d, "1") for d in range(1, 11)]


@pytest.fixture
def seeded(manager, partner_a, partner_b):
    sales.sales_rows_write(actor=manager, partner=partner_a, rows=rows_for("A", A_ROWS))
    sales.sales_rows_write(actor=manager, partner=partner_b, rows=rows_for("B", B_ROWS))
    compiled.clear()
    return partner_a, partner_b


def orm_page(user, bounds, **filters):
    qs = sales.sales_rows(user, **filters)
    return list(qs[bounds]), qs.count()


def normalised(rows):
    """What the API writes of rows: driver values (SQLite: float quantity, naive UTC datetime) and ORM values alike."""
    from allies.sharing.api_sales import _page_json

    return json.loads(_page_json(0, [dict(r) for r in rows]).content)["items"]


SHAPES = [
    ({}, slice(0, 50)),
    ({"date_from": date(2026, 1, 5), "date_to": date(2026, 1, 20)}, slice(0, 5)),
    ({"date_from": date(2026, 1, 5), "date_to": date(2026, 1, 20)}, slice(5, 10)),
    ({"product": "音箱", "ordering": "amount"}, slice(0, 3)),
    ({"customer": "乙客户", "ordering": "-amount"}, slice(0, 100)),
    ({"date_to": date(2026, 1, 9), "ordering": "date"}, slice(2, 6)),
    ({"product": "没有这个"}, slice(0, 10)),
]


@pytest.mark.parametrize("who", ["manager", "partner_user", "other_partner_user"])
def test_page_from_reused_sql_equals_the_orm(request, seeded, who):
    user = request.getfixturevalue(who)
    for filters, bounds in SHAPES:
        expected_rows, expected_count = orm_page(user, bounds, **filters)
        for attempt in range(3):  # the first compiles and keeps the SQL, the others reuse it
            rows, count = sales.sales_page(user, bounds=bounds, **filters)
            assert (normalised(rows), count) == (normalised(expected_rows), expected_count), (filters, attempt)
    assert compiled.stats["hits"] > 0


def test_reused_sql_keeps_each_partner_to_its_own_rows(seeded, partner_user, other_partner_user):
    a, b = seeded
    bounds = slice(0, 100)
    first, _ = sales.sales_page(partner_user, bounds=bounds)  # compiles the shape with A's id
    hits = compiled.stats["hits"]
    second, count = sales.sales_page(other_partner_user, bounds=bounds)  # same shape, B's id
    assert compiled.stats["hits"] > hits
    assert {r["partner_id"] for r in first} == {a.pk} and len(first) == len(A_ROWS)
    assert {r["partner_id"] for r in second} == {b.pk} and count == len(B_ROWS)
    assert sales.sales_page(other_partner_user, bounds=bounds, partner_id=a.pk) == ([], 0)


def test_reused_sql_follows_a_new_grant_at_once(seeded, manager, partner_user, other_partner_user):
    a, b = seeded
    bounds = slice(0, 100)
    assert sales.sales_page(other_partner_user, bounds=bounds)[1] == len(B_ROWS)
    sales.sharing_grant_set(actor=manager, grantor_id=a.pk, grantee_id=b.pk, level="rows")
    rows, count = sales.sales_page(other_partner_user, bounds=bounds)
    assert count == len(A_ROWS) + len(B_ROWS) and {r["partner_id"] for r in rows} == {a.pk, b.pk}
    sales.sharing_grant_set(actor=manager, grantor_id=a.pk, grantee_id=b.pk, level="aggregates")
    assert sales.sales_page(other_partner_user, bounds=bounds)[1] == len(B_ROWS)


def test_a_shape_whose_parameters_disagree_is_never_kept(seeded, manager):
    compiled.clear()
    build = lambda: SalesRecord.objects.filter(amount__gte=500).values("id")  # noqa: E731
    key = ("default", "test-shape")
    for _ in range(2):
        rows = compiled.values(key, build, [123])  # wrong parameters: the ORM's are [500]
        assert len(rows) == SalesRecord.objects.filter(amount__gte=500).count()
    assert key not in compiled._rows and compiled.stats["refused"] >= 2


@pytest.mark.parametrize("by", ["product", "partner"])
def test_summary_from_reused_sql_equals_a_fresh_one(seeded, manager, partner_user, by):
    for user in (manager, partner_user):
        for kwargs in ({}, {"date_from": date(2026, 1, 10), "date_to": date(2026, 1, 31)}):
            compiled.clear()
            fresh = sales.sales_summary(user, period="month", by=by, **kwargs)
            assert fresh and sales.sales_summary(user, period="month", by=by, **kwargs) == fresh
            assert compiled.stats["hits"] > 0


# --------------------------------------------------------------------------- the API request


def test_token_page_request_runs_four_queries_and_matches_the_schema(seeded, partner_user):
    a, _b = seeded
    api = Client(headers={"Authorization": f"Bearer {token_create(actor=partner_user).plaintext}"})
    url = "/api/v1/sales?date_from=2026-01-03&date_to=2026-01-25&limit=5&offset=5"
    first = api.get(url)
    refused = compiled.stats["refused"]
    with CaptureQueriesContext(connection) as queries:
        again = api.get(url)
    assert first.status_code == again.status_code == 200
    assert again["Content-Type"] == "application/json; charset=utf-8"
    assert first.json() == again.json()
    body = again.json()
    assert body["count"] == 23 and [r["date"] for r in body["items"]] == [
        "2026-01-20", "2026-01-19", "2026-01-18", "2026-01-17", "2026-01-16"]
    item = body["items"][0]
    assert item["quantity"] == "20.125" and item["updated_at"].endswith("Z") and item["partner_id"] == a.pk
    # token + user + "does anyone share with it" (nobody: no grants query), rows, count, access log
    assert len(queries) == 4, [q["sql"][:80] for q in queries.captured_queries]
    assert AccessLog.objects.filter(resource="sales", rows=5, partner=a).count() == 2
    assert compiled.stats["refused"] == refused  # every query's SQL was reused, the token query's too


def test_token_request_of_a_partner_receiving_shares_sees_them_at_once(seeded, manager, other_partner_user):
    """The token query's "nobody shares with it" answer holds for one request only: a grant made
    between two requests shows in the second, and a withdrawn one disappears."""
    a, b = seeded
    api = Client(headers={"Authorization": f"Bearer {token_create(actor=other_partner_user).plaintext}"})
    url = "/api/v1/sales?limit=100"
    assert api.get(url).json()["count"] == len(B_ROWS)
    sales.sharing_grant_set(actor=manager, grantor_id=a.pk, grantee_id=b.pk, level="rows")
    with CaptureQueriesContext(connection) as queries:
        body = api.get(url).json()
    assert body["count"] == len(A_ROWS) + len(B_ROWS)
    assert {r["partner_id"] for r in body["items"]} == {a.pk, b.pk}
    assert any("sharing_sharinggrant" in q["sql"] and "EXISTS" not in q["sql"].upper()
               for q in queries.captured_queries)  # with a grant, the grants are read
    sales.sharing_grant_set(actor=manager, grantor_id=a.pk, grantee_id=b.pk, level="none")
    body = api.get(url).json()
    assert body["count"] == len(B_ROWS) and {r["partner_id"] for r in body["items"]} == {b.pk}


def test_token_lookup_flags_a_user_nobody_shares_with(seeded, manager, partner_user, other_partner_user):
    from allies.sharing.tokens import NO_SHARES_ATTR

    a, b = seeded
    token_b = token_create(actor=other_partner_user).token
    assert getattr(_token_with_user(token_b.key).user, NO_SHARES_ATTR, False) is True
    sales.sharing_grant_set(actor=manager, grantor_id=a.pk, grantee_id=b.pk, level="aggregates")
    user = _token_with_user(token_b.key).user
    assert not hasattr(user, NO_SHARES_ATTR)
    assert sales.shared_by(user, "aggregates") == [a.pk] and sales.shared_by(user, "rows") == []
    # a grant *to* A does not make B a receiver, nor A one of B's grants
    token_a = token_create(actor=partner_user).token
    assert getattr(_token_with_user(token_a.key).user, NO_SHARES_ATTR, False) is True


def test_token_lookup_equals_select_related(partner_user):
    issued = token_create(actor=partner_user, allowed_ips=["10.0.0.0/8"], read_only=True)
    token = _token_with_user(issued.token.key)
    expected = ApiToken.objects.select_related("user").get(key=issued.token.key)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(expected, field.attname), field.name
    for field in type(expected.user)._meta.concrete_fields:
        assert getattr(token.user, field.attname) == getattr(expected.user, field.attname), field.name
    assert token.allowed_ips == ["10.0.0.0/8"] and token.user.partner_id == partner_user.partner_id
    assert _token_with_user("0" * 12) is None


def test_revocation_is_immediate(partner_user):
    issued = token_create(actor=partner_user)
    assert token_authenticate(raw=issued.plaintext, ip="127.0.0.1") is not None
    token_revoke(actor=partner_user, token=issued.token)
    assert token_authenticate(raw=issued.plaintext, ip="127.0.0.1") is None


def test_access_log_insert_returns_the_stored_row(partner_user, partner_a):
    from django.test import RequestFactory

    from allies.sharing.tokens import log_access

    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8::1")
    request.auth = partner_user
    entry = log_access(request, partner=partner_a, action="read", resource="sales", rows=3, detail="d")
    stored = AccessLog.objects.get()
    assert entry.pk == stored.pk and not entry._state.adding
    assert (stored.user_id, stored.partner_id, stored.rows, stored.ip, stored.detail) == (
        partner_user.pk, partner_a.pk, 3, "2001:db8::1", "d")
    assert abs(stored.at - entry.at) < timedelta(seconds=1)


# --------------------------------------------------------------------------- Idempotency-Key and the sweep


def post_rows(client, body, key):
    return client.post("/api/v1/sales", json.dumps(body), content_type="application/json",
                       headers={"Idempotency-Key": key})


def row(ext, amount=100):
    return {"external_id": ext, "date": "2026-02-01", "product": "音箱", "quantity": "1", "amount": amount}


def test_reused_key_has_its_own_error_code(client_for, partner_user):
    client = client_for(partner_user)
    assert post_rows(client, {"rows": [row("K-1")]}, "k").status_code == 200
    response = post_rows(client, {"rows": [row("K-1", amount=5)]}, "k")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_an_expired_key_can_be_used_afresh(client_for, partner_user):
    client = client_for(partner_user)
    assert post_rows(client, {"rows": [row("K-1")]}, "old").status_code == 200
    IdempotencyKey.objects.update(created_at=timezone.now() - sales.IDEMPOTENCY_KEY_TTL - timedelta(minutes=1))
    response = post_rows(client, {"rows": [row("K-1", amount=5)]}, "old")
    assert response.status_code == 200 and response.json()["updated"] == 1
    assert "Idempotent-Replayed" not in response
    assert SalesRecord.objects.get().amount == 5 and IdempotencyKey.objects.count() == 1


def test_sweep_fails_stuck_imports_and_purges_old_keys(manager, partner_a):
    now = timezone.now()
    stuck = SalesImport.objects.create(partner=partner_a, filename="stuck.csv", status=SalesImport.RUNNING)
    fresh = SalesImport.objects.create(partner=partner_a, filename="fresh.csv", status=SalesImport.RUNNING)
    done = SalesImport.objects.create(partner=partner_a, filename="done.csv", status=SalesImport.SUCCEEDED)
    SalesImport.objects.filter(pk__in=[stuck.pk, done.pk]).update(created_at=now - timedelta(hours=3))
    old_key = IdempotencyKey.objects.create(key="a", principal="user:1", method="POST", path="/", request_hash="x",
                                            status=200, body={})
    IdempotencyKey.objects.filter(pk=old_key.pk).update(created_at=now - timedelta(hours=25))
    IdempotencyKey.objects.create(key="b", principal="user:1", method="POST", path="/", request_hash="x",
                                  status=200, body={})

    result = sales.sharing_sweep()

    assert result.stuck_imports == [stuck.pk] and result.expired_keys == 1
    stuck.refresh_from_db()
    assert stuck.status == SalesImport.FAILED and stuck.finished_at is not None and "重新上传" in stuck.message
    assert stuck.errors[0]["reason"] == stuck.message
    assert SalesImport.objects.get(pk=fresh.pk).status == SalesImport.RUNNING
    assert SalesImport.objects.get(pk=done.pk).status == SalesImport.SUCCEEDED
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]


def test_sweep_command(partner_a, capsys):
    SalesImport.objects.create(partner=partner_a, filename="s.csv", status=SalesImport.RUNNING)
    SalesImport.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    call_command("sharing_sweep", "--stuck-after", "60")
    assert "stuck imports marked failed: 0" in capsys.readouterr().out
    call_command("sharing_sweep", "--stuck-after", "20")
    assert "stuck imports marked failed: 1" in capsys.readouterr().out
    assert SalesImport.objects.get().status == SalesImport.FAILED


def test_count_of_whole_months_comes_from_the_rollup_and_equals_count(seeded, manager, partner_user):
    sales.sales_rows_write(actor=manager, partner=seeded[0],
                           rows=rows_for("M", [(date(2026, m, 3), "音箱", "", 10, "1") for m in (2, 3, 3, 5)]))
    for user in (manager, partner_user):
        for filters in ({"date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31)},
                        {"date_from": date(2026, 2, 1)}, {"date_to": date(2026, 2, 28), "product": "音箱"},
                        {"date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31), "partner_id": seeded[1].pk},
                        {"date_from": date(2026, 1, 2), "date_to": date(2026, 3, 31)}, {"customer": "乙客户"}):
            expected = sales.sales_rows(user, **filters).count()
            with CaptureQueriesContext(connection) as queries:
                _rows, count = sales.sales_page(user, bounds=slice(0, 2), **filters)
            assert count == expected, filters
            if len(_rows) < 2:
                continue  # the whole answer fits on the page: nothing to count
            rollup = any("salesmonthly" in q["sql"] for q in queries.captured_queries)
            assert rollup == ("customer" not in filters and filters.get("date_from") != date(2026, 1, 2)), filters


def test_written_rows_match_the_declared_schema():
    from allies.sharing.api_sales import SalesRowOut, SalesSummaryItem, _RowJson, _SummaryItemJson

    assert list(_RowJson.__annotations__) == list(SalesRowOut.model_fields)
    assert list(_SummaryItemJson.__annotations__) == list(SalesSummaryItem.model_fields)


def test_api_page_and_summary_validate_against_their_models(seeded, client_for, partner_user):
    from allies.sharing.api_sales import SalesPage, SalesSummaryOut

    client = client_for(partner_user)
    for _ in range(2):  # the ORM path, then the reused SQL
        page = client.get("/api/v1/sales", {"limit": 3, "ordering": "-amount"})
        assert SalesPage.model_validate_json(page.content).model_dump(mode="json") == page.json()
        assert page.json()["items"][0]["quantity"] == "28.125" and page.json()["count"] == len(A_ROWS)
        summary = client.get("/api/v1/sales/summary", {"by": "product", "period": "quarter"})
        assert SalesSummaryOut.model_validate_json(summary.content).model_dump(mode="json") == summary.json()
        assert {i["key"]: i["quantity"] for i in summary.json()["items"]} == {"音箱": "197.750", "耳机": "211.750"}


def test_on_postgresql_a_known_page_shape_sends_page_and_count_together(seeded, partner_user, monkeypatch):
    """Once the SQL of a page and of its count is kept, both go out in one pipeline (one round
    trip), through prepared statements, with the same answer as the ORM."""
    if connection.vendor != "postgresql":
        pytest.skip("pipeline mode is PostgreSQL's (run with DATABASE_URL=postgres://...)")
    filters, bounds = {"customer": "甲客户"}, slice(2, 6)  # not whole months: a real COUNT
    expected_rows, expected_count = orm_page(partner_user, bounds, **filters)
    sales.sales_page(partner_user, bounds=bounds, **filters)  # first time: the ORM, the SQL kept

    def one_by_one(read):
        raise AssertionError("ran one by one")

    monkeypatch.setattr(compiled, "run", one_by_one)
    with CaptureQueriesContext(connection) as queries:
        rows, count = sales.sales_page(partner_user, bounds=bounds, **filters)
    assert (normalised(rows), count) == (normalised(expected_rows), expected_count)
    sent = [q["sql"] for q in queries.captured_queries if "sharing_salesrecord" in q["sql"]]
    assert len(sent) == 2 and "COUNT(" in sent[1].upper(), sent  # the grants query aside: page, count
    assert connection.connection.pgconn.pipeline_status == 0  # the pipeline is closed again
    # both statements were prepared on this connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%sharing_salesrecord%"])
        assert cursor.fetchone()[0] >= 2
