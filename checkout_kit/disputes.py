"""Disputes: the merchant hears of each one at once, with its deadline, and when it closes.

`charge.dispute.created`, `…updated` and `…closed` all lead to the same step: re-read the
dispute from Stripe, record it, and alert the merchant when it is new (with the evidence
deadline and the order's reference) and when it closes (won or lost). Each alert is keyed on
the dispute, so a replayed event never alerts twice. Nothing is taken from the buyer
automatically: answering a dispute is the merchant's call (Stripe's Dashboard).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from checkout_kit import alerts, events
from checkout_kit.checkout import is_kit
from checkout_kit.money import format_amount
from checkout_kit.store.records import Job, order_reference
from checkout_kit.store.refunds import Dispute

log = logging.getLogger("checkout_kit.disputes")
CLOSED = ("won", "lost", "warning_closed")


def from_stripe(dispute: dict[str, Any]) -> Dispute:
    evidence = dispute.get("evidence_details") or {}
    charge = dispute.get("charge")
    intent = dispute.get("payment_intent")
    return Dispute(dispute_id=dispute["id"], payment_intent=intent if isinstance(intent, str) else None,
                   charge_id=charge if isinstance(charge, str) else (charge or {}).get("id", ""),
                   amount=int(dispute.get("amount") or 0), currency=dispute.get("currency") or "usd",
                   reason=dispute.get("reason") or "general", status=dispute.get("status") or "needs_response",
                   evidence_due_by=evidence.get("due_by"))


def describe(dispute: Dispute, reference: str | None) -> str:
    """One line for the merchant: what, how much, which order, by when."""
    amount = format_amount(dispute.amount, dispute.currency)
    order = f"order {reference}" if reference else f"payment {dispute.payment_intent or dispute.charge_id}"
    text = f"{amount} disputed ({dispute.reason.replace('_', ' ')}) on {order}, status {dispute.status}"
    if dispute.evidence_due_by and dispute.status not in CLOSED:
        due = dt.datetime.fromtimestamp(dispute.evidence_due_by, dt.timezone.utc).strftime("%d %b %Y %H:%M UTC")
        text += f"; respond with evidence in Stripe's Dashboard by {due}"
    return text


def handle(services: Any, event: events.Event, gateway: Any) -> events.Outcome:
    dispute = from_stripe(gateway.retrieve_dispute(event.object_id))
    order = services.store.order_of_payment_intent(dispute.payment_intent) if dispute.payment_intent else None
    if order is None and dispute.charge_id:
        charge = gateway.retrieve_charge(dispute.charge_id)
        if is_kit(charge):
            # A dispute right after payment can arrive before its order: wait for it, so the
            # merchant's alert names the order.
            raise events.RetryLater(f"no order yet for {dispute.payment_intent}")
    reference = order_reference(order.session_id) if order else None

    def record(tx: Any) -> tuple[str, list[Job]]:
        before = tx.record_dispute(dispute)
        if before is None:
            return events.UNCHANGED, []
        if before == "":
            alerts.report(services, alerts.DISPUTE_OPENED, dispute.dispute_id, describe(dispute, reference), tx=tx)
        if dispute.status in CLOSED and before not in CLOSED:
            alerts.report(services, alerts.DISPUTE_CLOSED, dispute.dispute_id, describe(dispute, reference), tx=tx)
        log.info("dispute %s %s", dispute.dispute_id, dispute.status)
        return f"dispute_{dispute.status}", []

    return events.apply(services, event, dispute.dispute_id, record)
