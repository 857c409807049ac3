"""Fixtures for the partner tests."""

import pytest


@pytest.fixture
def counts(db):
    """A snapshot function of the rows an import may write."""
    from auditlog.models import LogEntry

    from allies.partners.models import Partner, Rating, StageChange

    def snapshot():
        return {
            "partners": Partner.objects.count(),
            "ratings": Rating.objects.count(),
            "stage_changes": StageChange.objects.count(),
            "log_entries": LogEntry.objects.count(),
        }

    return snapshot

