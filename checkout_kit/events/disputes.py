"""Disputes: re-read the dispute, record it, alert the merchant when it opens and closes."""

from __future__ import annotations

from typing import Any

from checkout_kit.events import Event, Outcome

EVENT_TYPES = (
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
)


def handle(services: Any, event: Event, gateway: Any) -> Outcome:
    from checkout_kit import disputes

    return disputes.handle(services, event, gateway)
