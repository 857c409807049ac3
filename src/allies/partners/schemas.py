"""API schemas for partners, contacts and stage history."""

from datetime import datetime

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn


class PartnerIn(StrictIn):
    name: str = Field(..., max_length=200)
    uscc: str = ""
    industry: str = ""
    region: str = ""
    size: str = ""
    website: str = ""
    source_channel: str = ""
    resources: list[str] = []
    stage: str = ""
    notes: str = ""


class PartnerPatch(StrictIn):
    name: str | None = None
    uscc: str | None = None
    industry: str | None = None
    region: str | None = None
    size: str | None = None
    website: str | None = None
    source_channel: str | None = None
    resources: list[str] | None = None
    notes: str | None = None
    owner_id: DbId | None = None


class PartnerOut(Schema):
    """A partner. Internal fields (stage, source, owner, notes) are null for partner users."""

    id: int
    name: str
    uscc: str
    industry: str
    region: str
    size: str
    website: str
    resources: list[str]
    stage: str | None
    source_channel: str | None
    owner_id: int | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


class PartnerPage(Schema):
    count: int
    items: list[PartnerOut]


class StageChangeIn(StrictIn):
    to_stage: str
    reason: str
    override: bool = False


class StageChangeOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    reason: str
    override: bool
    changed_by_id: int | None
    changed_at: datetime


class ContactIn(StrictIn):
    name: str = Field(..., max_length=100)
    title: str = ""
    email: str = ""
    phone: str = ""


class ContactOut(Schema):
    id: int
    partner_id: int
    name: str
    title: str
    email: str
    phone: str


class ImportRowError(Schema):
    row: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    created: int
    updated: int
    ratings: int
