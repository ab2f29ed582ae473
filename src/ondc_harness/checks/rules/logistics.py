"""Logistics business rules (``LOG-…``) for ``nic2004:60232``, ``ONDC:LOG10`` (P2P) and
``ONDC:LOG11`` (P2H2P), core_version 1.0.0 to 1.2.5.

Importing this module registers every logistics rule; the rules live in topic modules:

* :mod:`.logistics_discovery` — search (``LOG-SEARCH``);
* :mod:`.logistics_catalog` — the catalogue, on_search (``LOG-CAT``);
* :mod:`.logistics_order` — init, confirm, on_confirm, the linked order (``LOG-INIT``,
  ``LOG-ORDER``, ``LOG-CONFIRM``, ``LOG-LINKED``, ``LOG-ONCONF``);
* :mod:`.logistics_quote` — quote and payment (``LOG-QUOTE``, ``LOG-PAY``);
* :mod:`.logistics_xstep` — what later messages keep from earlier ones (``LOG-XSTEP``);
* :mod:`.logistics_status` — fulfillment states, AWB and tracking (``LOG-STATUS``,
  ``LOG-TRANS``, ``LOG-STATE``, ``LOG-AWB``, ``LOG-TRACK``);
* :mod:`.logistics_cancel` — cancellation, return to origin and updates (``LOG-CANCEL``,
  ``LOG-RTO``, ``LOG-UPDATE``).

Shared helpers and the domain tables are in :mod:`.logistics_common`.  The context rules
(``CTX-…``) apply to logistics as to every domain and are not repeated here.
"""

from ondc_harness.checks.rules import (  # noqa: F401  (imported for their registrations)
    logistics_cancel,
    logistics_catalog,
    logistics_discovery,
    logistics_order,
    logistics_quote,
    logistics_status,
    logistics_xstep,
)
