"""Embedded reference participants: real servers that speak ONDC correctly, or break on demand.

``ReferenceSeller`` is the Retail 1.2.5 seller app that ``pytest suites/retail`` runs against
when no participant is configured; :mod:`faults` names the ways it can be told to misbehave.
"""

from ondc_harness.reference.faults import FAULTS, Fault, parse_faults
from ondc_harness.reference.seller import ReferenceSeller, ReferenceSellerConfig

__all__ = ["FAULTS", "Fault", "ReferenceSeller", "ReferenceSellerConfig", "parse_faults"]
