"""Writing sales rows through the API: all or nothing, upserts by external id, the monthly roll-up kept
equal to a fresh aggregate, who may write for whom, and Idempotency-Key replays and conflicts."""

import json
from datetime import date

import pytest

from allies.sharing.models import AccessLog, IdempotencyKey, SalesImport, SalesMonthly, SalesRecord
from allies.sharing.tokens import token_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/sales"


def row(ext, day="2026-01-10", product="智能音箱", amount=19900, **extra):
    return {"external_id": ext, "date": day, "product": product, "quantity": "2", "amount": amount, **extra}


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_partner_user_writes_its_own_rows(client_for, partner_user, partner_a, assert_rollup_fresh):
    response = post(client_for(partner_user), {"rows": [row("R-1"), row("R-2", amount=100, cost=50,
                                                                         customer="客户甲", channel="线下")]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["rows"]) == (2, 0, 2)
    assert SalesImport.objects.get(pk=body["upload_id"]).filename == "API"
    assert set(SalesRecord.objects.values_list("partner_id", "external_id", "amount")) == {
        (partner_a.pk, "R-1", 19900), (partner_a.pk, "R-2", 100)}
    assert assert_rollup_fresh() == {(partner_a.pk, date(2026, 1, 1), "智能音箱", "CNY"): (2, 4, 20000, 50)}
    entry = AccessLog.objects.get()
    assert (entry.user, entry.partner, entry.action, entry.resource, entry.rows) == (
        partner_user, partner_a, "write", "sales", 2)


def test_same_external_ids_update_instead_of_duplicating(client_for, manager, partner_a, partner_b,
                                                         assert_rollup_fresh):
    client = client_for(manager)
    post(client, {"partner_id": partner_a.pk, "rows": [row("U-1"), row("U-2", product="扫地机")]})
    post(client, {"partner_id": partner_b.pk, "rows": [row("U-1", amount=5)]})  # same id, other partner

    # a row moves to another month and product; another changes its amount; a third is new
    response = post(client, {"partner_id": partner_a.pk, "rows": [
        row("U-1", day="2026-03-02", product="耳机", amount=300), row("U-2", product="扫地机", amount=700),
        row("U-3", day="2026-03-09", product="耳机", amount=1)]})

    assert (response.json()["created"], response.json()["updated"]) == (1, 2)
    assert SalesRecord.objects.filter(partner=partner_a).count() == 3
    assert SalesRecord.objects.get(partner=partner_a, external_id="U-1").date == date(2026, 3, 2)
    assert SalesRecord.objects.get(partner=partner_b, external_id="U-1").amount == 5
    rollup = assert_rollup_fresh()
    assert rollup[(partner_a.pk, date(2026, 1, 1), "扫地机", "CNY")] == (1, 2, 700, 0)
    assert rollup[(partner_a.pk, date(2026, 3, 1), "耳机", "CNY")] == (2, 4, 301, 0)
    assert (partner_a.pk, date(2026, 1, 1), "智能音箱", "CNY") not in rollup  # its only row moved away


def test_roll_up_stays_fresh_over_many_random_writes(client_for, manager, partner_a, assert_rollup_fresh):
    import random

    rng = random.Random(7)
    client = client_for(manager)
    for _batch in range(6):
        rows = [row(f"Z-{rng.randint(1, 40)}", day=f"2026-{rng.randint(1, 4):02d}-{rng.randint(1, 28):02d}",
                    product=rng.choice(["甲", "乙", "丙"]), amount=rng.randint(0, 10**6),
                    cost=rng.randint(0, 1000), quantity=str(rng.randint(1, 9)))
                for _i in range(15)]
        unique = list({r["external_id"]: r for r in rows}.values())
        assert post(client, {"partner_id": partner_a.pk, "rows": unique}).status_code == 200
        assert_rollup_fresh()
    assert SalesMonthly.objects.exists()


@pytest.mark.parametrize(("bad", "field"), [
    ({"quantity": "-1"}, "quantity"), ({"date": "2026-02-30"}, "date"), ({"amount": -1}, "amount"),
    ({"currency": "cny"}, "currency"), ({"price": 1}, "price"), ({"quantity": "1.0001"}, "quantity"),
])
def test_schema_errors_are_422_and_write_nothing(client_for, partner_user, counts, bad, field):
    before = counts()
    response = post(client_for(partner_user), {"rows": [row("OK-1"), {**row("BAD-1"), **bad}]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(e["field"].endswith(field) for e in body["details"]["errors"]), body
    assert counts() == before


def test_business_rule_errors_list_every_bad_row(client_for, partner_user, counts):
    before = counts()
    response = post(client_for(partner_user), {"rows": [
        row("OK-1"), row("=BAD", currency="CNY"), row("OK-2", currency="USD"), row("OK-1"), row("X", currency="ABC")]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_invalid"
    found = {(e["row"], e["column"]) for e in body["details"]["errors"]}
    assert found == {(2, "external_id"), (3, "currency"), (4, "external_id"), (5, "currency")}
    assert body["details"]["error_count"] == 4
    assert counts() == before


def test_unknown_top_level_field_and_too_many_rows_are_422(client_for, manager, partner_a, counts):
    client = client_for(manager)
    assert post(client, {"partner_id": partner_a.pk, "rows": [row("A")], "mode": "x"}).status_code == 422
    rows = [row(f"N-{i}") for i in range(10_001)]
    response = post(client, {"partner_id": partner_a.pk, "rows": rows})
    assert response.status_code == 422 and response.json()["details"]["errors"][0]["field"] == "payload.rows"
    assert counts()["rows"] == 0


def test_staff_must_name_an_existing_partner(client_for, manager, counts):
    client = client_for(manager)
    response = post(client, {"rows": [row("A")]})
    assert response.status_code == 422 and response.json()["details"]["errors"][0]["field"] == "partner_id"
    assert post(client, {"partner_id": 99999, "rows": [row("A")]}).status_code == 404
    assert counts()["rows"] == 0


def test_partner_user_cannot_write_for_another_partner(client_for, partner_user, partner_b, counts):
    response = post(client_for(partner_user), {"partner_id": partner_b.pk, "rows": [row("A")]})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert counts()["rows"] == 0


def test_viewer_cannot_write(client_for, viewer, partner_a, counts):
    response = post(client_for(viewer), {"partner_id": partner_a.pk, "rows": [row("A")]})
    assert response.status_code == 403
    assert counts()["rows"] == 0


# --------------------------------------------------------------------------- Idempotency-Key


def test_replay_returns_the_stored_answer_and_writes_nothing_more(client_for, partner_user, partner_a):
    client = client_for(partner_user)
    body = {"rows": [row("I-1"), row("I-2")]}
    first = post(client, body, **{"Idempotency-Key": "batch-42"})
    SalesRecord.objects.filter(external_id="I-1").update(amount=1)  # changed since, e.g. by another batch

    again = post(client, body, **{"Idempotency-Key": "batch-42"})

    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert SalesRecord.objects.get(external_id="I-1").amount == 1  # the replay did not write again
    assert SalesImport.objects.count() == 1
    assert IdempotencyKey.objects.get().status == 200


def test_same_key_with_another_payload_is_422(client_for, partner_user):
    client = client_for(partner_user)
    post(client, {"rows": [row("I-1")]}, **{"Idempotency-Key": "k1"})
    response = post(client, {"rows": [row("I-1", amount=5)]}, **{"Idempotency-Key": "k1"})
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert response.json()["details"]["errors"][0]["field"] == "Idempotency-Key"
    assert SalesRecord.objects.get().amount == 19900


def test_keys_belong_to_their_principal(client_for, partner_user, other_partner_user, partner_b):
    post(client_for(partner_user), {"rows": [row("I-1")]}, **{"Idempotency-Key": "shared-name"})
    response = post(client_for(other_partner_user), {"rows": [row("I-1", amount=7)]},
                    **{"Idempotency-Key": "shared-name"})
    assert response.status_code == 200 and response.json()["created"] == 1
    assert SalesRecord.objects.get(partner=partner_b).amount == 7


def test_a_refused_request_does_not_use_up_its_key(client_for, partner_user):
    client = client_for(partner_user)
    assert post(client, {"rows": [row("I-1", currency="ABC")]}, **{"Idempotency-Key": "k2"}).status_code == 422
    assert post(client, {"rows": [row("I-1")]}, **{"Idempotency-Key": "k2"}).status_code == 200
    assert SalesRecord.objects.count() == 1


def test_token_writes_are_logged_with_the_token(client, partner_user, partner_a):
    from django.test import Client

    plaintext = token_create(actor=partner_user).plaintext
    api = Client(headers={"Authorization": f"Bearer {plaintext}"})
    response = api.post(URL, data=json.dumps({"rows": [row("T-1")]}), content_type="application/json")
    assert response.status_code == 200, response.content
    entry = AccessLog.objects.get()
    assert (entry.token.user, entry.partner, entry.rows) == (partner_user, partner_a, 1)
