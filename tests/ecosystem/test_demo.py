"""The demo data shows every ecosystem feature: relations, a referral, one initiative of each kind, a suggestion."""

from allies.cli.demo import load_demo
from allies.ecosystem import selectors
from allies.ecosystem.models import CoBranding, JointInvestment, LabProject, Referral, Relation


def test_demo_loads_the_ecosystem(db):
    from allies.core.models import User

    load_demo()
    assert LabProject.objects.count() == 1 and JointInvestment.objects.count() == 1 and CoBranding.objects.count() == 1
    assert Referral.objects.filter(referred_by__isnull=False).exists() and Relation.objects.exists()
    linked = list(LabProject.objects.get().ip_assets.select_related("agreement"))
    assert len(linked) == 1 and linked[0].agreement.status == "signed"
    manager = User.objects.get(username="manager")
    types = {e["type"] for e in selectors.network(user=manager).edges}
    assert {"customers", "referral", "initiative", "pilot", "business"} <= types
    assert {"agreement", "customers", "referral", "initiative", "pilot", "business"} <= types
    top = selectors.suggestions()[0]
    assert top.a != top.b and top.evidence  # e.g. 远景资本 + 锦程物流: complementary, together close a gap
    partner = User.objects.get(username="partner_h")
    assert {n["label"] for n in selectors.network(user=partner).nodes} >= {"华联集成", "远景资本"}
