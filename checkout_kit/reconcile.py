"""Reconcile with Stripe: fulfill every completed kit session the store lacks.

Stripe's advice for recovery ("manually trigger fulfillment"): list the account's complete
Checkout Sessions since a date and run each one the store does not know (or knows in an
older state) through the same idempotent `fulfill_checkout` the webhook uses. A session the
store already holds in the state Stripe reports is left alone, so a second run changes
nothing. Run by `python -m checkout_kit reconcile [--since 3d]` and, once a day, by the
cron route for the last three days.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("checkout_kit.reconcile")

DEFAULT_SINCE_S = 3 * 86400
ORDER_MISSING = "order_missing"
SPAN = re.compile(r"([0-9]{1,4})\s*([dhm])")
UNITS = {"d": 86400, "h": 3600, "m": 60}


@dataclass
class Report:
    checked: int = 0
    fixed: list[tuple[str, str, str]] = field(default_factory=list)  # (session id, reference, what was done)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (session id, why)


def parse_span(text: str) -> float:
    """`3d`, `12h`, `90m` → seconds; ValueError for anything else."""
    match = SPAN.fullmatch(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError("give a span like 3d, 12h or 90m")
    return int(match.group(1)) * UNITS[match.group(2)]


def reconcile(services: Any, since_s: float = DEFAULT_SINCE_S, actor: str = "cli", client: str | None = None,
              gateway: Any = None) -> Report:
    """Fulfill what the store lacks among the kit's sessions completed in the last `since_s` seconds."""
    from checkout_kit import alerts, audit, outbox
    from checkout_kit.fulfillment import FULFILLED, UPDATED, fulfill_checkout, order_state
    from checkout_kit.checkout import is_kit
    from checkout_kit.store.records import SETTLED

    gateway = gateway or services.gateway
    store = services.store
    report = Report()
    since = int(time.time() - since_s)
    for session in gateway.list_all("/v1/checkout/sessions", {"status": "complete", "created": {"gte": since}},
                                    what="list complete checkout sessions"):
        if not is_kit(session):
            continue
        report.checked += 1
        stored = store.get_order(session["id"])
        # The list shows payment_status but not the payment intent: "awaiting" is the most it can tell.
        if stored is not None and (stored.status == order_state(session) or stored.status in SETTLED):
            continue
        try:
            result = fulfill_checkout(services, session["id"], gateway=gateway)
        except Exception as exc:
            report.failed.append((session["id"], type(exc).__name__))
            log.exception("reconcile: %s failed", session["id"])
            continue
        outbox.after_commit(services, result.jobs, limit=0)
        if result.outcome in (FULFILLED, UPDATED):
            what = "recorded and fulfilled" if stored is None else f"moved from {stored.status} to {result.order.status}"
            reference = result.order.reference if result.order else ""
            report.fixed.append((session["id"], reference, what))
            detail = f"{session['id']}: {what} (its webhook never arrived or was lost)"
            alerts.report(services, ORDER_MISSING, session["id"], detail)
    audit.record(services, actor, "reconcile", None,
                 f"checked {report.checked} session(s) since {since}, fixed {len(report.fixed)}", client)
    return report
