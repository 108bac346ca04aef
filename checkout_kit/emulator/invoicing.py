"""Invoices for one-time Checkout payments (`invoice_creation`): when such a
session is paid, a finalized, paid invoice with the session's lines, discount,
shipping, tax, the buyer's tax IDs and the shop's footer and custom fields.

It links to a hosted invoice page and a PDF the emulator really renders
(`invoice_pdf.render`), both served under the emulator's own origin.
"""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator import invoice_pdf
from checkout_kit.emulator.expansion import first_page
from checkout_kit.emulator.objects import build, nested, new_id, now
from checkout_kit.emulator.state import State

# Tax ID types the pages offer (Stripe accepts many more; these cover the tax table's countries).
TAX_ID_TYPES = {"eu_vat": "EU VAT", "gb_vat": "UK VAT", "us_ein": "US EIN", "ca_bn": "Canadian BN",
                "au_abn": "Australian ABN", "jp_cn": "Japanese corporate number", "nz_gst": "New Zealand GST"}


def wanted(session: dict[str, Any]) -> bool:
    return session["mode"] == "payment" and bool((session.get("invoice_creation") or {}).get("enabled"))


def _line(item: dict[str, Any], invoice_id: str, start: int) -> dict[str, Any]:
    price = item["price"]
    return build(
        "line_item", id=new_id("il_"), amount=item["amount_subtotal"], currency=item["currency"],
        description=f"{item['quantity']} × {item['description']}", quantity=item["quantity"], invoice=invoice_id,
        subscription=None, period={"start": start, "end": start},
        parent=nested("line_item", "parent", type="invoice_item_details", invoice_item_details={
            "invoice_item": new_id("ii_"), "proration": False, "proration_details": {"credited_items": None},
            "subscription": None}),
        pricing=nested("line_item", "pricing", type="price_details",
                       price_details={"price": price["id"], "product": price["product"]},
                       unit_amount_decimal=str(item["amount_subtotal"] // max(item["quantity"], 1))),
        subtotal=item["amount_subtotal"], discount_amounts=[], discountable=True, discounts=[], metadata={})


def issue(state: State, session: dict[str, Any], customer: str | None, email: str, name: str | None,
          tax_ids: list[dict[str, Any]], paid: bool = True) -> dict[str, Any]:
    """Create the session's invoice (finalized; paid when the payment is), link it, send its events."""
    data = (session.get("invoice_creation") or {}).get("invoice_data") or {}
    items = state.session_items[session["id"]]
    start = now()
    invoice_id = new_id("in_")
    lines = [_line(i, invoice_id, start) for i in items]
    state.invoice_lines[invoice_id] = lines
    details = session["total_details"]
    total = session["amount_total"]
    base = getattr(state, "public_url", "")
    invoice = build(
        "invoice", id=invoice_id, customer=customer, customer_email=email, customer_name=name,
        customer_tax_ids=[{"type": t["type"], "value": t["value"]} for t in tax_ids],
        status="paid" if paid else "open", currency=session["currency"], amount_due=total,
        amount_paid=total if paid else 0, amount_remaining=0 if paid else total, amount_overpaid=0,
        amount_shipping=details["amount_shipping"], subtotal=session["amount_subtotal"],
        subtotal_excluding_tax=session["amount_subtotal"], total=total,
        total_excluding_tax=total - details["amount_tax"], attempt_count=1 if paid else 0, attempted=paid,
        auto_advance=False, billing_reason="manual", collection_method="charge_automatically",
        lines=first_page(lines, f"/v1/invoices/{invoice_id}/lines"),
        number=f"EMU-{len(state.objects['invoice']) + 1:04d}", period_start=start, period_end=start, parent=None,
        status_transitions=nested("invoice", "status_transitions", finalized_at=start,
                                  paid_at=start if paid else None),
        hosted_invoice_url=f"{base}/invoice/{invoice_id}", invoice_pdf=f"{base}/invoice/{invoice_id}/pdf",
        effective_at=start, ending_balance=0, starting_balance=0, webhooks_delivered_at=start,
        next_payment_attempt=None, receipt_number=None, description=data.get("description"),
        footer=data.get("footer"), custom_fields=data.get("custom_fields"),
        shipping_cost=dict(session["shipping_cost"]) if session.get("shipping_cost") else None,
        metadata=dict(data.get("metadata") or {}),
    )
    state.add(invoice)
    session["invoice"] = invoice_id
    for event_type in ("invoice.created", "invoice.finalized") + (("invoice.paid",) if paid else ()):
        state.emit(event_type, invoice)
    return invoice


def document(state: State, invoice: dict[str, Any], shop: str) -> invoice_pdf.InvoiceDoc:
    """What the PDF and the hosted page show for an invoice."""
    lines = state.invoice_lines.get(invoice["id"], [])
    discount = invoice["subtotal"] + invoice["amount_shipping"] + (invoice["total"] - invoice["total_excluding_tax"]) \
        - invoice["total"]
    return invoice_pdf.InvoiceDoc(
        number=invoice["number"], issued=invoice["created"], shop=shop, buyer_name=invoice["customer_name"],
        buyer_email=invoice["customer_email"],
        buyer_tax_ids=[(TAX_ID_TYPES.get(t["type"], t["type"]), t["value"]) for t in invoice["customer_tax_ids"] or []],
        currency=invoice["currency"],
        lines=[(line["description"], line["quantity"], line["amount"]) for line in lines],
        subtotal=invoice["subtotal"], discount=discount, shipping=invoice["amount_shipping"],
        tax=invoice["total"] - invoice["total_excluding_tax"], total=invoice["total"],
        status="Paid" if invoice["status"] == "paid" else invoice["status"].title(), footer=invoice["footer"],
        custom_fields=[(f["name"], f["value"]) for f in invoice["custom_fields"] or []],
        description=invoice["description"])
