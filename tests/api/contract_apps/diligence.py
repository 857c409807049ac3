"""Contract tables for due diligence: every operation is staff-only, so no partner operations here.

Case, item, evidence and financial-year ids are internal (a partner user gets 403 before
any lookup), so the same objects serve as "own" and "other". The case belongs to
partner_b so that opening a case for partner_a (the sample body) succeeds.
"""

import atexit
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# Files this module writes under MEDIA_ROOT, removed when the test process ends. (Uploads made by
# the requests under test also land in MEDIA_ROOT; an autouse MEDIA_ROOT=tmp_path fixture in
# tests/api/conftest.py would keep them out of var/media.)
_written: list[Path] = []


@atexit.register
def _remove_written():
    for path in _written:
        path.unlink(missing_ok=True)


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/diligence/cases"): lambda w: {"partner_id": w.partner_id},
        ("POST", "/api/v1/diligence/cases/{case_id}/items"): lambda w: {"area": "legal", "title": "反垄断申报"},
        ("PATCH", "/api/v1/diligence/items/{item_id}"): lambda w: {"status": "in_progress", "finding": "资料已收到"},
        ("POST", "/api/v1/diligence/items/{item_id}/evidence"): lambda w: {"file": csv_upload()},
        ("POST", "/api/v1/diligence/cases/{case_id}/financial-years"): lambda w: {
            "year": 2024, "revenue": 120_000_000, "profit": 9_000_000, "operating_cash_flow": 5_000_000,
            "debt_ratio": 48.5},
        ("POST", "/api/v1/diligence/cases/{case_id}/financial-rating"): lambda w: {},
        ("POST", "/api/v1/diligence/cases/{case_id}/conclude"): lambda w: {"verdict": "no_go", "summary": "契约测试"},
    }


def objects(manager, partner_a, partner_b):
    from allies.diligence import evidence, services

    case = services.case_open(actor=manager, partner=partner_b)
    item = case.items.order_by("id").first()
    record = services.evidence_add(actor=manager, item=item,
                                   upload=SimpleUploadedFile("报表.pdf", PDF, content_type="application/pdf"))
    _written.append(evidence.absolute(record.stored_path))
    year = services.financial_year_add(actor=manager, case=case, year=2023, revenue=100_000_000, profit=8_000_000,
                                       operating_cash_flow=4_000_000, debt_ratio="52.5")
    ids = {"case_id": case.pk, "item_id": item.pk, "evidence_id": record.pk, "year_id": year.pk}
    return ids, dict(ids)
