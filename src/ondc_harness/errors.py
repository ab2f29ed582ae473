"""The root of the harness's own exceptions (see the hierarchy in ``ondc_harness``'s docstring).

Findings about a participant are never exceptions; these are for mistakes in what the *user*
gave the harness (scenarios, templates, configuration) and for rejected signatures.
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base class: catch this to handle any harness-raised error in one place."""
