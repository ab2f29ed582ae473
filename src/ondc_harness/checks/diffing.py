"""One way to compare a message with an earlier one: deepdiff, reported as JSON paths.

Every cross-step check (``same_as`` in scenarios, the cross-step rules) uses :func:`diff_paths`
so a changed value is always reported the same way: the exact path, what it was, what it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from deepdiff import DeepDiff

from ondc_harness.checks.access import MISSING

ChangeKind = Literal["added", "removed", "changed"]
_PART = re.compile(r"\[('(?:[^'\\]|\\.)*'|\d+)\]")


@dataclass(frozen=True)
class Change:
    path: str
    kind: ChangeKind
    old: Any = None
    new: Any = None


def _to_json_path(deep_path: str, base: str) -> str:
    """``root['order']['items'][0]`` → ``<base>.order.items[0]`` (quoted keys when needed)."""
    out = base
    for token in _PART.findall(deep_path):
        if token.startswith("'"):
            key = token[1:-1].replace("\\'", "'")
            out += f".{key}" if key.isidentifier() else f"['{key}']"
        else:
            out += f"[{token}]"
    return out


def _canonical(value: Any) -> str:
    """Exact JSON text: unlike ``==`` it tells ``1`` from ``true`` and ``1.0``."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


def diff_paths(old: Any, new: Any, *, base: str = "$",
               exclude_regex_paths: list[str] | None = None) -> list[Change]:
    """Every difference between ``old`` and ``new`` as :class:`Change` objects, path-sorted."""
    if old is MISSING or new is MISSING:
        if old is MISSING and new is not MISSING:
            return [Change(base, "added", None, new)]
        if new is MISSING and old is not MISSING:
            return [Change(base, "removed", old, None)]
        return []
    if _canonical(old) == _canonical(new):
        return []  # the common case, and far cheaper than building a DeepDiff
    diff = DeepDiff(old, new, exclude_regex_paths=exclude_regex_paths or [], verbose_level=2,
                    ignore_order=False)
    changes: list[Change] = []
    for kind, entries in diff.items():
        if not isinstance(entries, dict):
            entries = {str(p): None for p in entries}
        for deep_path, detail in entries.items():
            path = _to_json_path(str(deep_path), base)
            if kind in ("values_changed", "type_changes"):
                info = detail or {}
                changes.append(Change(path, "changed", info.get("old_value"),
                                      info.get("new_value")))
            elif kind.endswith("_added"):
                changes.append(Change(path, "added", None, detail))
            elif kind.endswith("_removed"):
                changes.append(Change(path, "removed", detail, None))
    return sorted(changes, key=lambda c: c.path)
