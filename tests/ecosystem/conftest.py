import pytest


@pytest.fixture
def partner_c(db):
    from allies.partners.models import Partner

    return Partner.objects.create(name="伙伴C", industry="集成", source_channel="referral", resources=["service"])


@pytest.fixture
def upload():
    """Give an organisation (None = us) a customer list of the given customer numbers."""
    from allies.domain import matching
    from allies.sharing.accounts import matching_key
    from allies.sharing.models import Account, AccountList

    def make(owner, numbers):
        key = matching_key()
        AccountList.objects.filter(partner=owner).delete()
        lst = AccountList.objects.create(partner=owner, account_count=len(numbers))
        for n in numbers:
            ids, _p = matching.normalise_account(f"客户{n:04d}有限公司", "", "")
            h = matching.account_hashes(key, ids)
            Account.objects.create(account_list=lst, partner=owner, display_name=f"客户{n}", name_hash=h[0],
                                   uscc_hash=h[1], domain_hash=h[2])
        return lst

    return make


@pytest.fixture
def multilateral(db, partner_a, partner_b, partner_c):
    from allies.agreements.models import Agreement, AgreementParty

    ag = Agreement.objects.create(code="ML-1", title="三方联盟", status="signed")
    for p in (partner_a, partner_b):
        AgreementParty.objects.create(agreement=ag, partner=p)
    return ag
