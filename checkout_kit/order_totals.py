"""How a completed session's total adds up, as the order keeps it: subtotal,
discount (and the code or coupon behind it), shipping (and the rate's name),
tax, each line's discount and tax, and the invoice's links. Pure: read from
the session as `stripe_gateway.retrieve_checkout_session` returns it
(expanded), so the order, the receipt and the success page show exactly
Stripe's amounts.
"""

from __future__ import annotations

from typing import Any

from checkout_kit.store.records import LineTotals, OrderTotals


def _label(discount: dict[str, Any]) -> str | None:
    promo, coupon = discount.get("promotion_code"), discount.get("coupon")
    if isinstance(promo, dict) and promo.get("code"):
        return promo["code"]
    if isinstance(coupon, dict):
        return coupon.get("name") or coupon.get("id")
    return coupon if isinstance(coupon, str) else None


def totals_from_session(session: dict[str, Any]) -> OrderTotals:
    details = session.get("total_details") or {}
    shipping = session.get("shipping_cost") or {}
    rate = shipping.get("shipping_rate")
    invoice = session.get("invoice")
    labels = [label for label in (_label(d) for d in session.get("discounts") or []) if label]
    lines = [LineTotals(position=n, amount_subtotal=int(line.get("amount_subtotal") or 0),
                        amount_discount=int(line.get("amount_discount") or 0),
                        amount_tax=int(line.get("amount_tax") or 0))
             for n, line in enumerate((session.get("line_items") or {}).get("data", []))]
    return OrderTotals(
        amount_subtotal=int(session.get("amount_subtotal") or 0),
        amount_discount=int(details.get("amount_discount") or 0),
        amount_shipping=int(details.get("amount_shipping") or 0),
        amount_tax=int(details.get("amount_tax") or 0),
        discount_label=", ".join(labels) or None,
        shipping_label=rate.get("display_name") if isinstance(rate, dict) else None,
        invoice_id=invoice.get("id") if isinstance(invoice, dict) else invoice if isinstance(invoice, str) else None,
        invoice_url=invoice.get("hosted_invoice_url") if isinstance(invoice, dict) else None,
        invoice_pdf=invoice.get("invoice_pdf") if isinstance(invoice, dict) else None,
        lines=lines,
    )


def summary(totals: OrderTotals | None) -> dict[str, Any]:
    """The totals as the success page, the order page and the receipt read them (snake_case, Stripe's names)."""
    if totals is None:
        return {}
    return {
        "amount_subtotal": totals.amount_subtotal, "amount_discount": totals.amount_discount,
        "amount_shipping": totals.amount_shipping, "amount_tax": totals.amount_tax,
        "discount_label": totals.discount_label, "shipping_label": totals.shipping_label,
        "invoice": {"id": totals.invoice_id, "url": totals.invoice_url, "pdf": totals.invoice_pdf}
        if totals.invoice_id else None,
    }


def line_summary(totals: OrderTotals | None, position: int) -> dict[str, Any]:
    """One line's amount before discount and tax, and its discount and tax, when it has either (a plain
    line stays as Stripe's summary shape has it: its amount_total is all there is to say)."""
    line = next((line for line in totals.lines if line.position == position), None) if totals else None
    if line is None or not (line.amount_discount or line.amount_tax):
        return {}
    return {"amount_subtotal": line.amount_subtotal, "amount_discount": line.amount_discount,
            "amount_tax": line.amount_tax}
