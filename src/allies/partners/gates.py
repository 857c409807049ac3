"""Stage gates: the rules a pipeline move must pass, registered by the stages that own them.

The registry lets a later lifecycle stage (due diligence, agreements) add a rule to the
pipeline without the partner registry importing it: `diligence` registers "into pilot
only with due diligence concluded", `agreements` will register "into active only with a
signed agreement". Each rule has a text shown on the pipeline board and a check that
returns why a move is blocked, or None.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Gate:
    key: str
    to_stage: str
    rule: str | Promise
    check: Callable[[object], str | None]


_GATES: dict[str, Gate] = {}


def register(gate: Gate) -> None:
    """Add (or replace, by key) a rule. Called from an app's AppConfig.ready()."""
    _GATES[gate.key] = gate


def rules(to_stage: str | None = None) -> list[Gate]:
    return [g for g in _GATES.values() if to_stage is None or g.to_stage == to_stage]


def blocking_reasons(partner, to_stage: str) -> list[str]:
    """Why moving ``partner`` into ``to_stage`` is blocked; empty when every rule passes."""
    reasons = []
    for gate in rules(to_stage):
        reason = gate.check(partner)
        if reason:
            reasons.append(str(reason))
    return reasons
