"""Functional tests of the screening API (/api/v1/screening): models, AHP, ratings, rankings, runs, sensitivity."""

import math

import numpy as np
import pytest

from allies.partners.models import ModelVersion, Partner, Rating, ScreeningModel, ScreeningRun

from .conftest import assert_error, call

URL = "/api/v1/screening"
SPEC_CODES = ("strategic_fit", "resource_complementarity", "financial_health", "market_reputation",
              "cultural_compatibility")
SPEC_WEIGHTS = (0.30, 0.25, 0.20, 0.15, 0.10)
SPEC_RATINGS = {"伙伴A": (8, 9, 7, 8, 6), "伙伴B": (9, 7, 9, 9, 8), "伙伴C": (7, 8, 6, 7, 9)}
CONSISTENT = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
INCONSISTENT = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]


def _criteria(*weights, codes=("fit", "reach", "trust")):
    return [{"code": c, "label_zh": f"指标{c}", "weight": w} for c, w in zip(codes, weights)]


def _rate(client, partner_id: int, code: str, score, **extra):
    return call(client, "PUT", f"{URL}/ratings", {"partner_id": partner_id, "criterion_code": code,
                                                  "score": score, **extra})


@pytest.fixture
def spec_partners(db, partner_a, partner_b):
    """伙伴A/B/C of the spec's example (伙伴A and 伙伴B are the shared fixtures)."""
    return {"伙伴A": partner_a, "伙伴B": partner_b, "伙伴C": Partner.objects.create(name="伙伴C")}


@pytest.fixture
def rated(as_user, manager, spec_partners):
    """The spec example's ratings, entered through the API by the manager."""
    client = as_user(manager)
    for name, scores in SPEC_RATINGS.items():
        for code, score in zip(SPEC_CODES, scores):
            assert _rate(client, spec_partners[name].pk, code, score).status_code == 200
    return spec_partners


def _rows_by_name(body: dict) -> dict[str, dict]:
    return {r["name"]: r for r in body["rows"]}


# --------------------------------------------------------------------------- models


def test_models_list_has_the_shipped_models(as_user, viewer):
    body = as_user(viewer).get(f"{URL}/models").json()
    by_name = {m["name"]: m for m in body}
    assert {"伙伴画像（六维）", "规范示例（五维）"} <= set(by_name)
    assert by_name["伙伴画像（六维）"]["is_default"] is True
    assert by_name["规范示例（五维）"]["is_default"] is False
    spec = by_name["规范示例（五维）"]["current_version"]
    assert spec["number"] == 1
    assert [c["code"] for c in spec["criteria"]] == list(SPEC_CODES)
    assert spec["normalised_weights"] == pytest.approx(dict(zip(SPEC_CODES, SPEC_WEIGHTS)))


def test_get_model_and_its_versions(as_user, viewer, spec_model):
    client = as_user(viewer)
    body = client.get(f"{URL}/models/{spec_model.pk}").json()
    assert (body["id"], body["name"], body["disagreement_threshold"]) == (spec_model.pk, "规范示例（五维）", 3.0)
    versions = client.get(f"{URL}/models/{spec_model.pk}/versions").json()
    assert [v["number"] for v in versions] == [1]
    assert_error(client.get(f"{URL}/models/999999"), 404, "not_found")
    assert_error(client.get(f"{URL}/models/999999/versions"), 404, "not_found")


def test_create_model_with_direct_weights_and_a_new_version(as_user, manager):
    client = as_user(manager)
    response = call(client, "POST", f"{URL}/models", {
        "name": "渠道伙伴画像", "description": "渠道优先", "disagreement_threshold": 2.5,
        "criteria": _criteria(2, 1, 1),
    })
    assert response.status_code == 201, response.content
    model = response.json()
    assert (model["name"], model["description"], model["disagreement_threshold"], model["is_default"]) == (
        "渠道伙伴画像", "渠道优先", 2.5, False)
    version = model["current_version"]
    assert version["number"] == 1
    assert version["weight_mode"] == "direct"
    assert version["normalised_weights"] == pytest.approx({"fit": 0.5, "reach": 0.25, "trust": 0.25})

    response = call(client, "POST", f"{URL}/models/{model['id']}/versions", {
        "note": "增加数据维度", "criteria": _criteria(1, 1, 1, 1, codes=("fit", "reach", "trust", "data")),
    })
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert response.json()["note"] == "增加数据维度"
    current = client.get(f"{URL}/models/{model['id']}").json()["current_version"]
    assert current["number"] == 2
    assert [c["code"] for c in current["criteria"]] == ["fit", "reach", "trust", "data"]
    versions = client.get(f"{URL}/models/{model['id']}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert [c["code"] for c in versions[1]["criteria"]] == ["fit", "reach", "trust"]


@pytest.mark.parametrize("weight", [0, -1])
def test_non_positive_weight_is_refused_naming_the_criterion(as_user, manager, weight):
    before = (ScreeningModel.objects.count(), ModelVersion.objects.count())
    response = call(as_user(manager), "POST", f"{URL}/models", {"name": "坏模型", "criteria": _criteria(1, weight, 1)})
    body = assert_error(response, 422, "invalid_screening_model")
    [error] = body["details"]["errors"]
    assert (error["index"], error["field"], float(error["value"])) == (1, "weight", weight)
    assert "第 2 个指标" in body["message"]
    assert (ScreeningModel.objects.count(), ModelVersion.objects.count()) == before


def test_new_version_with_bad_criteria_writes_nothing(as_user, manager, spec_model):
    response = call(as_user(manager), "POST", f"{URL}/models/{spec_model.pk}/versions",
                    {"criteria": _criteria(1, 1, codes=("fit", "fit"))})
    body = assert_error(response, 422, "invalid_screening_model")
    assert [(e["index"], e["field"]) for e in body["details"]["errors"]] == [(1, "code")]
    assert spec_model.versions.count() == 1


def test_duplicate_model_name_is_refused(as_user, manager):
    response = call(as_user(manager), "POST", f"{URL}/models", {"name": "规范示例（五维）", "criteria": _criteria(1)})
    body = assert_error(response, 422, "invalid_screening_model")
    assert body["details"]["errors"][0]["field"] == "name"
    assert ScreeningModel.objects.filter(name="规范示例（五维）").count() == 1


@pytest.mark.parametrize(("name", "criterion"), [
    ("名" * 121, {"code": "fit", "label_zh": "匹配", "weight": 1}),
    ("长标签", {"code": "fit", "label_zh": "匹" * 101, "weight": 1}),
    ("长代码", {"code": "f" * 65, "label_zh": "匹配", "weight": 1}),
])
def test_over_long_model_text_is_422_not_a_database_error(as_user, manager, name, criterion):
    response = call(as_user(manager), "POST", f"{URL}/models", {"name": name, "criteria": [criterion]})
    assert_error(response, 422, "validation_error")
    assert not ScreeningModel.objects.filter(name=name).exists()


def test_unknown_criterion_field_is_422(as_user, manager):
    criteria = [{"code": "fit", "label_zh": "匹配", "weight": 1, "colour": "red"}]
    assert_error(call(as_user(manager), "POST", f"{URL}/models", {"name": "多余", "criteria": criteria}),
                 422, "validation_error")
    assert not ScreeningModel.objects.filter(name="多余").exists()


# --------------------------------------------------------------------------- AHP


def test_ahp_consistent_matrix(as_user, viewer):
    response = call(as_user(viewer), "POST", f"{URL}/ahp", {"criteria": ["战略", "资源", "财务"], "matrix": CONSISTENT})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["weights"] == pytest.approx({"战略": 4 / 7, "资源": 2 / 7, "财务": 1 / 7})
    assert body["consistency_ratio"] == pytest.approx(0, abs=1e-9)
    assert body["lambda_max"] == pytest.approx(3)
    assert body["random_index"] == pytest.approx(0.58)
    assert body["consistent"] is True
    assert body["worst_judgements"] == []


def test_ahp_inconsistent_matrix_names_the_worst_judgements(as_user, viewer):
    body = call(as_user(viewer), "POST", f"{URL}/ahp", {"criteria": ["战略", "资源", "财务"],
                                                         "matrix": INCONSISTENT}).json()
    assert body["consistent"] is False
    assert body["consistency_ratio"] > 0.1
    assert body["worst_judgements"]
    names = {"战略", "资源", "财务"}
    for j in body["worst_judgements"]:
        assert {j["row"], j["col"]} <= names and j["row"] != j["col"]
        assert j["contribution"] > 0
    contributions = [j["contribution"] for j in body["worst_judgements"]]
    assert contributions == sorted(contributions, reverse=True)


def test_ahp_non_reciprocal_matrix_is_422(as_user, viewer):
    response = call(as_user(viewer), "POST", f"{URL}/ahp", {"criteria": ["战略", "资源"], "matrix": [[1, 3], [3, 1]]})
    body = assert_error(response, 422, "invalid_ahp_matrix")
    assert body["details"]["code"] == "ahp_not_reciprocal"
    assert "战略" in body["message"] and "资源" in body["message"]


@pytest.mark.parametrize("matrix", [[[1, 2, 3], [0.5, 1]], [[1]], [[1, 20], [0.05, 1]]])
def test_ahp_malformed_matrix_is_422_not_500(as_user, viewer, matrix):
    assert_error(call(as_user(viewer), "POST", f"{URL}/ahp", {"matrix": matrix}), 422, "invalid_ahp_matrix")


def test_ahp_names_must_match_the_matrix(as_user, viewer):
    body = assert_error(call(as_user(viewer), "POST", f"{URL}/ahp", {"criteria": ["甲"], "matrix": CONSISTENT}),
                        422, "invalid_ahp_matrix")
    assert body["details"] == {"criteria": 1}


def test_ahp_duplicate_names_are_422(as_user, viewer):
    body = assert_error(call(as_user(viewer), "POST", f"{URL}/ahp", {"criteria": ["战略", "战略"],
                                                                      "matrix": [[1, 2], [0.5, 1]]}),
                        422, "invalid_ahp_matrix")
    assert body["details"] == {"duplicates": ["战略"]}


def test_version_in_ahp_mode_derives_the_weights(as_user, manager, spec_model):
    criteria = [{"code": c, "label_zh": f"指标{c}"} for c in SPEC_CODES[:3]]
    response = call(as_user(manager), "POST", f"{URL}/models/{spec_model.pk}/versions",
                    {"weight_mode": "ahp", "ahp_matrix": CONSISTENT, "criteria": criteria})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["weight_mode"] == "ahp"
    assert body["ahp_matrix"] == CONSISTENT
    assert body["consistency_ratio"] == pytest.approx(0, abs=1e-9)
    assert body["normalised_weights"] == pytest.approx(dict(zip(SPEC_CODES[:3], (4 / 7, 2 / 7, 1 / 7))))
    version = spec_model.versions.get(number=2)
    assert [c.weight for c in version.criteria.all()] == pytest.approx([4 / 7, 2 / 7, 1 / 7])


def test_version_in_ahp_mode_with_a_wrong_size_matrix_is_422(as_user, manager, spec_model):
    criteria = [{"code": c, "label_zh": f"指标{c}"} for c in SPEC_CODES[:2]]
    response = call(as_user(manager), "POST", f"{URL}/models/{spec_model.pk}/versions",
                    {"weight_mode": "ahp", "ahp_matrix": CONSISTENT, "criteria": criteria})
    body = assert_error(response, 422, "invalid_ahp_matrix")
    assert body["details"] == {"size": 3, "criteria": 2}
    assert spec_model.versions.count() == 1


# --------------------------------------------------------------------------- ratings


def test_rating_put_upserts_the_raters_own_rating(as_user, manager, make_user, partner_a):
    client = as_user(manager)
    first = _rate(client, partner_a.pk, "strategic_fit", 7, note="初评")
    assert first.status_code == 200, first.content
    assert (first.json()["score"], first.json()["rater_id"], first.json()["note"]) == (7.0, manager.pk, "初评")
    second = _rate(client, partner_a.pk, "strategic_fit", 8.5)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["score"] == 8.5
    other = make_user("manager2", "manager")
    third = _rate(as_user(other), partner_a.pk, "strategic_fit", 4)
    assert third.json()["id"] != first.json()["id"]
    scores = dict(Rating.objects.filter(partner=partner_a).values_list("rater__username", "score"))
    assert {k: float(v) for k, v in scores.items()} == {"manager": 8.5, "manager2": 4.0}

    listed = as_user(manager).get(f"{URL}/ratings", {"partner_id": partner_a.pk, "rater_id": other.pk}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["score"] == 4.0


@pytest.mark.parametrize("score", [11, -0.5, 10.001])
def test_rating_out_of_range_is_refused(as_user, manager, partner_a, score):
    body = assert_error(_rate(as_user(manager), partner_a.pk, "strategic_fit", score), 422, "invalid_rating")
    assert body["details"]["field"] == "score"
    assert not Rating.objects.exists()


def test_rating_bounds_are_accepted(as_user, manager, partner_a):
    client = as_user(manager)
    assert _rate(client, partner_a.pk, "strategic_fit", 0).json()["score"] == 0
    assert _rate(client, partner_a.pk, "financial_health", 10).json()["score"] == 10


def test_rating_on_an_unknown_criterion_is_refused(as_user, manager, partner_a):
    body = assert_error(_rate(as_user(manager), partner_a.pk, "charisma", 5), 422, "invalid_rating")
    assert body["details"] == {"field": "criterion_code", "value": "charisma"}
    assert not Rating.objects.exists()


def test_rating_of_an_unknown_partner_is_404(as_user, manager):
    assert_error(_rate(as_user(manager), 999999, "strategic_fit", 5), 404, "not_found")
    assert not Rating.objects.exists()


def test_rating_filters_reject_impossible_ids(as_user, manager, partner_a):
    client = as_user(manager)
    assert_error(client.get(f"{URL}/ratings", {"partner_id": 10**20}), 422, "validation_error")
    assert_error(client.get(f"{URL}/ratings", {"rater_id": 10**20}), 422, "validation_error")
    assert client.get(f"{URL}/ratings", {"offset": 10**20}).json() == {"count": 0, "items": []}


def test_a_manager_cannot_delete_another_raters_rating(as_user, manager, make_user, partner_a):
    other = make_user("manager2", "manager")
    rating_id = _rate(as_user(other), partner_a.pk, "strategic_fit", 5).json()["id"]
    assert_error(as_user(manager).delete(f"{URL}/ratings/{rating_id}"), 403, "permission_denied")
    assert Rating.objects.filter(pk=rating_id).exists()
    assert as_user(other).delete(f"{URL}/ratings/{rating_id}").status_code == 204
    assert not Rating.objects.filter(pk=rating_id).exists()


# --------------------------------------------------------------------------- ranking


def test_ranking_of_the_spec_example(as_user, viewer, rated, spec_model):
    body = as_user(viewer).get(f"{URL}/ranking", {"model_id": spec_model.pk}).json()
    assert (body["model_id"], body["version"], body["method"]) == (spec_model.pk, 1, "weighted")
    assert body["weights"] == pytest.approx(dict(zip(SPEC_CODES, SPEC_WEIGHTS)))
    assert body["counts"] == {"ranked": 3, "excluded": 0, "incomplete": 0}
    assert [(r["name"], round(r["score"], 2), r["rank"], r["status"]) for r in body["rows"]] == [
        ("伙伴B", 8.40, 1, "ranked"), ("伙伴A", 7.85, 2, "ranked"), ("伙伴C", 7.25, 3, "ranked")]
    assert _rows_by_name(body)["伙伴A"]["values"] == [8, 9, 7, 8, 6]
    assert all(r["disagreements"] == [] and r["missing"] == [] for r in body["rows"])


def test_ranking_uses_the_mean_of_raters_and_flags_disagreement(as_user, manager, make_user, rated, spec_model):
    second = as_user(make_user("manager2", "manager"))
    assert _rate(second, rated["伙伴B"].pk, "strategic_fit", 3).status_code == 200  # 9 vs 3: spread 6
    assert _rate(second, rated["伙伴A"].pk, "strategic_fit", 5).status_code == 200  # 8 vs 5: spread 3, not above
    rows = _rows_by_name(as_user(manager).get(f"{URL}/ranking", {"model_id": spec_model.pk}).json())
    assert rows["伙伴B"]["values"][0] == 6
    assert rows["伙伴B"]["score"] == pytest.approx(8.40 - 0.3 * 3)
    assert rows["伙伴B"]["disagreements"] == ["strategic_fit"]
    assert rows["伙伴A"]["values"][0] == 6.5
    assert rows["伙伴A"]["score"] == pytest.approx(7.85 - 0.3 * 1.5)
    assert rows["伙伴A"]["disagreements"] == []
    assert [rows[n]["rank"] for n in ("伙伴B", "伙伴A", "伙伴C")] == [1, 2, 3]  # 7.50, 7.40, 7.25


def test_partner_missing_a_rating_is_incomplete(as_user, manager, rated, spec_model):
    Rating.objects.filter(partner=rated["伙伴C"], criterion_code="financial_health").delete()
    body = as_user(manager).get(f"{URL}/ranking", {"model_id": spec_model.pk}).json()
    assert body["counts"] == {"ranked": 2, "excluded": 0, "incomplete": 1}
    c = _rows_by_name(body)["伙伴C"]
    assert (c["status"], c["score"], c["rank"], c["missing"]) == ("incomplete", None, None, ["financial_health"])
    assert c["values"][2] is None
    assert "财务健康度" in c["reason"]
    assert [r["name"] for r in body["rows"]] == ["伙伴B", "伙伴A", "伙伴C"]


def test_knock_out_excludes_a_partner_with_a_reason(as_user, manager, rated, spec_model):
    client = as_user(manager)
    labels = ("战略匹配度", "资源互补性", "财务健康度", "市场声誉", "文化兼容性")
    criteria = [{"code": c, "label_zh": label, "weight": w} for c, label, w in zip(SPEC_CODES, labels, SPEC_WEIGHTS)]
    criteria[2]["knockout_min"] = 6.5  # financial health: C has 6
    response = call(client, "POST", f"{URL}/models/{spec_model.pk}/versions", {"criteria": criteria})
    assert response.status_code == 201, response.content
    body = client.get(f"{URL}/ranking", {"model_id": spec_model.pk}).json()
    assert body["version"] == 2
    assert body["counts"] == {"ranked": 2, "excluded": 1, "incomplete": 0}
    c = _rows_by_name(body)["伙伴C"]
    assert (c["status"], c["score"], c["rank"]) == ("excluded", None, None)
    assert "财务健康度" in c["reason"] and "6" in c["reason"] and "6.5" in c["reason"]
    assert [(r["name"], r["rank"]) for r in body["rows"][:2]] == [("伙伴B", 1), ("伙伴A", 2)]


def test_ranking_only_counts_candidate_stages_unless_asked(as_user, manager, rated, spec_model):
    rated["伙伴B"].stage = "active"
    rated["伙伴B"].save()
    client = as_user(manager)
    body = client.get(f"{URL}/ranking", {"model_id": spec_model.pk}).json()
    assert [r["name"] for r in body["rows"]] == ["伙伴A", "伙伴C"]
    body = client.get(f"{URL}/ranking", {"model_id": spec_model.pk, "stages": ["active"]}).json()
    assert [r["name"] for r in body["rows"]] == ["伙伴B"]


def test_ranking_pagination_keeps_the_full_count(as_user, manager, rated, spec_model):
    body = as_user(manager).get(f"{URL}/ranking", {"model_id": spec_model.pk, "limit": 1, "offset": 1}).json()
    assert body["count"] == 3
    assert [r["name"] for r in body["rows"]] == ["伙伴A"]


def _topsis(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Textbook TOPSIS (Hwang & Yoon), benefit criteria, vector normalisation."""
    v = w * x / np.sqrt((x ** 2).sum(axis=0))
    d_best = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    return d_worst / (d_best + d_worst)


def test_topsis_ranking(as_user, manager, rated, spec_model):
    body = as_user(manager).get(f"{URL}/ranking", {"model_id": spec_model.pk, "method": "topsis"}).json()
    assert body["method"] == "topsis"
    names = list(SPEC_RATINGS)
    expected = _topsis(np.array([SPEC_RATINGS[n] for n in names], dtype=float), np.array(SPEC_WEIGHTS))
    rows = _rows_by_name(body)
    for name, closeness in zip(names, expected):
        assert rows[name]["score"] == pytest.approx(closeness)
    assert [r["name"] for r in body["rows"]] == [names[i] for i in np.argsort(-expected)]
    assert [r["rank"] for r in body["rows"]] == [1, 2, 3]


@pytest.mark.parametrize(("method", "path", "payload"), [
    ("GET", "ranking", None),
    ("POST", "runs", {}),
    ("POST", "sensitivity", {}),
])
def test_unknown_method_is_422(as_user, manager, rated, spec_model, method, path, payload):
    client = as_user(manager)
    if method == "GET":
        response = client.get(f"{URL}/{path}", {"model_id": spec_model.pk, "method": "foo"})
    else:
        response = call(client, method, f"{URL}/{path}", {"model_id": spec_model.pk, "method": "foo", **payload})
    body = assert_error(response, 422, "validation_error")
    assert body["details"] == {"field": "method", "value": "foo"}
    assert not ScreeningRun.objects.exists()


def test_ranking_of_an_unknown_model_is_404(as_user, manager):
    assert_error(as_user(manager).get(f"{URL}/ranking", {"model_id": 999999}), 404, "not_found")


def test_ranking_without_model_id_uses_the_default_model(as_user, manager, rated):
    body = as_user(manager).get(f"{URL}/ranking").json()
    default = ScreeningModel.objects.get(is_default=True)
    assert body["model_id"] == default.pk
    # the six-dimension default model has "willingness", which nobody rated
    assert body["counts"] == {"ranked": 0, "excluded": 0, "incomplete": 3}
    assert all(r["missing"] == ["willingness"] for r in body["rows"])


# --------------------------------------------------------------------------- runs


def test_run_is_saved_and_survives_a_new_model_version(as_user, manager, rated, spec_model):
    client = as_user(manager)
    response = call(client, "POST", f"{URL}/runs", {"model_id": spec_model.pk, "title": "首轮筛选"})
    assert response.status_code == 201, response.content
    run = response.json()
    assert (run["model_id"], run["version"], run["method"], run["title"], run["candidate_count"],
            run["created_by_id"]) == (spec_model.pk, 1, "weighted", "首轮筛选", 3, manager.pk)
    assert run["weights"] == pytest.approx(dict(zip(SPEC_CODES, SPEC_WEIGHTS)))
    saved = ScreeningRun.objects.get(pk=run["id"])
    assert (saved.version.model_id, saved.version.number, saved.method, saved.created_by) == (
        spec_model.pk, 1, "weighted", manager)
    assert saved.weights == pytest.approx(dict(zip(SPEC_CODES, SPEC_WEIGHTS)))
    assert [(r["name"], r["rank"]) for r in saved.result["rows"]] == [("伙伴B", 1), ("伙伴A", 2), ("伙伴C", 3)]
    detail = client.get(f"{URL}/runs/{run['id']}").json()
    rows_before = [(r["name"], round(r["score"], 2), r["rank"]) for r in detail["rows"]]
    assert rows_before == [("伙伴B", 8.40, 1), ("伙伴A", 7.85, 2), ("伙伴C", 7.25, 3)]

    # when the model changes (only cultural compatibility counts now) and ratings change
    criteria = [{"code": "cultural_compatibility", "label_zh": "文化兼容性", "weight": 1}]
    assert call(client, "POST", f"{URL}/models/{spec_model.pk}/versions", {"criteria": criteria}).status_code == 201
    assert _rate(client, rated["伙伴A"].pk, "strategic_fit", 1).status_code == 200
    live = client.get(f"{URL}/ranking", {"model_id": spec_model.pk}).json()
    assert [r["name"] for r in live["rows"]] == ["伙伴C", "伙伴B", "伙伴A"]

    # then the saved run still tells what was decided then
    after = client.get(f"{URL}/runs/{run['id']}").json()
    assert after["version"] == 1
    assert after["weights"] == run["weights"]
    assert [(r["name"], round(r["score"], 2), r["rank"]) for r in after["rows"]] == rows_before
    assert after["rows"] == detail["rows"]
    listed = client.get(f"{URL}/runs").json()
    assert [r["id"] for r in listed] == [run["id"]]


def test_run_with_topsis_saves_the_method(as_user, manager, rated, spec_model):
    run = call(as_user(manager), "POST", f"{URL}/runs", {"model_id": spec_model.pk, "method": "topsis"}).json()
    assert run["method"] == "topsis"
    assert ScreeningRun.objects.get(pk=run["id"]).method == "topsis"


def test_unknown_run_is_404(as_user, manager):
    assert_error(as_user(manager).get(f"{URL}/runs/999999"), 404, "not_found")


def test_runs_offset_beyond_any_table_is_an_empty_page(as_user, manager, rated, spec_model):
    client = as_user(manager)
    assert call(client, "POST", f"{URL}/runs", {"model_id": spec_model.pk}).status_code == 201
    assert client.get(f"{URL}/runs", {"offset": 10**20}).json() == []
    assert len(client.get(f"{URL}/runs", {"offset": -1}).json()) == 1


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_thresholds_and_monte_carlo(as_user, viewer, rated, spec_model):
    client = as_user(viewer)
    payload = {"model_id": spec_model.pk, "samples": 300, "seed": 7, "concentration": 50}
    response = call(client, "POST", f"{URL}/sensitivity", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["samples"], body["seed"], body["concentration"]) == (300, 7, 50)
    thresholds = {t["code"]: t for t in body["thresholds"]}
    assert list(thresholds) == list(SPEC_CODES)
    for code, weight in zip(SPEC_CODES, SPEC_WEIGHTS):
        t = thresholds[code]
        assert t["current"] == pytest.approx(weight)
        assert t["lower"] is None or t["lower"] < weight
        assert t["upper"] is None or t["upper"] > weight
        assert t["label"]
    # B leads on strategic fit; give resource complementarity (A's strength) enough weight and A wins
    assert thresholds["resource_complementarity"]["upper_top"] == "伙伴A"
    mc = body["monte_carlo"]
    assert [r["name"] for r in mc] == ["伙伴B", "伙伴A", "伙伴C"]
    for row in mc:
        assert 0 <= row["p_first"] <= 1
        assert 1 <= row["rank_min"] <= row["rank_mean"] <= row["rank_max"] <= 3
    assert mc[0]["p_first"] > 0.5
    assert sum(r["p_first"] for r in mc) == pytest.approx(1)

    again = call(client, "POST", f"{URL}/sensitivity", payload).json()
    assert again == body


def test_sensitivity_with_topsis(as_user, manager, rated, spec_model):
    body = call(as_user(manager), "POST", f"{URL}/sensitivity",
                {"model_id": spec_model.pk, "method": "topsis", "samples": 50}).json()
    assert len(body["thresholds"]) == 5
    assert {r["name"] for r in body["monte_carlo"]} == set(SPEC_RATINGS)
    assert all(0 <= r["p_first"] <= 1 for r in body["monte_carlo"])


@pytest.mark.parametrize("payload", [{"samples": 5}, {"samples": 100000}, {"concentration": 0}, {"seed": -1}])
def test_sensitivity_bounds_are_422(as_user, manager, rated, spec_model, payload):
    response = call(as_user(manager), "POST", f"{URL}/sensitivity", {"model_id": spec_model.pk, **payload})
    assert_error(response, 422, "validation_error")


def test_sensitivity_with_nothing_ranked_is_not_an_error(as_user, manager, spec_model, partner_a):
    body = call(as_user(manager), "POST", f"{URL}/sensitivity", {"model_id": spec_model.pk, "samples": 20}).json()
    assert body["monte_carlo"] == []
    assert all(t["lower"] is None and t["upper"] is None for t in body["thresholds"])
    assert not math.isnan(body["thresholds"][0]["current"])
