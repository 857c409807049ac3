"""REST endpoints of settlements (mounted under /api/v1/ by allies.api.main)."""

from ninja import Router

router = Router(tags=["settlements"])
