"""Order and item rows: the column lists and how a row becomes a record (one place for both)."""

from __future__ import annotations

import json
from typing import Any

from checkout_kit.store.records import Order, OrderItem

ORDER_COLUMNS = ("session_id, status, mode, livemode, customer_email, customer_name, amount_total, currency, "
                 "payment_intent, subscription, customer, client_reference_id, shipping, created_at, updated_at, paid_at")
ITEM_COLUMNS = ("position, price_id, product_key, description, quantity, amount_total, currency, fulfillment_type, "
                "fulfillment_status, fulfillment")


def order_from_row(r: tuple[Any, ...]) -> Order:
    """An order (without items) from a row of ORDER_COLUMNS."""
    return Order(session_id=r[0], status=r[1], mode=r[2], livemode=bool(r[3]), customer_email=r[4],
                 customer_name=r[5], amount_total=r[6], currency=r[7], payment_intent=r[8], subscription=r[9],
                 customer=r[10], client_reference_id=r[11], shipping=json.loads(r[12]) if r[12] else None,
                 created_at=r[13], updated_at=r[14], paid_at=r[15])


def item_from_row(r: tuple[Any, ...]) -> OrderItem:
    """An item from a row of ITEM_COLUMNS."""
    return OrderItem(position=r[0], price_id=r[1], product_key=r[2], description=r[3], quantity=r[4],
                     amount_total=r[5], currency=r[6], fulfillment_type=r[7], fulfillment_status=r[8],
                     fulfillment=json.loads(r[9]))
