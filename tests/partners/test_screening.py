"""Screening services: ratings, model versions, saved screening runs."""

from decimal import Decimal

import pytest

from allies.core.errors import DomainError, ErrorCode
from allies.partners import screening
from allies.partners.models import Criterion, ModelVersion, Rating, ScreeningModel, ScreeningRun
from allies.partners.selectors import default_model

pytestmark = pytest.mark.django_db

TWO_CRITERIA = [
    {"code": "fit", "label_zh": "匹配度", "weight": 3},
    {"code": "cost", "label_zh": "成本", "weight": 1, "direction": "cost", "knockout_min": 2},
]


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def test_rating_set_stores_and_replaces_own_rating(manager, admin_user, partner_a):
    screening.rating_set(actor=manager, partner=partner_a, criterion_code="strategic_fit", score="7.255", note="ok")
    screening.rating_set(actor=manager, partner=partner_a, criterion_code="strategic_fit", score=9)
    screening.rating_set(actor=admin_user, partner=partner_a, criterion_code="strategic_fit", score=0)
    got = {(r.rater_id, r.score, r.note) for r in Rating.objects.filter(partner=partner_a)}
    assert got == {(manager.pk, Decimal("9.00"), ""), (admin_user.pk, Decimal("0.00"), "")}


@pytest.mark.parametrize("score", [11, "10.01", -1, "abc", "", None, "nan", "inf"])
def test_rating_out_of_range_or_not_a_number(manager, partner_a, score):
    error = refused(screening.rating_set, actor=manager, partner=partner_a, criterion_code="strategic_fit", score=score)
    assert error.code == ErrorCode.INVALID_RATING
    assert error.details["field"] == "score"
    assert Rating.objects.count() == 0


def test_rating_unknown_criterion(manager, partner_a):
    error = refused(screening.rating_set, actor=manager, partner=partner_a, criterion_code="nope", score=5)
    assert error.code == ErrorCode.INVALID_RATING
    assert error.details == {"field": "criterion_code", "value": "nope"}
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("who", ["viewer", "partner_user"])
def test_rating_needs_a_writer(request, partner_a, who):
    error = refused(screening.rating_set, actor=request.getfixturevalue(who), partner=partner_a,
                    criterion_code="strategic_fit", score=5)
    assert error.code == ErrorCode.PERMISSION_DENIED
    assert Rating.objects.count() == 0


def test_model_version_create_freezes_a_new_version(manager):
    model = default_model()
    old = model.current_version
    old_codes = list(old.criteria.values_list("code", flat=True))
    version = screening.model_version_create(actor=manager, model=model, criteria=TWO_CRITERIA, note="精简")
    assert version.number == old.number + 1
    assert model.current_version == version
    assert version.created_by == manager
    assert list(version.criteria.values_list("code", "weight", "direction", "knockout_min", "label_en")) == [
        ("fit", 3.0, "benefit", None, "匹配度"),
        ("cost", 1.0, "cost", 2.0, "成本"),
    ]
    assert list(old.criteria.values_list("code", flat=True)) == old_codes  # the earlier version is untouched


def test_model_version_with_ahp_weights(manager):
    model = default_model()
    version = screening.model_version_create(actor=manager, model=model, criteria=TWO_CRITERIA, weight_mode="ahp",
                                             ahp_matrix=[[1, 3], [1 / 3, 1]])
    weights = list(version.criteria.values_list("weight", flat=True))
    assert weights == pytest.approx([0.75, 0.25])
    assert version.consistency_ratio == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ([], "criteria"),
        ([{"code": "Fit", "label_zh": "a", "weight": 1}], "code"),
        ([{"code": "fit", "label_zh": "", "weight": 1}], "label_zh"),
        ([{"code": "fit", "label_zh": "a", "weight": 0}], "weight"),
        ([{"code": "fit", "label_zh": "a", "weight": 1, "knockout_min": 11}], "knockout_min"),
        ([{"code": "fit", "label_zh": "a", "weight": 1}, {"code": "fit", "label_zh": "b", "weight": 1}], "code"),
    ],
)
def test_model_version_rejects_bad_criteria(manager, criteria, field):
    model = default_model()
    versions = ModelVersion.objects.count()
    error = refused(screening.model_version_create, actor=manager, model=model, criteria=criteria)
    assert error.code == ErrorCode.INVALID_MODEL
    assert [e["field"] for e in error.details["errors"]] == [field]
    assert ModelVersion.objects.count() == versions


def test_ahp_matrix_of_wrong_size(manager):
    model = default_model()
    error = refused(screening.model_version_create, actor=manager, model=model, criteria=TWO_CRITERIA,
                    weight_mode="ahp", ahp_matrix=[[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]])
    assert error.code == ErrorCode.INVALID_AHP
    assert error.details == {"size": 3, "criteria": 2}


def test_screening_run_keeps_ranking(manager, partner_a, partner_b):
    model = screening.model_create(actor=manager, name="测试模型", criteria=TWO_CRITERIA)
    version = model.current_version
    for partner, fit, cost in ((partner_a, 9, 3), (partner_b, 6, 8)):
        screening.rating_set(actor=manager, partner=partner, criterion_code="fit", score=fit)
        screening.rating_set(actor=manager, partner=partner, criterion_code="cost", score=cost)

    run = screening.screening_run_create(actor=manager, version=version, method="weighted", title="第一轮")

    stored = ScreeningRun.objects.get(pk=run.pk)
    assert (stored.version, stored.method, stored.title, stored.created_by) == (version, "weighted", "第一轮", manager)
    assert stored.candidate_count == 2
    assert stored.weights == pytest.approx({"fit": 0.75, "cost": 0.25})
    rows = stored.result["rows"]
    assert [(r["name"], r["rank"]) for r in rows] == [("伙伴A", 1), ("伙伴B", 2)]
    # weighted sum on the 0-10 scale, cost criterion reversed: A = .75*9 + .25*(10-3), B = .75*6 + .25*(10-8)
    assert [r["score"] for r in rows] == pytest.approx([8.5, 5.0])
    assert stored.result["labels"] == {"fit": "匹配度", "cost": "成本"}


def test_screening_run_rejects_unknown_method(manager):
    version = default_model().current_version
    error = refused(screening.screening_run_create, actor=manager, version=version, method="magic")
    assert error.code == ErrorCode.VALIDATION
    assert ScreeningRun.objects.count() == 0


def test_model_create_rejects_duplicate_name(manager):
    existing = ScreeningModel.objects.first()
    count = Criterion.objects.count()
    error = refused(screening.model_create, actor=manager, name=existing.name, criteria=TWO_CRITERIA)
    assert error.code == ErrorCode.INVALID_MODEL
    assert Criterion.objects.count() == count
