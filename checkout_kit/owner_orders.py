"""Owner commands for orders: `python -m checkout_kit orders list|show|ship|refund`.

Every ORDER argument is the order's reference (the 8 characters on the buyer's receipt) or
its Checkout Session id. Each command says what it did, in words, and never prints a secret.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from checkout_kit.config import ConfigError
from checkout_kit.money import decimals, format_amount
from checkout_kit.store.records import Order, order_reference


def _services() -> Any:
    from checkout_kit import catalog as catalog_module
    from checkout_kit.services import shared

    try:
        services = shared()
        _ = services.catalog
        return services
    except (ConfigError, catalog_module.CatalogError) as exc:
        print(f"Configuration problem — {exc}", file=sys.stderr)
        return None


def _order(services: Any, ref: str) -> Order | None:
    order = services.store.find_order(ref)
    if order is None:
        print(f"No order {ref!r}: give the 8-character reference from the receipt (like 6065CF8A) or the "
              "Checkout Session id (cs_…). `orders list` shows recent ones.", file=sys.stderr)
    return order


def _when(stamp: float | None) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "-"


def parse_amount(text: str, currency: str) -> int:
    """"5", "5.00" or "5,00" in the order's currency -> its smallest unit (500). ValueError if not."""
    places = decimals(currency)
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount (like 5.00)") from None
    units = value * (10 ** places)
    if value <= 0 or units != units.to_integral_value():
        raise ValueError(f"{text!r} is not a positive amount with at most {places} decimals")
    return int(units)


def orders_list(limit: int = 20) -> int:
    services = _services()
    if services is None:
        return 2
    orders = services.store.list_orders(limit)
    if not orders:
        print("No orders yet.")
        return 0
    print(f"{'reference':<10} {'created':<16} {'status':<19} {'total':>11}  customer / items")
    for order in orders:
        items = ", ".join(f"{i.quantity} × {i.description}" for i in order.items)
        print(f"{order_reference(order.session_id):<10} {_when(order.created_at):<16} {order.status:<19} "
              f"{format_amount(order.amount_total, order.currency):>11}  {order.customer_email or '-'}: {items}")
    return 0


def orders_show(ref: str) -> int:
    services = _services()
    if services is None:
        return 2
    order = _order(services, ref)
    if order is None:
        return 2
    store = services.store
    print(f"Order {order_reference(order.session_id)} ({order.session_id}), {'live' if order.livemode else 'test mode'}")
    print(f"  status     {order.status}, paid {_when(order.paid_at)}")
    print(f"  customer   {order.customer_name or '-'} <{order.customer_email or '-'}>")
    print(f"  total      {format_amount(order.amount_total, order.currency)}"
          + (f", refunded {format_amount(order.amount_refunded, order.currency)}" if order.amount_refunded else ""))
    for item in order.items:
        extra = ""
        if item.fulfillment.get("tracking_number"):
            extra = f" ({item.fulfillment.get('carrier')} {item.fulfillment['tracking_number']})"
        print(f"  [{item.position}] {item.quantity} × {item.description}  {format_amount(item.amount_total, item.currency)}"
              f"  {item.fulfillment_type}: {item.fulfillment_status}{extra}")
    tickets = store.tickets(order.session_id)
    if tickets:
        used = sum(1 for t in tickets if t.checked_in_at)
        void = sum(1 for t in tickets if t.voided_at)
        print(f"  tickets    {len(tickets)} issued, {used} checked in" + (f", {void} void (refunded)" if void else ""))
    for shipment in store.shipments(order.session_id):
        print(f"  shipped    {_when(shipment.shipped_at)} {shipment.carrier} {shipment.tracking_number}")
    for refund in store.refunds(order.session_id):
        print(f"  refund     {_when(refund.created_at)} {format_amount(refund.amount, refund.currency)} {refund.status}"
              + (f" ({refund.failure_reason})" if refund.failure_reason else ""))
    if order.payment_intent:
        for dispute in store.disputes(order.payment_intent):
            print(f"  dispute    {dispute.dispute_id} {format_amount(dispute.amount, dispute.currency)} "
                  f"{dispute.reason} {dispute.status}")
    for email in store.emails(order.session_id):
        print(f"  email      {email.kind} to {email.recipient}: {email.status}"
              + (f" ({email.last_error})" if email.last_error else ""))
    return 0


def orders_ship(ref: str, carrier: str, tracking: str, items: list[int] | None = None) -> int:
    from checkout_kit import outbox
    from checkout_kit.fulfillment import shipment

    services = _services()
    if services is None:
        return 2
    order = _order(services, ref)
    if order is None:
        return 2
    try:
        shipped = shipment.ship(services, order, carrier, tracking, items)
    except shipment.ShipError as exc:
        print(f"Not shipped: {exc}.", file=sys.stderr)
        return 2
    names = ", ".join(i.description for i in order.items if i.position in shipped.positions)
    reference = order_reference(order.session_id)
    if not shipped.new:
        print(f"Order {reference} was already marked shipped with {carrier} {tracking}; nothing sent again.")
        return 0
    result = outbox.after_commit(services, shipped.jobs, limit=0)
    print(f"Order {reference}: marked shipped ({names}) with {carrier.strip()} {tracking.strip()}.")
    if not order.customer_email:
        print("The order has no customer email: nobody was told.")
    elif result.done:
        print(f"Emailed {order.customer_email} the tracking number.")
    else:
        print(f"The email to {order.customer_email} is queued and will be retried "
              "(python -m checkout_kit jobs retry).")
    return 0


def orders_refund(ref: str, amount: str | None = None, reason: str | None = None) -> int:
    from checkout_kit import refunds
    from checkout_kit.stripe_gateway import GatewayError

    services = _services()
    if services is None:
        return 2
    if not services.settings.stripe_secret_key:
        print("STRIPE_SECRET_KEY is not set: refunds go through Stripe.", file=sys.stderr)
        return 2
    order = _order(services, ref)
    if order is None:
        return 2
    try:
        cents = parse_amount(amount, order.currency) if amount is not None else None
        issued = refunds.issue(services, order, cents, reason)
    except (ValueError, refunds.RefundError) as exc:
        print(f"Not refunded: {exc}.", file=sys.stderr)
        return 2
    except GatewayError as exc:
        print(f"Stripe refused the refund: {exc.detail}", file=sys.stderr)
        return 1
    refund = issued.refund
    after = services.store.get_order(order.session_id) or order
    print(f"Refunded {format_amount(int(refund['amount']), order.currency)} of order "
          f"{order_reference(order.session_id)} ({refund['id']}, {refund['status']}). The order is now "
          f"{after.status}: {format_amount(after.amount_refunded, after.currency)} of "
          f"{format_amount(after.amount_total, after.currency)} refunded.")
    if after.customer_email:
        print(f"{after.customer_email} is emailed about it.")
    return 0


