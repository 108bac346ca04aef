"""Shipments: the merchant's order notice lists what to ship and where; `python -m
checkout_kit orders ship ORDER --carrier … --tracking …` marks the lines shipped and emails
the buyer once per tracking number."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from checkout_kit import emails, outbox
from checkout_kit.fulfillment.kinds import SHIPPED, TO_SHIP, Plan, PlanContext, View, ViewContext
from checkout_kit.store.records import SETTLED, Job, Order

log = logging.getLogger("checkout_kit.shipments")
TEMPLATE = "shipped"


def plan(ctx: PlanContext) -> Plan:
    return Plan(status=TO_SHIP, record={"type": "shipment"})


def view(ctx: ViewContext) -> View:
    result = View(kind="shipment", title=ctx.item.description, status=ctx.item.fulfillment_status)
    record = ctx.item.fulfillment
    if record.get("tracking_number"):
        result.lines.append("On its way.")
        result.facts += [("Carrier", str(record.get("carrier") or "")), ("Tracking", str(record["tracking_number"]))]
    elif ctx.refunded:
        result.lines.append("Refunded: nothing more will be sent.")
    else:
        result.lines.append("We are preparing it and email you when it ships.")
    return result


class ShipError(ValueError):
    """The shipment cannot be recorded as asked (the message says why)."""


@dataclass
class Shipped:
    order: Order
    positions: list[int]
    new: bool  # False: this tracking number was recorded before (no second email)
    jobs: list[Job]


def ship(services: Any, order: Order, carrier: str, tracking: str, positions: list[int] | None = None) -> Shipped:
    """Mark shipment lines shipped with this tracking number and queue the buyer's email, once
    per tracking number (running it again changes nothing). Jobs returned leased to the caller."""
    carrier, tracking = carrier.strip(), tracking.strip()
    if not carrier or not tracking or len(carrier) > 100 or len(tracking) > 100:
        raise ShipError("give --carrier and --tracking (each at most 100 characters)")
    if order.status not in SETTLED:
        raise ShipError(f"order is {order.status}, not paid: nothing to ship")
    lines = [i for i in order.items if i.fulfillment_type == "shipment"]
    if positions:
        unknown = sorted(set(positions) - {i.position for i in lines})
        if unknown:
            raise ShipError(f"no shipment line at position(s) {', '.join(map(str, unknown))}")
        lines = [i for i in lines if i.position in positions]
    if not lines:
        raise ShipError("this order has nothing to ship")
    token = outbox.new_token()
    with services.store.transaction() as tx:
        new = tx.record_shipment(order.session_id, carrier, tracking, [i.position for i in lines])
        jobs: list[Job] = []
        if new:
            for item in lines:
                item.fulfillment_status = SHIPPED
                item.fulfillment = {**item.fulfillment, "carrier": carrier, "tracking_number": tracking}
                tx.set_item_fulfillment(order.session_id, item.position, SHIPPED, item.fulfillment)
            job = emails.queue(tx, f"ship:{order.session_id}:{tracking}", TEMPLATE, order.customer_email, order,
                               context={"carrier": carrier, "tracking_number": tracking,
                                        "shipped": [i.description for i in lines]},
                               lease=(token, outbox.lease_seconds(services.settings)))
            jobs = [job] if job else []
    log.info("order %s: %s shipment %s %s", order.session_id, "recorded" if new else "already had", carrier, tracking)
    return Shipped(order, [i.position for i in lines], new, jobs)
