"""Refunds: the order follows Stripe's charge, whatever event says so and in whatever order.

Every refund event (`charge.refunded`, `refund.created`, `refund.updated`, `refund.failed`)
leads to the same step: re-read the charge with its refunds from Stripe, then `decide` (pure)
what the order looks like now: the refunded amount and state (`partially_refunded`,
`refunded`, or back to `paid` when a refund failed), one email per refund to the customer
(keyed on the refund, so once), the merchant told of a refund that failed, and on a full
refund the unused tickets voided (downloads check the order's state when used). `issue` is
`python -m checkout_kit orders refund`: it asks Stripe for the refund with an idempotency
key and records the result at once, without waiting for the webhook.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from checkout_kit import alerts, emails, events, outbox
from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE, is_kit
from checkout_kit.store.records import PAID, PARTIALLY_REFUNDED, REFUNDED, SETTLED, Job, Order
from checkout_kit.store.refunds import Refund

log = logging.getLogger("checkout_kit.refunds")

TEMPLATE = "refund"
REASONS = ("duplicate", "fraudulent", "requested_by_customer")
EMAILED = ("succeeded", "pending")  # a refund the customer is told about (a pending one usually succeeds)


@dataclass
class Decision:
    amount_refunded: int
    status: str
    refunds: list[Refund] = field(default_factory=list)
    email: list[Refund] = field(default_factory=list)  # refunds the customer hears of (once each)
    failed: list[Refund] = field(default_factory=list)  # refunds the merchant must hear of
    void_tickets: bool = False


def refunds_of(charge: dict[str, Any]) -> list[dict[str, Any]]:
    refunds = charge.get("refunds")
    return list(refunds.get("data") or []) if isinstance(refunds, dict) else []


def decide(order: Order, charge: dict[str, Any]) -> Decision:
    """What the order looks like after the charge's refunds. Pure."""
    refunded = max(0, int(charge.get("amount_refunded") or 0))
    total = int(charge.get("amount") or order.amount_total)
    status = REFUNDED if total and refunded >= total else PARTIALLY_REFUNDED if refunded else PAID
    found = [Refund(refund_id=r["id"], session_id=order.session_id, amount=int(r.get("amount") or 0),
                    currency=r.get("currency") or order.currency, status=r.get("status") or "pending",
                    reason=r.get("reason"), failure_reason=r.get("failure_reason"))
             for r in refunds_of(charge) if isinstance(r, dict) and r.get("id")]
    return Decision(refunded, status, found, email=[r for r in found if r.status in EMAILED],
                    failed=[r for r in found if r.status in ("failed", "canceled")], void_tickets=status == REFUNDED)


def apply_charge(services: Any, event: events.Event | None, charge: dict[str, Any]) -> events.Outcome:
    """Bring the charge's order up to date with its refunds (in the event's transaction)."""
    store = services.store
    intent = charge.get("payment_intent")
    order = store.order_of_payment_intent(intent) if isinstance(intent, str) else None
    if order is None:
        if is_kit(charge):
            # Ours, but its order is not recorded yet (the checkout's event is still on its way).
            raise events.RetryLater(f"no order yet for {intent}")
        return events.apply(services, event, charge.get("id") or "", lambda tx: (events.IGNORED, []))
    if order.status not in SETTLED:
        return events.apply(services, event, order.session_id, lambda tx: (events.UNCHANGED, []))
    decision = decide(order, charge)
    token = outbox.new_token()
    lease = (token, outbox.lease_seconds(services.settings))

    def record(tx: Any) -> tuple[str, list[Job]]:
        changed = tx.set_refunded(order.session_id, decision.amount_refunded, decision.status)
        for refund in decision.refunds:
            changed = tx.record_refund(refund) or changed
        if decision.void_tickets:
            tx.void_unused_tickets(order.session_id)
        jobs = []
        now_order = tx.get_order(order.session_id) or order
        for refund in decision.email:
            job = emails.queue(tx, f"refund:{refund.refund_id}", TEMPLATE, order.customer_email, now_order,
                               context={"refund_amount": refund.amount, "refunded_total": decision.amount_refunded,
                                        "full": decision.status == REFUNDED, "reason": _reason(refund.reason)},
                               lease=lease)
            if job:
                jobs.append(job)
        for refund in decision.failed:
            alerts.report(services, alerts.REFUND_FAILED, refund.refund_id,
                          f"refund {refund.refund_id} of order {order.session_id} ({refund.amount} "
                          f"{refund.currency}) {refund.status}: {refund.failure_reason or 'no reason given'}; the "
                          "customer has not been refunded", tx=tx)
        if changed:
            log.info("order %s: %s, %d refunded", order.session_id, decision.status, decision.amount_refunded)
        return (decision.status if changed else events.UNCHANGED), jobs

    return events.apply(services, event, order.session_id, record)


def _reason(code: str | None) -> str | None:
    return {"duplicate": "a duplicate payment", "fraudulent": "a fraudulent payment",
            "requested_by_customer": "as you asked"}.get(code or "")


class RefundError(ValueError):
    """A refund the owner asked for that cannot be made (the message says why)."""


@dataclass
class Issued:
    refund: dict[str, Any]
    outcome: events.Outcome


def issue(services: Any, order: Order, amount: int | None = None, reason: str | None = None) -> Issued:
    """Refund `amount` (all that is left, when None) of a paid order through Stripe; record it now.

    The idempotency key names the order, how much was refunded before and how much now: a
    retried call (a network error, the command run twice in a row before anything changed)
    cannot refund twice, while a second, later partial refund is a new request.
    """
    if order.status not in SETTLED or not order.payment_intent:
        raise RefundError(f"order is {order.status}{'' if order.payment_intent else ' with no payment'}: "
                          "nothing to refund")
    left = order.amount_total - order.amount_refunded
    if left <= 0:
        raise RefundError("the order is refunded in full already")
    if amount is not None and not 0 < amount <= left:
        raise RefundError(f"the amount must be from 1 to {left} (in the currency's smallest unit)")
    if reason is not None and reason not in REASONS:
        raise RefundError(f"reason must be one of {', '.join(REASONS)}")
    params: dict[str, Any] = {"payment_intent": order.payment_intent,
                              "metadata": {KIT_METADATA_KEY: KIT_METADATA_VALUE, "kit_session": order.session_id}}
    if amount is not None:
        params["amount"] = amount
    if reason:
        params["reason"] = reason
    key = f"kit-refund-{order.session_id}-{order.amount_refunded}-{amount if amount is not None else 'rest'}"
    gateway = services.gateway
    refund = gateway.create_refund(params, idempotency_key=key[:255])
    charge = gateway.retrieve_charge(refund["charge"])
    outcome = apply_charge(services, None, charge)
    outbox.after_commit(services, outcome.jobs, limit=0)
    return Issued(refund, outcome)
