"""Page bounds for list endpoints: a capped page size and an offset the database can take."""

from django.conf import settings

# Far beyond any table, and small enough that OFFSET + LIMIT stays a signed 64-bit integer
# (SQLite refuses larger numbers with an error instead of an empty page).
MAX_OFFSET = 2**62


def page_slice(limit: int, offset: int) -> slice:
    """The rows of one page: at most ALLIES_API_MAX_PAGE_SIZE of them, from a non-negative offset."""
    limit = max(1, min(limit, settings.ALLIES_API_MAX_PAGE_SIZE))
    offset = min(max(0, offset), MAX_OFFSET)
    return slice(offset, offset + limit)
