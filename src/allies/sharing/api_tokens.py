"""REST endpoints: tokens."""

from ninja import Router

router = Router(tags=["tokens"])
