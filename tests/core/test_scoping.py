"""restrict(): the one place that decides which rows a user may see."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from allies.core.scoping import get_visible, restrict
from allies.partners.models import Contact, Partner, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(partner_a, partner_b):
    contacts = {
        "a": Contact.objects.create(partner=partner_a, name="A 的联系人"),
        "b": Contact.objects.create(partner=partner_b, name="B 的联系人"),
    }
    for p in (partner_a, partner_b):
        StageChange.objects.create(partner=p, from_stage="", to_stage="prospect", reason="登记")
    return contacts


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["admin_user", "manager", "viewer"])
def test_staff_see_every_row(request, rows, partner_a, partner_b, who):
    user = request.getfixturevalue(who)
    assert ids(restrict(Partner.objects.all(), user)) == sorted([partner_a.pk, partner_b.pk])
    assert ids(restrict(Contact.objects.all(), user)) == sorted([rows["a"].pk, rows["b"].pk])
    assert restrict(StageChange.objects.all(), user).count() == 2


def test_superuser_without_internal_role_sees_every_row(make_user, partner_a, partner_b):
    root = make_user("root", "partner", partner=partner_a, is_superuser=True)
    assert restrict(Partner.objects.all(), root).count() == 2


def test_partner_user_sees_only_own_partner(rows, partner_user, other_partner_user, partner_a, partner_b):
    assert ids(restrict(Partner.objects.all(), partner_user)) == [partner_a.pk]
    assert ids(restrict(Contact.objects.all(), partner_user)) == [rows["a"].pk]
    assert ids(restrict(Partner.objects.all(), other_partner_user)) == [partner_b.pk]
    assert ids(restrict(Contact.objects.all(), other_partner_user)) == [rows["b"].pk]


def test_partner_user_sees_no_internal_model(rows, partner_user):
    assert not hasattr(StageChange, "PARTNER_SCOPE")
    assert StageChange.objects.count() == 2
    assert restrict(StageChange.objects.all(), partner_user).count() == 0
    assert restrict(StageChange.objects.filter(partner=partner_user.partner), partner_user).count() == 0


def test_restrict_keeps_earlier_filters(partner_user, partner_a):
    assert restrict(Partner.objects.filter(name="伙伴B"), partner_user).count() == 0
    assert ids(restrict(Partner.objects.filter(name="伙伴A"), partner_user)) == [partner_a.pk]


def test_partner_role_without_partner_sees_nothing(make_user, partner_a):
    orphan = make_user("orphan", "partner")
    assert restrict(Partner.objects.all(), orphan).count() == 0
    assert restrict(Contact.objects.all(), orphan).count() == 0


@pytest.mark.parametrize("who", ["manager", "admin_user", "partner_user"])
def test_inactive_users_see_nothing(request, rows, who):
    user = request.getfixturevalue(who)
    user.is_active = False
    user.save()
    assert restrict(Partner.objects.all(), user).count() == 0
    assert restrict(Contact.objects.all(), user).count() == 0
    assert restrict(StageChange.objects.all(), user).count() == 0


@pytest.mark.parametrize("user", [AnonymousUser(), None])
def test_anonymous_sees_nothing(rows, user):
    assert restrict(Partner.objects.all(), user).count() == 0
    assert restrict(Contact.objects.all(), user).count() == 0


def test_get_visible(partner_user, partner_a, partner_b):
    assert get_visible(Partner.objects.all(), partner_user, pk=partner_a.pk) == partner_a
    for lookup in ({"pk": partner_b.pk}, {"pk": 999999}, {"pk": "not-a-number"}):
        with pytest.raises(Http404):
            get_visible(Partner.objects.all(), partner_user, **lookup)
