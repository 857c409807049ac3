"""REST endpoints of knowledge (mounted under /api/v1/ by allies.api.main)."""

from ninja import Router

router = Router(tags=["knowledge"])
