"""Discount, tax, shipping-rate and currency purchases through the shop, end to end.

Each buys through `/api/create-checkout-session`, pays on the emulator as a buyer
would (typing a code, choosing a shipping option, giving an address), and checks
that the amounts are the same everywhere a person reads them: the emulator's
session (Stripe's truth), the stored order, the receipt email that arrived over
SMTP, and the summary `success.html` shows (`/api/checkout-session`).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from checkout_kit.money import format_amount
from tests.core.conftest import CUSTOMER, FIXTURES, Shop, http
from tests.support.smtp import text_of

CATALOG = str(FIXTURES / "catalog-payments.toml")
GERMANY = {"shippingName": "Jana Roth", "shippingAddressLine1": "Torstr. 1", "shippingLocality": "Berlin",
           "shippingPostalCode": "10115", "shippingCountry": "DE"}


@pytest.fixture
def pay_shop(make_shop: Any) -> Shop:
    return make_shop(CATALOG_PATH=CATALOG)


def session_of(shop: Shop, session_id: str) -> dict[str, Any]:
    answer = http("GET", f"{shop.emulator.url}/v1/checkout/sessions/{session_id}?expand[]=line_items"
                         "&expand[]=shipping_cost.shipping_rate", headers={"Authorization": "Bearer sk_test_x"})
    return answer.json()


def receipt_lines(shop: Shop) -> dict[str, str]:
    """The receipt's totals block, as `label: amount` lines of its text part."""
    message = shop.smtp.wait_for(lambda ms: any("receipt" in m["Subject"].lower() for m in ms))
    text = text_of([m for m in message if "receipt" in m["Subject"].lower()][-1])
    found = {}
    for label in ("Subtotal", "Discount", "Shipping", "Tax", "Total paid"):
        m = re.search(rf"^{label}(?: \(([^)]*)\))?: (.+)$", text, re.MULTILINE)
        if m:
            found[label] = m.group(2).strip()
            if m.group(1):
                found[f"{label} label"] = m.group(1)
    return found


def check_everywhere(shop: Shop, session_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The session's amounts equal the order's, the receipt's and the success page summary's."""
    session = session_of(shop, session_id)
    order = shop.wait_order(session_id)
    details, cur = session["total_details"], session["currency"]
    t = order.totals
    assert (order.amount_total, order.currency) == (session["amount_total"], cur)
    assert (t.amount_subtotal, t.amount_discount, t.amount_shipping, t.amount_tax) == (
        session["amount_subtotal"], details["amount_discount"], details["amount_shipping"], details["amount_tax"])
    assert [(li.amount_discount, li.amount_tax) for li in t.lines] == [
        (li["amount_discount"], li["amount_tax"]) for li in session["line_items"]["data"]]
    summary = shop.summary(session_id).json()
    assert (summary["amount_total"], summary["amount_subtotal"], summary["amount_discount"],
            summary["amount_shipping"], summary["amount_tax"]) == (
        session["amount_total"], session["amount_subtotal"], details["amount_discount"],
        details["amount_shipping"], details["amount_tax"])
    receipt = receipt_lines(shop)
    assert receipt["Total paid"] == format_amount(session["amount_total"], cur)
    if details["amount_discount"] or details["amount_shipping"] or details["amount_tax"]:
        assert receipt["Subtotal"] == format_amount(session["amount_subtotal"], cur)
    if details["amount_discount"]:
        assert receipt["Discount"] == "-" + format_amount(details["amount_discount"], cur)
    if details["amount_tax"]:
        assert receipt["Tax"] == format_amount(details["amount_tax"], cur)
    if session["shipping_cost"]:
        assert receipt["Shipping"] == format_amount(details["amount_shipping"], cur)
    return session, summary


def test_promotion_code_typed_at_checkout(pay_shop: Shop) -> None:
    sid = pay_shop.checkout({"priceId": "price_pay_guide", "quantity": 2}).json()["id"]
    assert pay_shop.pay(sid, promotion_code="LAUNCH20", country="US")["result"] == "paid"
    session, summary = check_everywhere(pay_shop, sid)
    # 2 × 20.00 = 40.00; 20% off = 8.00; US tax 5% of 32.00 = 1.60
    assert (session["amount_subtotal"], session["total_details"]["amount_discount"],
            session["total_details"]["amount_tax"], session["amount_total"]) == (4000, 800, 160, 3360)
    assert summary["discount_label"] == "LAUNCH20" and receipt_lines(pay_shop)["Discount label"] == "LAUNCH20"


def test_promotion_code_given_with_the_cart_is_applied_and_a_bad_one_refused(pay_shop: Shop) -> None:
    answer = pay_shop.checkout({"priceId": "price_pay_kit", "quantity": 1, "promotionCode": "FIVER"})
    assert answer.status == 200, answer.body
    session = session_of(pay_shop, answer.json()["id"])
    assert session["total_details"]["amount_discount"] == 500 and session["allow_promotion_codes"] is None
    bad = pay_shop.checkout({"priceId": "price_pay_kit", "promotionCode": "NOPE-NOPE"})
    assert (bad.status, bad.json()["error"]["code"]) == (400, "invalid_promotion_code")
    wrong_items = pay_shop.checkout({"priceId": "price_pay_guide", "promotionCode": "FIVER"})  # kit only
    assert (wrong_items.status, wrong_items.json()["error"]["code"]) == (400, "invalid_promotion_code")


def test_shipping_rate_chosen_and_tax_by_country(pay_shop: Shop) -> None:
    sid = pay_shop.checkout({"priceId": "price_pay_kit", "quantity": 2}).json()["id"]
    offered = session_of(pay_shop, sid)["shipping_options"]
    assert [o["shipping_amount"] for o in offered] == [500, 1500]
    express = offered[1]["shipping_rate"]
    assert pay_shop.pay(sid, shipping=GERMANY, shipping_rate=express)["result"] == "paid"
    session, summary = check_everywhere(pay_shop, sid)
    # 2 × 25.00 = 50.00 + Express 15.00; DE 19%: 9.50 + 2.85
    assert (session["total_details"]["amount_shipping"], session["total_details"]["amount_tax"],
            session["amount_total"]) == (1500, 1235, 7735)
    assert summary["shipping_label"] == "Express" and receipt_lines(pay_shop)["Shipping label"] == "Express"
    assert pay_shop.store.get_order(sid).shipping["address"]["country"] == "DE"


def test_paying_in_another_offered_currency(pay_shop: Shop) -> None:
    sid = pay_shop.checkout({"priceId": "price_pay_guide", "quantity": 1, "currency": "jpy"}).json()["id"]
    pay_shop.pay(sid, country="JP")
    session, summary = check_everywhere(pay_shop, sid)
    assert (session["currency"], session["amount_subtotal"], session["total_details"]["amount_tax"]) == ("jpy", 3000, 300)
    assert receipt_lines(pay_shop)["Total paid"] == "¥3,300"


def test_a_currency_the_price_lacks_or_the_shop_does_not_offer_is_refused(pay_shop: Shop) -> None:
    lacks = pay_shop.checkout({"priceId": "price_pay_kit", "currency": "jpy"})  # the kit has no JPY amount
    assert (lacks.status, lacks.json()["error"]["code"]) == (400, "currency_unavailable")
    assert "JPY" in lacks.json()["error"]["message"]
    not_offered = pay_shop.checkout({"priceId": "price_pay_guide", "currency": "gbp"})
    assert (not_offered.status, not_offered.json()["error"]["code"]) == (400, "currency_unavailable")
    malformed = pay_shop.checkout({"priceId": "price_pay_guide", "currency": "euro"})
    assert (malformed.status, malformed.json()["error"]["code"]) == (400, "invalid_currency")
    eur = pay_shop.checkout({"items": [{"priceId": "price_pay_guide"}, {"priceId": "price_pay_kit"}], "currency": "eur"})
    assert session_of(pay_shop, eur.json()["id"])["amount_subtotal"] == 1800 + 2300


def test_catalog_coupons_and_codes_are_in_stripe(pay_shop: Shop) -> None:
    """`make dev` seeds them through the same code `catalog push` runs."""
    headers = {"Authorization": "Bearer sk_test_x"}
    coupon = http("GET", f"{pay_shop.emulator.url}/v1/coupons/kit-fiver?expand[]=applies_to", headers=headers).json()
    assert (coupon["amount_off"], coupon["applies_to"]["products"]) == (500, ["prod_kit_kit"])
    codes = http("GET", f"{pay_shop.emulator.url}/v1/promotion_codes?active=true", headers=headers).json()["data"]
    assert sorted(c["code"] for c in codes) == ["FIVER", "LAUNCH20"]


def test_invoiced_purchase_has_a_pdf_with_the_right_totals_and_the_buyers_tax_id(pay_shop: Shop) -> None:
    import io

    import pypdf

    sid = pay_shop.checkout({"priceId": "price_pay_guide", "quantity": 2, "currency": "eur"}).json()["id"]
    session = session_of(pay_shop, sid)
    assert session["invoice_creation"]["enabled"] and session["tax_id_collection"]["enabled"]
    assert session["invoice_creation"]["invoice_data"]["footer"] == "Payments Shop Ltd · VAT GB123456789"
    pay_shop.pay(sid, promotion_code="LAUNCH20", country="DE", name="Jana Roth",
                 tax_id={"type": "eu_vat", "value": "DE123456789"})
    session, summary = check_everywhere(pay_shop, sid)
    invoice = summary["invoice"]
    assert invoice["id"].startswith("in_") and invoice["pdf"].endswith("/pdf") and invoice["url"]
    order = pay_shop.store.get_order(sid)
    assert order.totals.invoice_pdf == invoice["pdf"]
    receipt = text_of(pay_shop.receipts()[-1])
    assert f"Invoice PDF: {invoice['pdf']}" in receipt and f"Your invoice: {invoice['url']}" in receipt

    answer = http("GET", invoice["pdf"])
    assert answer.status == 200 and answer.headers.get("Content-Type") == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(answer.body)).pages[0].extract_text()
    # 2 × 18.00 EUR = 36.00; 20% off = 7.20; DE 19% of 28.80 = 5.47 (5.472 rounded half up)
    for expected in ("Payments Shop", "Jana Roth", CUSTOMER, "Tax ID (EU VAT): DE123456789", "2 × Field Guide",
                     "Subtotal 36.00 EUR", "Discount -7.20 EUR", "Tax 5.47 EUR", "Total 34.27 EUR",
                     "Company no.: 01234567", "Payments Shop Ltd"):
        assert expected in text, (expected, text)
    assert session["amount_total"] == 3427
    page = http("GET", invoice["url"])
    assert page.status == 200 and "DE123456789" in page.body.decode()
