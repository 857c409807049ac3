"""Demo data of governance, loaded by `allies demo` after the earlier stages' demo data."""


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
