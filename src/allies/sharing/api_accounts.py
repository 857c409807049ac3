"""REST endpoints: accounts."""

from ninja import Router

router = Router(tags=["accounts"])
