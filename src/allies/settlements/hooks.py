"""Who is told when a party disputes a settlement statement.

Conflicts live in a later stage (governance), which may import settlements but not the
reverse; so governance registers a handler here from its AppConfig.ready(), the same way
the pipeline's stage gates are registered (see partners/gates.py).
"""

from collections.abc import Callable

# handler(statement, actor, reason) -> None
_DISPUTE_HANDLERS: list[Callable] = []


def on_dispute(handler: Callable) -> Callable:
    if handler not in _DISPUTE_HANDLERS:
        _DISPUTE_HANDLERS.append(handler)
    return handler


def dispute_raised(statement, actor, reason: str) -> None:
    """Called by settlements.services when a statement is disputed, inside its transaction."""
    for handler in list(_DISPUTE_HANDLERS):
        handler(statement, actor, reason)
