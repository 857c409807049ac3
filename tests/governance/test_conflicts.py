"""The conflict log: raising from either side, one-step escalation with reasons, resolution."""

import pytest

from allies.core.errors import DomainError
from allies.governance import selectors, services
from allies.governance.models import Conflict, ConflictEvent, Evidence

DEFAULT_LABELS = ["内部协商", "联合管理委员会", "第三方调解", "依协议（协议审查/仲裁）"]


@pytest.fixture
def conflict(alliance, partner_user):
    return services.conflict_raise(
        actor=partner_user, agreement=alliance, kind="underperformance", title="华东渠道转化率连续两月下滑",
        description="对方承诺的渠道资源没有到位。",
        evidence=[("kpi", "17", "转化率 2.1%（目标 5%）", "/pilots/3/"),
                  ("clause", "dispute", "争议解决条款", "")])


def test_a_partner_user_raises_a_conflict_at_the_first_step(conflict, partner_user, partner_a):
    assert conflict.raised_by == partner_user
    assert (conflict.raised_side, conflict.raised_partner_id) == ("partner", partner_a.pk)
    assert conflict.current_step == 0
    assert [s.label for s in selectors.steps_of(conflict.path)] == DEFAULT_LABELS
    assert [(e.kind, e.object_id) for e in conflict.evidence.all()] == [("kpi", "17"), ("clause", "dispute")]
    assert list(conflict.events.values_list("action", "step_name")) == [("raised", "内部协商")]


def test_escalation_goes_one_step_at_a_time_with_a_reason(conflict, manager):
    # a reason is required
    with pytest.raises(DomainError) as exc:
        services.conflict_escalate(actor=manager, conflict=conflict, reason="  ")
    assert exc.value.details["errors"][0]["field"] == "reason"
    # skipping a step is refused and changes nothing
    with pytest.raises(DomainError) as exc:
        services.conflict_escalate(actor=manager, conflict=conflict, reason="直接仲裁", to_step=3)
    assert "每次只能升级一步" in exc.value.message
    assert Conflict.objects.get(pk=conflict.pk).current_step == 0
    # one step at a time
    services.conflict_escalate(actor=manager, conflict=conflict, reason="内部协商两周无进展", to_step=1)
    services.conflict_escalate(actor=manager, conflict=conflict, reason="委员会未能达成一致")
    fresh = Conflict.objects.get(pk=conflict.pk)
    assert selectors.conflict_step(fresh).label == "第三方调解"
    assert selectors.conflict_dispute_clause(fresh) is None
    history = list(fresh.events.values_list("action", "step", "reason", "actor__username"))
    assert history[1:] == [("escalated", 1, "内部协商两周无进展", "manager"),
                           ("escalated", 2, "委员会未能达成一致", "manager")]


def test_at_the_agreement_step_the_dispute_clause_is_shown_and_the_path_ends(conflict, manager, monkeypatch):
    from allies.governance import selectors as sel

    monkeypatch.setattr(sel, "clause_text", lambda agreement, area: f"{agreement.code}:{area}")
    for reason in ("一", "二", "三"):
        services.conflict_escalate(actor=manager, conflict=conflict, reason=reason)
    fresh = Conflict.objects.get(pk=conflict.pk)
    assert selectors.conflict_dispute_clause(fresh) == "GA-001:dispute"
    with pytest.raises(DomainError) as exc:
        services.conflict_escalate(actor=manager, conflict=fresh, reason="再升级")
    assert exc.value.status == 409


def test_resolution_closes_the_conflict(conflict, manager):
    services.conflict_resolve(actor=manager, conflict=conflict, resolution="双方同意调整渠道投入，下季度复评")
    fresh = Conflict.objects.get(pk=conflict.pk)
    assert (fresh.status, fresh.resolution) == ("resolved", "双方同意调整渠道投入，下季度复评")
    assert fresh.events.last().action == "resolved"
    with pytest.raises(DomainError) as exc:
        services.conflict_escalate(actor=manager, conflict=fresh, reason="x")
    assert exc.value.status == 409


def test_partner_users_may_raise_but_not_escalate_or_resolve(conflict, partner_user, viewer):
    for action in (lambda a: services.conflict_escalate(actor=a, conflict=conflict, reason="x"),
                   lambda a: services.conflict_resolve(actor=a, conflict=conflict, resolution="x")):
        for actor in (partner_user, viewer):
            with pytest.raises(DomainError) as exc:
                action(actor)
            assert exc.value.status == 403
    assert ConflictEvent.objects.count() == 1


def test_no_one_outside_the_alliance_may_raise(other_alliance, partner_user, viewer):
    for actor in (partner_user, viewer):
        with pytest.raises(DomainError) as exc:
            services.conflict_raise(actor=actor, agreement=other_alliance, kind="poor_communication", title="x",
                                    description="y")
        assert exc.value.status == 403
    assert not Conflict.objects.exists()


def test_bad_input_names_the_field_and_writes_nothing(alliance, manager):
    with pytest.raises(DomainError) as exc:
        services.conflict_raise(actor=manager, agreement=alliance, kind="bad_mood", title="", description="x",
                                evidence=[("alert", "1", "预警", "javascript:alert(1)")])
    fields = {e["field"] for e in exc.value.details["errors"]}
    assert fields == {"kind", "title", "evidence.0.url"}
    assert not Conflict.objects.exists() and not Evidence.objects.exists()


def test_the_escalation_path_is_editable_and_conflicts_keep_theirs(conflict, alliance, manager):
    services.escalation_path_set(actor=manager, agreement=alliance, steps=[
        {"kind": "committee", "name": "联合工作小组"}, {"kind": "committee"}, {"kind": "agreement", "name": "仲裁"}])
    assert [s.label for s in selectors.escalation_steps(alliance)] == ["联合工作小组", "联合管理委员会", "仲裁"]
    assert [s.label for s in selectors.steps_of(Conflict.objects.get(pk=conflict.pk).path)] == DEFAULT_LABELS
    later = services.conflict_raise(actor=manager, agreement=alliance, kind="goal_misalignment", title="目标分歧",
                                    description="x")
    assert selectors.conflict_step(later).label == "联合工作小组"
    with pytest.raises(DomainError):
        services.escalation_path_set(actor=manager, agreement=alliance, steps=[{"kind": "other", "name": ""}])
    with pytest.raises(DomainError):
        services.escalation_path_set(actor=manager, agreement=alliance, steps=[])


def test_the_conflict_log_is_scoped_to_the_partners_alliances(conflict, other_alliance, manager, partner_user):
    services.conflict_raise(actor=manager, agreement=other_alliance, kind="cultural_conflict", title="B 方冲突",
                            description="x")
    assert [c.pk for c in selectors.conflict_list(user=partner_user)] == [conflict.pk]
    assert selectors.conflict_list(user=manager).count() == 2
