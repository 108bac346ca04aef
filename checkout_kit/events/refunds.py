"""Refunds: every refund event re-reads the charge with its refunds and brings the order up to
date (`refunds.apply_charge`), so duplicates, replays and any order of arrival end the same."""

from __future__ import annotations

from typing import Any

from checkout_kit.events import Event, Outcome

EVENT_TYPES = (
    "charge.refunded",
    "refund.created",
    "refund.updated",
    "refund.failed",
)


def handle(services: Any, event: Event, gateway: Any) -> Outcome:
    from checkout_kit import refunds

    charge_id = event.object_id
    if not charge_id.startswith(("ch_", "py_")):  # a refund event: its charge holds the whole story
        charge_id = gateway.retrieve_refund(event.object_id)["charge"]
    return refunds.apply_charge(services, event, gateway.retrieve_charge(charge_id))
