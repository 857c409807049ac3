"""REST endpoints for pilots."""

from ninja import Router

router = Router(tags=["pilots"])
