"""Building blocks for failing cases: payload navigation and the mutations that break a flow.

Every family's case module (failing_cases, igm_cases, rsf_cases, discovery_cases, ...) breaks
a valid flow — a dict of step name → payload — with these, so a case reads as what it changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Json = dict[str, Any]
Flow = dict[str, Json]
Mutation = Callable[[Flow], None]


def at(payload: Any, *path: str | int) -> Any:
    """Navigate a payload for a mutation (raises on a wrong path: a broken test, not data)."""
    for part in path:
        payload = payload[part]
    return payload


def setter(step: str, *path: str | int, value: Any) -> Mutation:
    def mutate(flow: Flow) -> None:
        at(flow[step], *path[:-1])[path[-1]] = value
    return mutate


def deleter(step: str, *path: str | int) -> Mutation:
    def mutate(flow: Flow) -> None:
        del at(flow[step], *path[:-1])[path[-1]]
    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(flow: Flow) -> None:
        for mutation in mutations:
            mutation(flow)
    return mutate
