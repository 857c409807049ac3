"""Each test starts with an empty cache: cached document frequencies from another test's rolled-back rows would
shift the ranking."""

import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
