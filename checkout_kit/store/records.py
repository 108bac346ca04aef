"""Rows of the order store as plain dataclasses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Order states. `paid` is where fulfillment happens; a refund moves a paid order on.
PAID = "paid"
AWAITING_PAYMENT = "awaiting_payment"
PAYMENT_FAILED = "payment_failed"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"
# States whose money was taken: what refunds start from (and move between, as Stripe's charge says).
SETTLED = (PAID, PARTIALLY_REFUNDED, REFUNDED)

# Which state may follow which: a late or replayed event never moves an order back.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PAID: (AWAITING_PAYMENT, PAYMENT_FAILED),
    PAYMENT_FAILED: (AWAITING_PAYMENT,),
    AWAITING_PAYMENT: (),
}


def order_reference(session_id: str) -> str:
    """A short order reference a customer can read out: derived from the session, so every caller agrees."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:8].upper()


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
class LineTotals:
    """One line's share of the discount and tax (smallest currency unit)."""

    position: int
    amount_subtotal: int
    amount_discount: int = 0
    amount_tax: int = 0


@dataclass
class OrderTotals:
    """How an order's total adds up: subtotal - discount + shipping + tax = total, and its invoice."""

    amount_subtotal: int
    amount_discount: int = 0
    amount_shipping: int = 0
    amount_tax: int = 0
    discount_label: str | None = None  # the promotion code or coupon name the buyer sees
    shipping_label: str | None = None  # the chosen shipping rate's name
    invoice_id: str | None = None
    invoice_url: str | None = None  # Stripe's hosted invoice page
    invoice_pdf: str | None = None
    lines: list[LineTotals] = field(default_factory=list)


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
    amount_refunded: int = 0
    receipt_url: str | None = None  # Stripe's receipt (or the subscription's first invoice)
    totals: OrderTotals | None = None  # discount, shipping, tax and invoice (orders since migration 6)

    @property
    def reference(self) -> str:
        return order_reference(self.session_id)


# Job states: queued (maybe waiting for its backoff), leased to a worker, finished, given up.
JOB_PENDING = "pending"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"


@dataclass
class Job:
    """One effect after commit (an email, a hook call, an outgoing webhook), done at least once."""

    id: int
    key: str  # unique: queuing the same key twice is a no-op, and effects use it as their idempotency key
    kind: str
    session_id: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    lease_token: str | None = None
    last_error: str | None = None
    result: dict[str, Any] | None = None
    run_after: float = 0.0
    created_at: float = 0.0
    lease_until: float | None = None  # as claimed: past it, another worker may hold the job


# How an email job's state reads to people (and to the older email-only API).
EMAIL_STATUS = {JOB_PENDING: "pending", JOB_RUNNING: "sending", JOB_DONE: "sent", JOB_FAILED: "failed"}


@dataclass
class EmailRecord:
    """An email job as the owner sees it."""

    id: int
    key: str
    session_id: str | None
    kind: str  # the template: receipt, merchant_order, payment_failed…
    recipient: str
    subject: str | None  # known once rendered (when sent)
    status: str  # pending, sending, sent, failed
    attempts: int
    last_error: str | None = None


@dataclass
class Delivery:
    event_id: str | None
    event_type: str | None
    outcome: str
    detail: str = ""
    received_at: float = 0.0
