"""Owner commands after the sale: `python -m checkout_kit orders ship|refund` (`orders list|show|
export` are the desk's, `desk_commands.py`).

Every ORDER argument is the order's reference (the 8 characters on the buyer's receipt) or
its Checkout Session id. Each command says what it did, in words, records it in the audit log,
and never prints a secret.
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from checkout_kit import audit, desk
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
    try:
        return desk.find_order(services.store, ref)
    except desk.NotFound as exc:
        text = str(exc)
        print(f"{text[:1].upper()}{text[1:]}. `orders list` shows recent ones.", file=sys.stderr)
        return None


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
    audit.record(services, audit.CLI, "ship", order.session_id, f"{carrier.strip()} {tracking.strip()}")
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
    audit.record(services, audit.CLI, "refund", order.session_id, f"{refund['id']} {refund['amount']} {order.currency}")
    after = services.store.get_order(order.session_id) or order
    print(f"Refunded {format_amount(int(refund['amount']), order.currency)} of order "
          f"{order_reference(order.session_id)} ({refund['id']}, {refund['status']}). The order is now "
          f"{after.status}: {format_amount(after.amount_refunded, after.currency)} of "
          f"{format_amount(after.amount_total, after.currency)} refunded.")
    if after.customer_email:
        print(f"{after.customer_email} is emailed about it.")
    return 0


