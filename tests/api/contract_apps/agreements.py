"""Contract tables for agreements.

Partner users read the agreements their company is party to: the list, the detail, the
deadlines, the .docx and the signed scan; everything else is staff-only. The objects are
complete agreements in review (so they can be edited, signed, deleted and given a scan),
each with an IP asset, a signed scan and version 1.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# The paths this module's objects serve: the contract world builds them only for these.
PREFIXES = ("/api/v1/agreements",)

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/agreements"),
    ("GET", "/api/v1/agreements/deadlines"),
    ("GET", "/api/v1/agreements/{agreement_id}"),
    ("GET", "/api/v1/agreements/{agreement_id}/document"),
    ("GET", "/api/v1/agreements/{agreement_id}/scans/{scan_id}"),
}
PARTNER_SCOPED_PARAMS = {"agreement_id", "asset_id", "scan_id"}


def _pdf():
    return SimpleUploadedFile("签署扫描件.pdf", PDF, content_type="application/pdf")


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/agreements"): lambda w: {
            "title": "契约协议", "cooperation_models": ["joint_sales"],
            "parties": [{"partner_id": w.partner_id, "role": "渠道方"}]},
        ("PATCH", "/api/v1/agreements/{agreement_id}"): lambda w: {"goals": "契约目标"},
        ("POST", "/api/v1/agreements/{agreement_id}/status"): lambda w: {"to_status": "signed"},
        ("POST", "/api/v1/agreements/{agreement_id}/ip-assets"): lambda w: {
            "name": "联合品牌", "kind": "trademark", "owner": "joint", "usage": {"us": "full"}},
        ("PATCH", "/api/v1/agreements/{agreement_id}/ip-assets/{asset_id}"): lambda w: {"confidentiality": "secret"},
        ("POST", "/api/v1/agreements/{agreement_id}/scans"): lambda w: {"file": _pdf()},
    }


def objects(manager, partner_a, partner_b):
    from allies.agreements import services
    from tests.agreements.conftest import complete_data

    def agreement_of(partner):
        agreement = services.agreement_create(actor=manager, data={
            **complete_data(partner), "title": f"{partner.name} 联盟协议"})
        asset = services.ip_asset_add(actor=manager, agreement=agreement, data={
            "name": f"{partner.name} 数据接口", "kind": "software", "owner": "partner",
            "owner_partner_id": partner.pk, "usage": {"us": "non_exclusive"}})
        services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
        scan = services.scan_attach(actor=manager, agreement=agreement, upload=_pdf())
        return {"agreement_id": agreement.pk, "asset_id": asset.pk, "scan_id": scan.pk, "number": 1}

    return agreement_of(partner_a), agreement_of(partner_b)
