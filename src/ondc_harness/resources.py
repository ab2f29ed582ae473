"""Where the harness finds the data files it ships with (JSON Schemas).

The schemas live at the repository root (``schemas/``) because they are generated and reviewed
there; a wheel carries a copy under ``ondc_harness/data/schemas``.  Both layouts must work without
configuration, so the lookup tries them in order instead of assuming one.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

SCHEMAS_ENV = "ONDC_HARNESS_SCHEMAS"
_MARKER = Path("common") / "ack.json"


def _candidates() -> list[Path]:
    here = Path(__file__).resolve()
    found: list[Path] = []
    override = os.environ.get(SCHEMAS_ENV)
    if override:
        found.append(Path(override))
    # src layout (editable install, repo checkout): <repo>/src/ondc_harness/resources.py
    found.append(here.parents[2] / "schemas")
    # wheel: the schemas are copied into the package as data
    found.append(here.parent / "data" / "schemas")
    return found


@lru_cache(maxsize=1)
def schemas_dir() -> Path:
    """The folder holding ``<family>/<version>/<action>.json`` and ``common/ack.json``.

    A folder only counts if it has ``common/ack.json``, so an unrelated ``schemas`` directory
    next to site-packages is never mistaken for ours.  When none is found the repo location is
    returned anyway: lookups then find no schema and callers report "no schema" instead of
    crashing.
    """
    candidates = _candidates()
    for candidate in candidates:
        if (candidate / _MARKER).is_file():
            return candidate
    return candidates[-2]
