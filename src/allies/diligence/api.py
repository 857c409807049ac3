"""REST endpoints for diligence."""

from ninja import Router

router = Router(tags=["diligence"])
