"""Rows of the order store as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Order states. `paid` is where fulfillment happens; later issues add refunds.
PAID = "paid"
AWAITING_PAYMENT = "awaiting_payment"
PAYMENT_FAILED = "payment_failed"

# Which state may follow which: a late or replayed event never moves an order back.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PAID: (AWAITING_PAYMENT, PAYMENT_FAILED),
    PAYMENT_FAILED: (AWAITING_PAYMENT,),
    AWAITING_PAYMENT: (),
}


@dataclass
class OrderItem:
    position: int
    price_id: str
    product_key: str | None
    description: str
    quantity: int
    amount_total: int
    currency: str
    fulfillment_type: str
    fulfillment_status: str = "pending"
    fulfillment: dict[str, Any] = field(default_factory=dict)


@dataclass
class Order:
    session_id: str
    status: str
    mode: str
    livemode: bool
    customer_email: str | None
    customer_name: str | None
    amount_total: int
    currency: str
    payment_intent: str | None = None
    subscription: str | None = None
    customer: str | None = None
    client_reference_id: str | None = None
    shipping: dict[str, Any] | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    paid_at: float | None = None
    items: list[OrderItem] = field(default_factory=list)


@dataclass
class OutboxMessage:
    id: int
    dedupe_key: str
    session_id: str | None
    kind: str
    recipient: str
    subject: str
    text_body: str
    html_body: str
    status: str
    attempts: int
    last_error: str | None = None


@dataclass
class Delivery:
    event_id: str | None
    event_type: str | None
    outcome: str
    detail: str = ""
    received_at: float = 0.0
