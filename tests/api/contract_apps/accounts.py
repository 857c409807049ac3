"""Contract tables for joint customers: account lists, overlap queries, customer registrations."""

from django.core.files.uploadedfile import SimpleUploadedFile

PARTNER_OPERATIONS = {
    ("POST", "/api/v1/account-lists"),
    ("GET", "/api/v1/account-lists"),
    ("GET", "/api/v1/account-lists/{list_id}"),
    ("GET", "/api/v1/account-lists/{list_id}/accounts"),
    ("POST", "/api/v1/overlap-queries"),
    ("GET", "/api/v1/overlap-queries"),
    ("GET", "/api/v1/overlap-queries/{query_id}"),
    ("GET", "/api/v1/registrations"),
    ("POST", "/api/v1/registrations"),
    ("GET", "/api/v1/registrations/{registration_id}"),
    ("PATCH", "/api/v1/registrations/{registration_id}"),
}
PARTNER_SCOPED_PARAMS = {"list_id", "query_id", "registration_id"}
SHARED_CUSTOMER = "契约共同客户有限公司"


def _accounts_csv():
    return SimpleUploadedFile("客户.csv", f"公司名称,网站\n{SHARED_CUSTOMER},contract.example.com\n".encode(),
                              content_type="text/csv")


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/account-lists"): lambda w: {"file": _accounts_csv()},
        ("POST", "/api/v1/overlap-queries"): lambda w: {"partner_id": w.partner_id, "with_us": True},
        ("POST", "/api/v1/registrations"): lambda w: {"partner_id": w.partner_id, "customer_name": "契约新客户",
                                                      "value": 100_00, "stage": "lead"},
        ("PATCH", "/api/v1/registrations/{registration_id}"): lambda w: {"stage": "qualified"},
        ("POST", "/api/v1/registrations/{registration_id}/decision"): lambda w: {"winner": "new",
                                                                                 "note": "契约裁定"},
    }


def objects(manager, partner_a, partner_b):
    """Each partner has a list, a past query and a registration; partner_a's is in conflict with
    partner_b's earlier one, so a manager can decide it."""
    from allies.domain import matching
    from allies.sharing.accounts import matching_key
    from allies.sharing.models import Account, AccountList, CustomerRegistration, OverlapQuery

    key = matching_key()
    hashes = matching.account_hashes(key, matching.normalise_account(SHARED_CUSTOMER)[0])
    own, other = {}, {}
    for partner, ids in ((None, None), (partner_b, other), (partner_a, own)):
        account_list = AccountList.objects.create(partner=partner, filename="名单.csv", account_count=1)
        account = Account.objects.create(account_list=account_list, partner=partner, display_name=SHARED_CUSTOMER,
                                         name_hash=hashes[0])
        if ids is None:
            continue
        query = OverlapQuery.objects.create(partner=partner, left_partner=partner, with_us=True,
                                            level="aggregates", matched=1,
                                            matches={"left_list": account_list.pk, "accounts": [account.pk]})
        registration = CustomerRegistration.objects.create(
            partner=partner, customer_name=SHARED_CUSTOMER, match_keys=[hashes[0]], protected_until="2099-12-31",
            status=CustomerRegistration.CONFLICT if partner == partner_a else CustomerRegistration.ACTIVE,
            conflict_with=CustomerRegistration.objects.filter(partner=partner_b).first())
        ids.update(list_id=account_list.pk, query_id=query.pk, registration_id=registration.pk)
    return own, other
