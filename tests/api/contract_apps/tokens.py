"""Contract tables for API tokens (/api/v1/tokens).

Tokens belong to users, not partner companies: every user, partner users included,
manages its own. ``token_id`` is scoped like a partner-owned row: another user's token
(here: a user of partner_b) answers 404. "own" is the manager's token, so the manager
may revoke it; a partner user or viewer asking for it gets 404 (covered in
tests/sharing/test_tokens.py). SELF_SERVICE lists the writes any active user may make on
its own things: they are neither staff-only nor refused to viewers.
"""

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/tokens"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{token_id}"),
}
SELF_SERVICE = {
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{token_id}"),
}
PARTNER_SCOPED_PARAMS = {"token_id"}


def sample_bodies(csv_upload):
    return {("POST", "/api/v1/tokens"): lambda w: {"description": "契约令牌", "allowed_ips": ["10.0.0.0/8"]}}


def objects(manager, partner_a, partner_b):
    from allies.core.models import User
    from allies.sharing.tokens import token_create

    owner_b = User.objects.create_user(username="contract-token-owner-b", role="partner", partner=partner_b)
    own = token_create(actor=manager, description="经理的令牌").token
    other = token_create(actor=owner_b, description="伙伴B用户的令牌").token
    return {"token_id": own.pk}, {"token_id": other.pk}
