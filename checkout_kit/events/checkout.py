"""Checkout Sessions: a completed, settled, failed or expired session becomes (or moves) its order.

All four events lead to the same idempotent `fulfill_checkout`, which re-reads the session:
whatever order they arrive in, the order ends in the state Stripe's session says.
"""

from __future__ import annotations

from typing import Any

from checkout_kit.events import Event, Outcome

EVENT_TYPES = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)


def handle(services: Any, event: Event, gateway: Any) -> Outcome:
    from checkout_kit.fulfillment import fulfill_checkout

    result = fulfill_checkout(services, event.object_id, event, gateway)
    return Outcome(result.outcome, result.jobs, logged=result.logged, claim_after=False)
