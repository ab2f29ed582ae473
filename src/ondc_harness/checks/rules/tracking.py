"""Tracking rules (``RET-TRACK-…``): on_track answers for a tracked fulfillment.

Sources: RULES-REFERENCE.md (track/on_track: tracking url or location when tracking is true),
retail-1.2/notes/on_track/on_track.yaml ([^1] id is the tracked fulfillment's; [^5] status
active/inactive, location empty when inactive) and the 1.2.5 validator (ON_TRACK_TRACKING).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from ondc_harness.checks.access import MISSING, get, get_dict, get_list, items_of
from ondc_harness.checks.catalog import CheckContext, rule
from ondc_harness.checks.findings import Severity, Violation, json_path
from ondc_harness.checks.rules._common import RETAIL, earlier, member, order_of

_R = "RULES-REFERENCE.md"
_NOTES = "retail-1.2/notes/on_track/on_track.yaml"
TRACKING_STATUSES: Final = frozenset({"active", "inactive"})


@rule("RET-TRACK-001", "Active tracking carries a url or a location gps", Severity.MAJOR,
      spec=f"{_R} track/on_track (tracking url or location when tracking is true); {_NOTES} "
      "[^2], [^5]", actions=["on_track"], domains=RETAIL)
def active_has_position(ctx: CheckContext) -> Iterator[Violation]:
    """"active" promises the buyer a live position; without url or gps there is nothing to show."""
    tracking = get_dict(ctx.payload, "message", "tracking")
    if tracking.get("status") != "active":
        return
    url = tracking.get("url")
    gps = get(tracking, "location", "gps")
    if not (isinstance(url, str) and url.strip()) and not (isinstance(gps, str) and gps.strip()):
        yield Violation(json_path("message", "tracking"),
                        "tracking is active but has neither url nor location.gps",
                        expected="tracking.url or tracking.location.gps", actual=None)


@rule("RET-TRACK-002", "Tracking status is active or inactive", Severity.MAJOR,
      spec=f"{_NOTES} [^5]; automation-1.2.5/RET11-1.2.5/validations/index.yaml TRACKING_STATUS",
      actions=["on_track"], domains=RETAIL)
def tracking_status(ctx: CheckContext) -> Iterator[Violation]:
    """Buyer apps switch their tracking view on this value."""
    tracking = get_dict(ctx.payload, "message", "tracking")
    status = tracking.get("status", MISSING)
    if isinstance(get(ctx.payload, "message", "tracking"), dict) and not member(
            status, TRACKING_STATUSES):
        yield Violation(json_path("message", "tracking", "status"), "unknown tracking status",
                        expected=sorted(TRACKING_STATUSES),
                        actual=None if status is MISSING else status)


@rule("RET-TRACK-003", "on_track names a fulfillment of the order that has tracking enabled",
      Severity.MAJOR, spec=f"{_NOTES} [^1] (id of the fulfillment with tracking enabled)",
      actions=["on_track"], domains=RETAIL)
def tracked_fulfillment(ctx: CheckContext) -> Iterator[Violation]:
    """Tracking for an unknown or untracked fulfillment cannot be shown against the order."""
    fid = get(ctx.payload, "message", "tracking", "id")
    if not isinstance(fid, str):
        return
    reference = next((m for m in reversed(earlier(ctx))
                      if m.action in ("on_confirm", "on_status", "on_update")
                      and get_list(order_of(m.payload), "fulfillments")), None)
    if reference is None:
        return
    fulfillments = {f["id"]: f for _, f in items_of(order_of(reference.payload),
                                                    "fulfillments") if isinstance(f.get("id"), str)}
    if not fulfillments:
        return
    path = json_path("message", "tracking", "id")
    if fid not in fulfillments:
        yield Violation(path, f"fulfillment {fid!r} is not in the order (as of "
                        f"{reference.action})", expected=sorted(fulfillments),
                        actual=fid)
    elif fulfillments[fid].get("tracking") is False:
        yield Violation(path, f"fulfillment {fid!r} has tracking disabled (as of "
                        f"{reference.action})", expected="a fulfillment with tracking: true",
                        actual=fid)
