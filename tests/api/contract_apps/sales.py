"""Contract tables for sales data (/api/v1/sales...) and sharing grants (/api/v1/sharing-grants).

Partner users read and write their own company's sales and uploads; sharing grants are
staff-only. ``upload_id`` names a partner-owned upload: another partner's answers 404.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/sales"),
    ("POST", "/api/v1/sales"),
    ("GET", "/api/v1/sales/summary"),
    ("GET", "/api/v1/sales/export"),
    ("POST", "/api/v1/sales/uploads"),
    ("GET", "/api/v1/sales/uploads"),
    ("GET", "/api/v1/sales/uploads/{upload_id}"),
}
PARTNER_SCOPED_PARAMS = {"upload_id"}
SALES_CSV = "外部编号,日期,产品,数量,金额\n契约-1,2026-01-15,契约产品,2,199.00\n"


def _sales_csv():
    return SimpleUploadedFile("销售.csv", SALES_CSV.encode(), content_type="text/csv")


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/sales"): lambda w: {"partner_id": w.partner_id, "rows": [
            {"external_id": "契约-2", "date": "2026-01-16", "product": "契约产品", "quantity": "1", "amount": 100}]},
        ("POST", "/api/v1/sales/uploads"): lambda w: {"file": _sales_csv(), "partner_id": w.partner_id},
        ("PUT", "/api/v1/sharing-grants"): lambda w: {"grantor_id": w.other["partner_id"],
                                                       "grantee_id": w.partner_id, "level": "aggregates"},
    }


def objects(manager, partner_a, partner_b):
    """A finished upload for each partner (partner_a's is "own")."""
    from allies.sharing import sales

    uploads = {p.pk: sales.sales_upload_create(actor=manager, partner=p, upload=_sales_csv())
               for p in (partner_a, partner_b)}
    return {"upload_id": uploads[partner_a.pk].pk}, {"upload_id": uploads[partner_b.pk].pk}
