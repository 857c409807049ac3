"""Writes of the ecosystem stage: validation says what is wrong and writes nothing."""

import pytest

from allies.core.errors import DomainError, ErrorCode
from allies.ecosystem import services
from allies.ecosystem.models import InvestmentParty, JointInvestment, LabParty, LabProject, Referral, Relation


def _fields(exc):
    return {e["field"] for e in exc.details["errors"]}


def test_relation_to_itself_is_refused(manager, partner_a):
    with pytest.raises(DomainError) as exc:
        services.relation_create(actor=manager, data={"kind": "business", "source_id": partner_a.pk,
                                                      "target_id": partner_a.pk})
    assert "不能与自己建立关系" in exc.value.message
    with pytest.raises(DomainError):
        services.relation_create(actor=manager, data={"kind": "business", "source_id": None, "target_id": None})
    assert not Relation.objects.exists()


def test_relation_dates_out_of_order_are_refused(manager, partner_a, partner_b):
    with pytest.raises(DomainError) as exc:
        services.relation_create(actor=manager, data={"kind": "supply", "source_id": partner_a.pk,
                                                      "target_id": partner_b.pk, "start_date": "2026-05-01",
                                                      "end_date": "2026-04-30"})
    assert exc.value.code == ErrorCode.INVALID_DATES
    assert _fields(exc.value) == {"end_date"}
    assert not Relation.objects.exists()


def test_relation_update_keeps_rules(manager, partner_a, partner_b):
    r = services.relation_create(actor=manager, data={"kind": "supply", "source_id": partner_a.pk,
                                                      "target_id": partner_b.pk, "strength": 4})
    with pytest.raises(DomainError):
        services.relation_update(actor=manager, relation=r, data={"target_id": partner_a.pk})
    r.refresh_from_db()
    assert r.target_id == partner_b.pk


def test_viewer_cannot_write(viewer, partner_a, partner_b):
    with pytest.raises(DomainError) as exc:
        services.relation_create(actor=viewer, data={"kind": "supply", "source_id": partner_a.pk,
                                                     "target_id": partner_b.pk})
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_referral_needs_the_referral_channel_and_not_itself(manager, partner_a, partner_c):
    with pytest.raises(DomainError) as exc:
        services.referral_set(actor=manager, data={"partner_id": partner_a.pk, "referred_by_id": partner_c.pk})
    assert "寻找渠道" in exc.value.message
    with pytest.raises(DomainError):
        services.referral_set(actor=manager, data={"partner_id": partner_c.pk, "referred_by_id": partner_c.pk})
    assert not Referral.objects.exists()
    ref = services.referral_set(actor=manager, data={"partner_id": partner_c.pk, "referred_by_id": partner_a.pk})
    assert ref.referred_by == partner_a
    again = services.referral_set(actor=manager, data={"partner_id": partner_c.pk, "referrer_name": "行业协会"})
    assert again.pk == ref.pk and again.referred_by is None and again.referrer_name == "行业协会"


INVESTMENT = {"target_company": "芯途科技", "invested_on": "2026-01-10", "valuation": 100_000_000,
              "valued_on": "2026-06-30"}


def test_investment_gains_split_exactly(manager, partner_a, partner_b):
    inv = services.investment_create(actor=manager, data={**INVESTMENT, "parties": [
        {"partner_id": None, "amount": 12_000_000, "stake_bp": 1500},
        {"partner_id": partner_a.pk, "amount": 9_000_000, "stake_bp": 1000},
        {"partner_id": partner_b.pk, "amount": 1, "stake_bp": 1}]})
    positions = services.investment_positions(inv)
    values = [pos.value for _p, pos in positions]
    assert sum(values) == 100_000_000 * 2501 // 10_000 + (1 if 100_000_000 * 2501 % 10_000 * 2 >= 10_000 else 0)
    assert [pos.gain for _p, pos in positions][:2] == [values[0] - 12_000_000, values[1] - 9_000_000]


@pytest.mark.parametrize(("stakes", "field"), [((10_001,), "parties[0].stake_bp"), ((6000, 5000), "parties")])
def test_stake_over_100_percent_is_refused_and_nothing_written(manager, partner_a, stakes, field):
    parties = [{"partner_id": pid, "amount": 100, "stake_bp": s} for pid, s in zip((None, partner_a.pk), stakes)]
    with pytest.raises(DomainError) as exc:
        services.investment_create(actor=manager, data={**INVESTMENT, "parties": parties})
    assert "100%" in exc.value.message
    assert field in _fields(exc.value)
    assert not JointInvestment.objects.exists() and not InvestmentParty.objects.exists()


def test_investment_dates_and_duplicate_parties(manager, partner_a):
    with pytest.raises(DomainError) as exc:
        services.investment_create(actor=manager, data={**INVESTMENT, "valued_on": "2025-12-31", "parties": [
            {"partner_id": partner_a.pk, "amount": 1, "stake_bp": 1},
            {"partner_id": partner_a.pk, "amount": 1, "stake_bp": 1}]})
    assert {"valued_on", "parties[1].partner_id"} <= _fields(exc.value)
    assert not JointInvestment.objects.exists()


def test_lab_shares_must_add_up_to_the_budget(manager, partner_a):
    data = {"title": "实验室", "goal": "研发", "budget": 1000, "start_date": "2026-01-01", "end_date": "2026-12-31",
            "parties": [{"partner_id": None, "share": 600}, {"partner_id": partner_a.pk, "share": 300}]}
    with pytest.raises(DomainError) as exc:
        services.lab_create(actor=manager, data=data)
    assert "900" in exc.value.message and "1000" in exc.value.message
    assert not LabProject.objects.exists() and not LabParty.objects.exists()
    data["parties"][1]["share"] = 400
    lab = services.lab_create(actor=manager, data=data)
    with pytest.raises(DomainError) as exc:
        services.lab_update(actor=manager, project=lab, data={"end_date": "2025-12-31"})
    assert exc.value.code == ErrorCode.INVALID_DATES
    with pytest.raises(DomainError):
        services.milestone_add(actor=manager, project=lab, data={"title": "早于开始", "due_date": "2025-06-01"})
    assert not lab.milestones.exists()


def test_cobranding_dates_and_partners(manager, partner_a):
    with pytest.raises(DomainError) as exc:
        services.cobranding_create(actor=manager, data={"title": "联合品牌", "partner_ids": [partner_a.pk],
                                                        "start_date": "2026-06-01", "end_date": "2026-01-01"})
    assert _fields(exc.value) == {"end_date"}
    cb = services.cobranding_create(actor=manager, data={"title": "联合品牌", "partner_ids": [partner_a.pk],
                                                         "markets": "华东、西南,华南", "start_date": "2026-01-01",
                                                         "end_date": "2026-12-31"})
    assert cb.markets == ["华东", "西南", "华南"]
