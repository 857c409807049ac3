"""Customer registrations (客户报备): conflicts within the protection period, staff decisions, no leaks."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from allies.core.errors import DomainError, ErrorCode
from allies.partners.models import Partner
from allies.sharing import accounts
from allies.sharing.models import AccessLog, CustomerRegistration

from .test_accounts_support import BAD_USCC, USCC_OTHER, USCC_SPARK, body_text

pytestmark = pytest.mark.django_db
OTHER_SPELLING = "星火科技（集团）股份有限公司"


def register(actor, **fields):
    return accounts.registration_create(actor=actor, **fields)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def first(other_partner_user):
    """Partner B registers 星火科技 first."""
    return register(other_partner_user, customer_name=OTHER_SPELLING, customer_uscc=USCC_SPARK,
                    customer_domain="https://www.spark.example.com/", value=500_000_00, stage="proposal")


# --------------------------------------------------------------------------- conflicts


@override_settings(ALLIES_REGISTRATION_PROTECTION_DAYS=30)
def test_a_registration_is_protected_from_today(partner_user, partner_a):
    reg = register(partner_user, customer_name="星火科技有限公司", value=12_345, currency="cny",
                   expected_close=date(2027, 3, 31))
    assert (reg.partner, reg.status, reg.conflict_with, reg.currency, reg.value) == (
        partner_a, "active", None, "CNY", 12_345)
    assert reg.protected_until == timezone.localdate() + timedelta(days=30)
    assert len(reg.match_keys) == 1 and len(reg.match_keys[0]) == 32


@pytest.mark.parametrize("same", [
    {"customer_name": "星火科技有限公司"},
    {"customer_uscc": USCC_SPARK.lower()},
    {"customer_domain": "SPARK.EXAMPLE.COM"},
    {"customer_name": "另一个名字", "customer_uscc": f" {USCC_SPARK} "},
])
def test_same_customer_from_another_partner_within_the_period_is_a_conflict(partner_user, first, same):
    reg = register(partner_user, **same)
    assert (reg.status, reg.conflict_with) == ("conflict", first)
    first.refresh_from_db()
    assert first.status == "active"


def test_different_customer_or_same_partner_is_no_conflict(partner_user, other_partner_user, first):
    assert register(partner_user, customer_name="星火汽车有限公司").status == "active"
    assert register(partner_user, customer_uscc=USCC_OTHER).status == "active"
    assert register(other_partner_user, customer_name="星火科技").status == "active"  # B's second deal


def test_after_the_protection_period_it_is_no_conflict(partner_user, first):
    CustomerRegistration.objects.filter(pk=first.pk).update(protected_until=timezone.localdate() - timedelta(days=1))
    first.refresh_from_db()
    assert accounts.registration_status(first) == "expired"
    assert register(partner_user, customer_name="星火科技").status == "active"


def test_the_last_day_of_the_period_still_protects(partner_user, first):
    CustomerRegistration.objects.filter(pk=first.pk).update(protected_until=timezone.localdate())
    assert register(partner_user, customer_name="星火科技").status == "conflict"


def test_a_rejected_registration_protects_nothing(partner_user, first):
    CustomerRegistration.objects.filter(pk=first.pk).update(status="rejected")
    assert register(partner_user, customer_name="星火科技").status == "active"


def test_a_third_partner_conflicts_with_the_first_registration(partner_user, first, make_user):
    register(partner_user, customer_name="星火科技")
    third = make_user("pc", "partner", partner=Partner.objects.create(name="伙伴C"))
    assert register(third, customer_uscc=USCC_SPARK).conflict_with == first


# --------------------------------------------------------------------------- input


@pytest.mark.parametrize(("fields", "bad"), [
    ({}, {"customer_name"}),
    ({"customer_name": "甲", "customer_uscc": BAD_USCC}, {"customer_uscc"}),
    ({"customer_domain": "not a domain"}, {"customer_domain"}),
    ({"customer_name": "甲", "currency": "yuan", "stage": "dreaming", "value": -1}, {"currency", "stage", "value"}),
    ({"customer_name": "长" * 201}, {"customer_name"}),
])
def test_bad_input_names_every_field_and_writes_nothing(partner_user, fields, bad):
    with pytest.raises(DomainError) as caught:
        register(partner_user, **fields)
    assert caught.value.code == ErrorCode.VALIDATION
    assert {e["field"] for e in caught.value.details["errors"]} == bad
    assert not CustomerRegistration.objects.exists()


def test_viewers_cannot_register_and_staff_must_name_the_partner(viewer, manager, partner_a):
    with pytest.raises(DomainError) as caught:
        register(viewer, partner_id=partner_a.pk, customer_name="甲")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError):
        register(manager, customer_name="甲")
    assert register(manager, partner_id=partner_a.pk, customer_name="甲").partner == partner_a


# --------------------------------------------------------------------------- API


def test_partner_learns_of_the_conflict_without_the_other_partner(client_for, partner_user, first):
    client = client_for(partner_user)

    response = post(client, "/api/v1/registrations", {"customer_name": "星火科技有限公司", "value": 100_00,
                                                      "expected_close": "2027-06-30"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "conflict"
    assert body["notice"] == "该客户已由其他伙伴报备，将由联盟团队裁定。"
    assert (body["conflict_with_id"], body["conflict_with_partner_id"], body["conflict_with_partner_name"]) == (
        None, None, None)
    listing = client.get("/api/v1/registrations")
    for text in (body_text(response), body_text(listing), body_text(client.get(f"/api/v1/registrations/{body['id']}"))):
        assert "伙伴B" not in text and OTHER_SPELLING not in text and f'"id": {first.pk},' not in text
    assert [i["id"] for i in listing.json()["items"]] == [body["id"]]


def test_staff_see_who_conflicts(client_for, manager, partner_user, partner_b, first):
    reg = register(partner_user, customer_name="星火科技")
    body = client_for(manager).get(f"/api/v1/registrations/{reg.pk}").json()
    assert (body["conflict_with_id"], body["conflict_with_partner_id"], body["conflict_with_partner_name"]) == (
        first.pk, partner_b.pk, "伙伴B")


def test_other_partners_registration_is_404_and_unchanged(client_for, partner_user, first):
    client = client_for(partner_user)
    assert client.get(f"/api/v1/registrations/{first.pk}").status_code == 404
    assert patch(client, f"/api/v1/registrations/{first.pk}", {"stage": "lost"}).status_code == 404
    assert post(client, f"/api/v1/registrations/{first.pk}/decision",
                {"winner": "new", "note": "x"}).status_code == 404
    first.refresh_from_db()
    assert (first.stage, first.status) == ("proposal", "active")


def test_partner_moves_its_own_deal_on(client_for, partner_user):
    reg = register(partner_user, customer_name="甲客户")
    client = client_for(partner_user)
    response = patch(client, f"/api/v1/registrations/{reg.pk}", {"stage": "won", "value": 99_00})
    assert response.status_code == 200
    reg.refresh_from_db()
    assert (reg.stage, reg.value) == ("won", 99_00)
    assert patch(client, f"/api/v1/registrations/{reg.pk}", {"stage": "dreaming"}).status_code == 422
    assert patch(client, f"/api/v1/registrations/{reg.pk}", {"status": "approved"}).status_code == 422
    reg.refresh_from_db()
    assert (reg.stage, reg.status) == ("won", "active")
    assert list(AccessLog.objects.filter(resource="registration").values_list("action", flat=True)) == ["write"]


@pytest.mark.parametrize(("winner", "new_status", "first_status"), [("new", "approved", "rejected"),
                                                                    ("existing", "rejected", "approved")])
def test_staff_decide_a_conflict(client_for, manager, partner_user, first, winner, new_status, first_status):
    reg = register(partner_user, customer_name="星火科技")

    response = post(client_for(manager), f"/api/v1/registrations/{reg.pk}/decision",
                    {"winner": winner, "note": "按报备材料裁定"})

    assert response.status_code == 200, response.content
    reg.refresh_from_db()
    first.refresh_from_db()
    assert (reg.status, first.status) == (new_status, first_status)
    assert (reg.decided_by, first.decided_by, reg.decision_note) == (manager, manager, "按报备材料裁定")
    # decided: no second decision, and a rejected claim is closed for its partner
    again = post(client_for(manager), f"/api/v1/registrations/{reg.pk}/decision", {"winner": "new", "note": "再改"})
    assert again.status_code == 409
    loser = reg if new_status == "rejected" else None
    if loser:
        assert patch(client_for(partner_user), f"/api/v1/registrations/{reg.pk}", {"stage": "won"}).status_code == 409
    partner_view = client_for(partner_user).get(f"/api/v1/registrations/{reg.pk}").json()
    assert (partner_view["status"], partner_view["notice"], partner_view["decision_note"]) == (
        new_status, "", "按报备材料裁定")


def test_deciding_needs_a_writer_and_a_note(client_for, manager, viewer, partner_user, first):
    reg = register(partner_user, customer_name="星火科技")
    url = f"/api/v1/registrations/{reg.pk}/decision"
    assert post(client_for(partner_user), url, {"winner": "new", "note": "自己批"}).status_code == 403
    assert post(client_for(viewer), url, {"winner": "new", "note": "只读"}).status_code == 403
    assert post(client_for(manager), url, {"winner": "new", "note": "   "}).status_code == 422
    assert post(client_for(manager), url, {"winner": "both", "note": "x"}).status_code == 422
    reg.refresh_from_db()
    assert reg.status == "conflict"
    not_a_conflict = post(client_for(manager), f"/api/v1/registrations/{first.pk}/decision",
                          {"winner": "new", "note": "x"})
    assert not_a_conflict.status_code == 409


# --------------------------------------------------------------------------- web


def test_web_partner_registers_and_sees_the_notice_only(client_for, partner_user, first):
    client = client_for(partner_user)
    assert client.get(reverse("accounts:registration_create")).status_code == 200

    response = client.post(reverse("accounts:registration_create"), {
        "customer_name": "星火科技有限公司", "value": "1234.56", "currency": "CNY", "stage": "lead"}, follow=True)

    reg = CustomerRegistration.objects.get(partner=partner_user.partner)
    assert (reg.value, reg.status) == (123_456, "conflict")
    page = body_text(response)
    assert "该客户已由其他伙伴报备，将由联盟团队裁定。" in page and "CNY 1,234.56" in page
    assert "伙伴B" not in page and OTHER_SPELLING not in page
    assert 'id="decision-form"' not in page
    listing = body_text(client.get(reverse("accounts:registrations")))
    assert "星火科技有限公司" in listing and OTHER_SPELLING not in listing
    assert client.get(reverse("accounts:registration_detail", args=[first.pk])).status_code == 404
    assert client.get(reverse("accounts:conflicts")).status_code == 404


def test_web_bad_registration_shows_the_field_error(client_for, partner_user):
    response = client_for(partner_user).post(reverse("accounts:registration_create"), {
        "customer_uscc": BAD_USCC, "value": "0", "currency": "CNY", "stage": "lead"})
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in body_text(response)
    assert not CustomerRegistration.objects.exists()


def test_web_staff_decide_from_the_conflicts_page(client_for, manager, partner_user, first):
    reg = register(partner_user, customer_name="星火科技")
    client = client_for(manager)
    page = body_text(client.get(reverse("accounts:conflicts")))
    assert f'id="conflict-{reg.pk}"' in page and "伙伴A" in page and "伙伴B" in page

    response = client.post(reverse("accounts:registration_decide", args=[reg.pk]),
                           {"winner": "existing", "note": "乙方先报备且已出方案", "next": "conflicts"})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:conflicts")
    reg.refresh_from_db()
    first.refresh_from_db()
    assert (reg.status, first.status) == ("rejected", "approved")
    assert 'id="no-conflicts"' in body_text(client.get(reverse("accounts:conflicts")))


def test_web_partner_updates_stage(client_for, partner_user, other_partner_user):
    reg = register(partner_user, customer_name="甲客户")
    theirs = register(other_partner_user, customer_name="乙客户")
    client = client_for(partner_user)
    response = client.post(reverse("accounts:registration_update", args=[reg.pk]), {"stage": "qualified"})
    assert response.status_code == 302
    assert client.post(reverse("accounts:registration_update", args=[theirs.pk]),
                       {"stage": "lost"}).status_code == 404
    reg.refresh_from_db()
    theirs.refresh_from_db()
    assert (reg.stage, theirs.stage) == ("qualified", "lead")
