"""Refunds: create (full or partial, by charge or payment intent), retrieve, update, list.

A refund updates its charge as Stripe does (`amount_refunded`, `refunded`, the `refunds`
list) and sends `refund.created` then `charge.refunded`. Cards are refunded at once
(`succeeded`); the "refund fails" test card's refunds then fail later (`refund.updated`,
`refund.failed`, `charge.refund.updated`, the amount back on the charge), after the
emulator's settle delay or through `POST /_emulator/refunds/<id>/fail`.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from checkout_kit.emulator.errors import StripeError, invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, to_int, to_str
from checkout_kit.emulator.resources.common import Ctx, honours, lister
from checkout_kit.emulator.state import State

REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def _charge_for(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    if "charge" in p and "payment_intent" in p:
        raise invalid("You may only specify one of these parameters: charge, payment_intent.", param="payment_intent")
    if "charge" in p:
        return ctx.state.get("charge", to_str(p["charge"], "charge"), "charge", status=400)
    if "payment_intent" in p:
        pi = ctx.state.get("payment_intent", to_str(p["payment_intent"], "payment_intent"), "payment_intent", status=400)
        if not pi["latest_charge"] or pi["status"] != "succeeded":
            raise StripeError(f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                              code="charge_not_refundable", param="payment_intent")
        return ctx.state.objects["charge"][pi["latest_charge"]]
    raise invalid("One of the following params should be provided for this request: payment_intent or charge.",
                  code="parameter_missing")


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency.upper()}"


@honours("charge", "payment_intent", "amount", "reason", "metadata")
def create_refund(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    charge = _charge_for(ctx, p)
    if charge["status"] != "succeeded":
        raise StripeError(f"Charge {charge['id']} has not succeeded and cannot be refunded.",
                          code="charge_not_refundable")
    left = charge["amount"] - charge["amount_refunded"]
    if left <= 0:
        raise StripeError(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    amount = to_int(p["amount"], "amount", 1) if "amount" in p else left
    if amount > left:
        raise invalid(f"Refund amount ({_money(amount, charge['currency'])}) is greater than unrefunded amount on "
                      f"charge ({_money(left, charge['currency'])})", param="amount", code="amount_too_large")
    reason = p.get("reason") or None
    if reason is not None and reason not in REASONS:
        raise invalid(f"Invalid reason: must be one of {', '.join(REASONS)}", param="reason")
    refund = build("refund", id=new_id("re_"), amount=amount, charge=charge["id"], currency=charge["currency"],
                   payment_intent=charge["payment_intent"], reason=reason, status="succeeded",
                   metadata=merge_metadata({}, p.get("metadata", {})), balance_transaction=None,
                   destination_details={"card": {"reference": None, "reference_status": "pending",
                                                 "reference_type": "acquirer_reference_number", "type": "refund"},
                                        "type": "card"},
                   receipt_number=None, description=None)
    ctx.state.add(refund)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    charge["refunds"]["data"].insert(0, copy.deepcopy(refund))
    ctx.state.emit("refund.created", refund, ctx.request_id, ctx.idempotency_key)
    ctx.state.emit("charge.refunded", charge, ctx.request_id, ctx.idempotency_key)
    failure = ctx.state.card_effects.get(charge["id"], {}).get("refund_failure")
    if failure:
        ctx.state.pending_refund_failures[refund["id"]] = {"reason": failure,
                                                          "due": None if ctx.settle_after is None else
                                                          time.time() + ctx.settle_after}
    return refund


def fail_refund(state: State, refund_id: str) -> dict[str, Any]:
    """A refund that succeeded at first fails (the card was closed): the money goes back on the charge."""
    pending = state.pending_refund_failures.pop(refund_id, None)
    refund = state.get("refund", refund_id)
    if refund["status"] == "failed":
        return refund
    refund.update(status="failed", failure_reason=pending["reason"] if pending else "unknown")
    charge = state.objects["charge"][refund["charge"]]
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    charge["refunds"]["data"] = [copy.deepcopy(refund) if r["id"] == refund_id else r
                                 for r in charge["refunds"]["data"]]
    state.emit("refund.updated", refund, previous={"status": "succeeded", "failure_reason": None})
    state.emit("refund.failed", refund)
    state.emit("charge.refund.updated", refund)
    return refund


@honours("metadata")
def update_refund(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    refund = ctx.state.get("refund", id)
    if "metadata" in p:
        refund["metadata"] = merge_metadata(refund["metadata"], p["metadata"])
    ctx.state.emit("refund.updated", refund, ctx.request_id, ctx.idempotency_key)
    return refund


list_refunds = honours("charge", "payment_intent", "created", "limit", "starting_after", "ending_before")(
    lister("refund", "/v1/refunds", {"charge": str, "payment_intent": str}))
