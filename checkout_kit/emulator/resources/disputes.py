"""Disputes: Stripe's dispute test cards pay, and then the payment is disputed (a fraudulent
chargeback, product not received, or an inquiry), with `charge.dispute.created` (and, for a
chargeback, `charge.dispute.funds_withdrawn`). Retrieve, list, update (evidence, metadata),
close (accept: lost); tests settle one with `POST /_emulator/disputes/<id>/close`
(`{"outcome": "won"|"lost"}`), which sends `charge.dispute.closed`.
"""

from __future__ import annotations

import copy
from typing import Any

from checkout_kit.emulator.errors import StripeError
from checkout_kit.emulator.objects import build, merge_metadata, new_id, now, to_bool, to_dict
from checkout_kit.emulator.resources.common import Ctx, honours, lister
from checkout_kit.emulator.state import State

EVIDENCE_DAYS = 7
OPEN = ("warning_needs_response", "needs_response", "warning_under_review", "under_review")
# Test card effect -> (reason, case type, status)
KINDS = {
    "fraudulent": ("fraudulent", "chargeback", "needs_response"),
    "product_not_received": ("product_not_received", "chargeback", "needs_response"),
    "inquiry": ("general", "inquiry", "warning_needs_response"),
}


def open_dispute(state: State, charge: dict[str, Any], effect: str) -> dict[str, Any]:
    """The dispute a test card brings after its payment, announced as Stripe does."""
    reason, case_type, status = KINDS[effect]
    dispute = build(
        "dispute", id=new_id("dp_"), amount=charge["amount"], currency=charge["currency"], charge=charge["id"],
        payment_intent=charge["payment_intent"], reason=reason, status=status, balance_transactions=[],
        is_charge_refundable=case_type == "inquiry", metadata={}, enhanced_eligibility_types=[],
    )
    # The fixture's nested hashes carry every field the SDK declares: ours go over them.
    dispute["evidence_details"].update(due_by=now() + EVIDENCE_DAYS * 86400, has_evidence=False, past_due=False,
                                       submission_count=0)
    card = (charge["payment_method_details"] or {}).get("card") or {}
    dispute["payment_method_details"]["card"].update(
        brand=card.get("brand", "visa"), case_type=case_type, network="visa",
        network_reason_code="10.4" if reason == "fraudulent" else "13.1")
    state.add(dispute)
    charge["disputed"] = True
    state.emit("charge.dispute.created", dispute)
    if case_type == "chargeback":
        state.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def close(state: State, dispute: dict[str, Any], outcome: str, request_id: str | None = None,
          idempotency_key: str | None = None) -> dict[str, Any]:
    """Won, lost or (an inquiry) closed: `charge.dispute.closed` (and the funds back when won)."""
    if dispute["status"] not in OPEN:
        raise StripeError(f"This dispute is already closed (status {dispute['status']}).", code="dispute_already_closed")
    previous = dispute["status"]
    inquiry = dispute["payment_method_details"]["card"]["case_type"] == "inquiry"
    dispute["status"] = "warning_closed" if inquiry else outcome
    state.emit("charge.dispute.closed", dispute, request_id, idempotency_key, previous={"status": previous})
    if outcome == "won" and not inquiry:
        state.emit("charge.dispute.funds_reinstated", dispute)
    return dispute


@honours("metadata", "evidence", "submit")
def update_dispute(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    dispute = ctx.state.get("dispute", id)
    if dispute["status"] not in OPEN:
        raise StripeError("This dispute is closed and cannot be updated.", code="dispute_already_closed")
    if "metadata" in p:
        dispute["metadata"] = merge_metadata(dispute["metadata"], p["metadata"])
    evidence = to_dict(p.get("evidence", {}), "evidence")
    for key, value in evidence.items():
        if key in dispute["evidence"] and isinstance(value, str):
            dispute["evidence"][key] = value or None
    if evidence:
        dispute["evidence_details"]["has_evidence"] = True
    if "submit" in p and to_bool(p["submit"], "submit"):
        dispute["evidence_details"]["submission_count"] += 1
        dispute["status"] = "warning_under_review" if dispute["status"].startswith("warning") else "under_review"
    ctx.state.emit("charge.dispute.updated", copy.deepcopy(dispute), ctx.request_id, ctx.idempotency_key)
    return dispute


@honours()
def close_dispute(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    """The merchant accepts the dispute: it is lost."""
    return close(ctx.state, ctx.state.get("dispute", id), "lost", ctx.request_id, ctx.idempotency_key)


list_disputes = honours("charge", "payment_intent", "created", "limit", "starting_after", "ending_before")(
    lister("dispute", "/v1/disputes", {"charge": str, "payment_intent": str}))
