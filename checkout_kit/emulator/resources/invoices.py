"""Paying an open invoice through the API (`POST /v1/invoices/{id}/pay`): with its subscription's
default card, or the payment method given. A decline answers Stripe's 402 card error, and the
invoice stays open on its retry schedule."""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator import billing
from checkout_kit.emulator.errors import StripeError, invalid
from checkout_kit.emulator.objects import to_bool, to_str
from checkout_kit.emulator.resources.common import Ctx, honours


@honours("payment_method", "paid_out_of_band", "off_session")
def pay_invoice(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    state = ctx.state
    invoice = state.get("invoice", id)
    if invoice["status"] == "paid":
        raise invalid("Invoice is already paid", code="invoice_already_paid")
    if invoice["status"] != "open":
        raise invalid(f"You can only pay an open invoice. This invoice is {invoice['status']}.",
                      code="invoice_not_open")
    if to_bool(p.get("paid_out_of_band", False), "paid_out_of_band"):
        billing.mark_paid_out_of_band(state, invoice)
        return invoice
    sub = state.objects["subscription"].get(billing.invoice_subscription(invoice) or "")
    method = to_str(p["payment_method"], "payment_method") if p.get("payment_method") else (
        billing.default_method(state, sub) if sub else None)
    if method:
        state.get("payment_method", method, "payment_method", status=400)
    outcome, message = billing.collect(state, invoice, method, off_session=to_bool(p.get("off_session", True),
                                                                                    "off_session"))
    if outcome == billing.DECLINED:
        pi = state.objects["payment_intent"].get(state.invoice_intents.get(invoice["id"], ""))
        error = (pi or {}).get("last_payment_error") or {}
        raise StripeError(message or "Your card was declined.", status=402, type="card_error",
                          code=error.get("code") or "card_declined",
                          extra={"decline_code": error.get("decline_code"), "charge": error.get("charge")})
    if outcome == billing.ACTION:
        raise StripeError("This payment requires additional user action before it can be completed successfully.",
                          status=402, type="card_error", code="invoice_payment_intent_requires_action")
    return invoice
