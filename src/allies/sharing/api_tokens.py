"""REST endpoints for the caller's API tokens (/api/v1/tokens): list, issue, revoke."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from allies.api.schemas import DbId, StrictIn, errors
from allies.sharing import tokens
from allies.sharing.models import ApiToken

router = Router(tags=["tokens"])


class TokenIn(StrictIn):
    description: str = Field("", max_length=200)
    expires_at: datetime | None = Field(None, description="ISO 8601; without an offset it is read in the server's zone")
    read_only: bool = False
    allowed_ips: list[str] = Field([], max_length=tokens.MAX_IP_RANGES,
                                   description="CIDR ranges (IPv4 or IPv6); empty: any address")


class TokenOut(Schema):
    id: int
    user_id: int
    display: str = Field(description="allies_<key>_…<last four characters of the secret>")
    description: str
    read_only: bool
    allowed_ips: list[str]
    status: str = Field(description="active, expired or revoked")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The full token. Shown in this answer only: it cannot be retrieved again.")


class TokenFilters(Schema):
    all: bool = Field(False, description="Every user's tokens (administrators only)")


def token_out(token: ApiToken) -> dict:
    data = {f: getattr(token, f) for f in ("id", "user_id", "description", "read_only", "allowed_ips", "created_at",
                                           "expires_at", "last_used_at", "revoked_at")}
    return {**data, "display": tokens.display(token), "status": tokens.token_status(token)}


@router.get("/tokens", response={200: list[TokenOut], **errors(401, 403, 422)}, summary="List your API tokens")
def list_tokens(request, filters: Query[TokenFilters]):
    return [token_out(t) for t in tokens.token_list(user=request.auth, everyone=filters.all)]


@router.post("/tokens", response={201: TokenCreatedOut, **errors(401, 403, 409, 422)},
             summary="Issue an API token for yourself (the secret is shown once)")
def create_token(request, payload: TokenIn):
    issued = tokens.token_create(actor=request.auth, via_token=getattr(request, "api_token", None), **payload.dict())
    return Status(201, {**token_out(issued.token), "token": issued.plaintext})


@router.delete("/tokens/{token_id}", response={204: None, **errors(401, 403, 404, 422)},
               summary="Revoke an API token (yours; any, for an administrator)")
def revoke_token(request, token_id: DbId):
    tokens.token_revoke(actor=request.auth, token=tokens.token_get(user=request.auth, token_id=token_id))
    return Status(204, None)
