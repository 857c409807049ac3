"""Contract tables for the partner registry and screening."""

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/partners"),
    ("GET", "/api/v1/partners/{partner_id}"),
    ("GET", "/api/v1/partners/{partner_id}/contacts"),
}
COMPUTATIONS = {
    ("POST", "/api/v1/screening/ahp"),
    ("POST", "/api/v1/screening/sensitivity"),
}
PARTNER_SCOPED_PARAMS = {"partner_id", "contact_id"}
SPEC_CRITERIA = ("strategic_fit", "resource_complementarity", "financial_health", "market_reputation",
                 "cultural_compatibility")


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/partners"): lambda w: {"name": "契约伙伴"},
        ("PATCH", "/api/v1/partners/{partner_id}"): lambda w: {"industry": "物流"},
        ("POST", "/api/v1/partners/{partner_id}/stage"): lambda w: {"to_stage": "contacted", "reason": "首次会面"},
        ("POST", "/api/v1/partners/{partner_id}/contacts"): lambda w: {"name": "丙联系人"},
        ("POST", "/api/v1/partners/import"): lambda w: {"file": csv_upload()},
        ("POST", "/api/v1/screening/models"): lambda w: {
            "name": "契约模型", "criteria": [{"code": "fit", "label_zh": "匹配", "weight": 1}]},
        ("POST", "/api/v1/screening/models/{model_id}/versions"): lambda w: {
            "criteria": [{"code": "strategic_fit", "label_zh": "战略匹配度", "weight": 1}]},
        ("POST", "/api/v1/screening/ahp"): lambda w: {"matrix": [[1, 3], [1 / 3, 1]]},
        ("PUT", "/api/v1/screening/ratings"): lambda w: {
            "partner_id": w.partner_id, "criterion_code": "strategic_fit", "score": 5},
        ("POST", "/api/v1/screening/runs"): lambda w: {"model_id": w.spec_model_id},
        ("POST", "/api/v1/screening/sensitivity"): lambda w: {"model_id": w.spec_model_id, "samples": 20},
    }


def objects(manager, partner_a, partner_b):
    from allies.partners import screening, services
    from allies.partners.models import ScreeningModel

    spec = ScreeningModel.objects.get(name="规范示例（五维）")
    contact_a = services.contact_add(actor=manager, partner=partner_a, name="甲联系人")
    contact_b = services.contact_add(actor=manager, partner=partner_b, name="乙联系人")
    ratings = {}
    for partner, scores in ((partner_a, (8, 9, 7, 8, 6)), (partner_b, (9, 7, 9, 9, 8))):
        for code, score in zip(SPEC_CRITERIA, scores):
            ratings[partner.pk] = screening.rating_set(actor=manager, partner=partner, criterion_code=code,
                                                       score=score)
    run = screening.screening_run_create(actor=manager, version=spec.current_version, method="weighted")
    shared = {"model_id": spec.pk, "rating_id": ratings[partner_a.pk].pk, "run_id": run.pk}
    return ({"partner_id": partner_a.pk, "contact_id": contact_a.pk, **shared},
            {"partner_id": partner_b.pk, "contact_id": contact_b.pk, **shared})
