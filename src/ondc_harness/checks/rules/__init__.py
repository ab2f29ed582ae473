"""Business rules by topic.  Importing this package registers every rule in the catalogue."""

from ondc_harness.checks.rules import (  # noqa: F401  (imported for their registrations)
    cancellation,
    catalog,
    context,
    cross_step,
    discovery,
    fulfillment,
    igm,
    lifecycle,
    logistics,
    order_state,
    payment,
    post_order,
    quote,
    rating_support,
    requests,
    rsf,
    terms,
    tracking,
    transitions,
)
