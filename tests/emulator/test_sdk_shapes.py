"""Every object the emulator returns has the shape the pinned SDK declares.

The flows below drive the emulator through the official SDK as the kit and
Stripe's samples do (one-time and subscription purchases, declines, 3-D
Secure, bank debits, free orders, shipping, embedded sessions, expiry,
webhook endpoints, search, events) and keep each response's raw JSON. Each is
checked with `tests.support.stripe_shapes.problems`: every declared field
present, no other field, enum values within the SDK's `Literal`s, nested
typed objects, lists and expandable fields checked the same way.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
import stripe

from checkout_kit.emulator import sdk_types
from tests.emulator.conftest import control, new_session
from tests.support.stripe_shapes import problems


def raw(response: Any) -> dict[str, Any]:
    """The JSON the emulator sent for an SDK call (not the SDK's parsed, Decimal-converted view)."""
    return json.loads(response.last_response.body)


def object_types(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("object"), str):
            yield node["object"]
        for value in node.values():
            yield from object_types(value)
    elif isinstance(node, list):
        for value in node:
            yield from object_types(value)


@pytest.fixture
def responses(emulator, client, catalog) -> dict[str, dict[str, Any]]:
    """Raw responses of the flows, by a name that says where each came from."""
    got: dict[str, dict[str, Any]] = {}

    def keep(name: str, response: Any) -> Any:
        got[name] = raw(response)
        return response

    v1 = client.v1
    keep("product create (default_price_data)", v1.products.create(params={
        "name": "Poster", "default_price_data": {"currency": "usd", "unit_amount": 700}}))
    keep("price create (currency_options, expanded)", v1.prices.create(params={
        "product": catalog["ebook"].product, "unit_amount": 1000, "currency": "usd",
        "currency_options": {"eur": {"unit_amount": 900}}, "expand": ["currency_options"]}))
    keep("price list", v1.prices.list(params={"limit": 100}))
    keep("product list", v1.products.list())
    keep("customer create", v1.customers.create(params={
        "email": "shape@example.com", "address": {"country": "DE"}, "shipping": {"name": "S", "address": {"city": "B"}}}))
    keep("customer list", v1.customers.list())

    paid = keep("session create", new_session(client, catalog["shirt"].id, 2, shipping_address_collection={
        "allowed_countries": ["US"]}, customer_creation="always"))
    control(emulator, f"sessions/{paid.id}/pay", {"shipping": {
        "shippingName": "Jo", "shippingAddressLine1": "1 Main St", "shippingLocality": "Town",
        "shippingPostalCode": "12345", "shippingCountry": "US"}})
    session = keep("session retrieve (expanded)", v1.checkout.sessions.retrieve(paid.id, params={
        "expand": ["line_items", "payment_intent.latest_charge", "payment_intent.payment_method", "customer"]}))
    keep("session line items", v1.checkout.sessions.line_items.list(paid.id))
    keep("payment method", v1.payment_methods.retrieve(session.payment_intent.payment_method.id))

    declined = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{declined.id}/pay", {"card": "4000000000009995"})
    keep("declined payment intent", v1.payment_intents.retrieve(
        v1.checkout.sessions.retrieve(declined.id).payment_intent, params={"expand": ["latest_charge"]}))
    blocked = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{blocked.id}/pay", {"card": "4100000000000019"})

    secure = new_session(client, catalog["ebook"].id)
    challenge = control(emulator, f"sessions/{secure.id}/pay", {"card": "4000002760003184"})["challenge"]
    keep("payment intent requiring action", v1.payment_intents.retrieve(
        v1.checkout.sessions.retrieve(secure.id).payment_intent))
    control(emulator, f"challenges/{challenge}", {"approve": True})
    keep("3-D Secure charge", v1.charges.list(params={"payment_intent": v1.checkout.sessions.retrieve(
        secure.id).payment_intent}))

    for outcome in ("succeeded", "failed"):
        bank = new_session(client, catalog["ebook"].id)
        control(emulator, f"sessions/{bank.id}/pay", {"method": "bank"})
        control(emulator, f"sessions/{bank.id}/settle", {"outcome": outcome})
        keep(f"bank debit {outcome}", v1.checkout.sessions.retrieve(bank.id, params={
            "expand": ["payment_intent.latest_charge"]}))

    free = v1.prices.create(params={"product_data": {"name": "Sample"}, "unit_amount": 0, "currency": "usd"})
    free_session = new_session(client, free.id)
    control(emulator, f"sessions/{free_session.id}/pay", {})
    keep("free session", v1.checkout.sessions.retrieve(free_session.id))

    sub = new_session(client, catalog["monthly"].id, mode="subscription", line_items=[
        {"price": catalog["monthly"].id, "quantity": 1}, {"price": catalog["ebook"].id, "quantity": 1}])
    control(emulator, f"sessions/{sub.id}/pay", {})
    done = keep("subscription session", v1.checkout.sessions.retrieve(sub.id, params={"expand": ["subscription",
                                                                                                 "invoice"]}))
    keep("subscription list", v1.subscriptions.list())
    keep("subscription item", v1.subscription_items.retrieve(done.subscription["items"].data[0].id))
    keep("subscription items", v1.subscription_items.list(params={"subscription": done.subscription.id}))
    keep("invoice lines", v1.invoices.line_items.list(done.invoice.id))
    keep("invoice list", v1.invoices.list(params={"subscription": done.subscription.id}))

    keep("embedded session", v1.checkout.sessions.create(params={
        "mode": "payment", "ui_mode": "embedded_page", "return_url": "https://shop.example/r",
        "line_items": [{"price": catalog["ebook"].id, "quantity": 1}],
        "invoice_creation": {"enabled": True, "invoice_data": {"footer": "Thanks"}},
        "tax_id_collection": {"enabled": True}, "automatic_tax": {"enabled": True}}))
    # discounts, shipping rates, tax and currencies (issue 14)
    coupon = keep("coupon create", v1.coupons.create(params={
        "percent_off": 10, "duration": "repeating", "duration_in_months": 2, "name": "Ten",
        "applies_to": {"products": [catalog["shirt"].product]}}))
    keep("coupon retrieve (applies_to)", v1.coupons.retrieve(coupon.id, params={"expand": ["applies_to"]}))
    keep("coupon list", v1.coupons.list())
    promo = keep("promotion code create", v1.promotion_codes.create(params={
        "promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SHAPE10",
        "restrictions": {"minimum_amount": 100, "minimum_amount_currency": "usd"}}))
    keep("promotion code list", v1.promotion_codes.list(params={"code": "SHAPE10"}))
    rate = keep("shipping rate create", v1.shipping_rates.create(params={
        "display_name": "Post", "type": "fixed_amount", "fixed_amount": {"amount": 500, "currency": "usd",
                                                                          "currency_options": {"eur": {"amount": 450}}},
        "delivery_estimate": {"minimum": {"unit": "business_day", "value": 2},
                              "maximum": {"unit": "business_day", "value": 5}}}))
    keep("shipping rate list", v1.shipping_rates.list())
    priced = new_session(client, catalog["shirt"].id, 2, allow_promotion_codes=True,
                         automatic_tax={"enabled": True}, shipping_options=[{"shipping_rate": rate.id}],
                         shipping_address_collection={"allowed_countries": ["FR"]})
    control(emulator, f"sessions/{priced.id}/pay", {"promotion_code": promo.code, "shipping": {
        "shippingName": "Jo", "shippingAddressLine1": "1 rue", "shippingLocality": "Paris",
        "shippingPostalCode": "75001", "shippingCountry": "FR"}})
    keep("discounted, taxed, shipped session", v1.checkout.sessions.retrieve(priced.id, params={
        "expand": ["line_items", "shipping_cost.shipping_rate"]}))
    keep("discounted line items", v1.checkout.sessions.line_items.list(priced.id))
    keep("tax rate", v1.tax_rates.retrieve("txr_emuFR"))
    invoiced = new_session(client, catalog["ebook"].id, invoice_creation={"enabled": True, "invoice_data": {
        "footer": "Thanks", "custom_fields": [{"name": "PO", "value": "7"}]}}, tax_id_collection={"enabled": True})
    control(emulator, f"sessions/{invoiced.id}/pay", {"tax_id": {"type": "eu_vat", "value": "FR12345678901"}})
    one_time = keep("invoiced session", v1.checkout.sessions.retrieve(invoiced.id, params={"expand": ["invoice"]}))
    keep("one-time invoice lines", v1.invoices.line_items.list(one_time.invoice.id))
    keep("coupon delete", v1.coupons.delete(v1.coupons.create(params={"amount_off": 5, "currency": "usd"}).id))
    expired = new_session(client, catalog["ebook"].id)
    keep("expired session", v1.checkout.sessions.expire(expired.id))
    keep("session list", v1.checkout.sessions.list(params={"limit": 100}))
    keep("payment intent list", v1.payment_intents.list(params={"limit": 100}))
    keep("charge list", v1.charges.list(params={"limit": 100}))

    endpoint = keep("webhook endpoint create", v1.webhook_endpoints.create(params={
        "url": "https://shop.example/hook", "enabled_events": ["checkout.session.completed"]}))
    keep("webhook endpoint update", v1.webhook_endpoints.update(endpoint.id, params={"description": "shop"}))
    keep("webhook endpoint list", v1.webhook_endpoints.list())
    keep("webhook endpoint delete", v1.webhook_endpoints.delete(endpoint.id))

    refunded = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{refunded.id}/pay", {"card": "4000000000005126"})
    refunded_pi = v1.checkout.sessions.retrieve(refunded.id).payment_intent
    partial = keep("refund create (partial)", v1.refunds.create(params={"payment_intent": refunded_pi, "amount": 400}))
    keep("refund create (the rest)", v1.refunds.create(params={"payment_intent": refunded_pi,
                                                               "reason": "requested_by_customer"}))
    control(emulator, f"refunds/{partial.id}/fail", {})
    keep("refund retrieve (failed)", v1.refunds.retrieve(partial.id))
    keep("refund list", v1.refunds.list(params={"payment_intent": refunded_pi}))
    keep("charge with refunds", v1.charges.retrieve(v1.payment_intents.retrieve(refunded_pi).latest_charge,
                                                    params={"expand": ["refunds"]}))
    disputed = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{disputed.id}/pay", {"card": "4000000000000259"})
    dispute = keep("dispute list", v1.disputes.list()).data[0]
    keep("dispute update", v1.disputes.update(dispute.id, params={"evidence": {"uncategorized_text": "sent"}}))
    keep("dispute close", v1.disputes.close(dispute.id))
    keep("dispute retrieve", v1.disputes.retrieve(dispute.id))
    # Memberships over time: a change of plan, a renewal with its prorations, a failed one, a trial,
    # a cancellation; the customer portal.
    member = new_session(client, catalog["monthly"].id, mode="subscription")
    control(emulator, f"sessions/{member.id}/pay", {})
    member_sub = v1.subscriptions.retrieve(v1.checkout.sessions.retrieve(member.id).subscription)
    keep("subscription update (items)", v1.subscriptions.update(member_sub.id, params={
        "items": [{"id": member_sub["items"].data[0].id, "price": catalog["yearly"].id}]}))
    keep("subscription update (cancel at period end)", v1.subscriptions.update(member_sub.id, params={
        "cancel_at_period_end": True}))
    trial = new_session(client, catalog["monthly"].id, mode="subscription", subscription_data={"trial_period_days": 3})
    control(emulator, f"sessions/{trial.id}/pay", {"card": "4000000000000341"})
    control(emulator, "clock/advance", {"seconds": 5 * 86400})
    trial_sub = v1.checkout.sessions.retrieve(trial.id).subscription
    keep("failed renewal invoice", v1.invoices.retrieve(v1.subscriptions.retrieve(trial_sub).latest_invoice))
    keep("subscription cancel", v1.subscriptions.cancel(trial_sub))
    keep("portal configuration create", v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}}, "business_profile": {"headline": "Shop"}}))
    keep("portal session create", v1.billing_portal.sessions.create(params={
        "customer": member_sub.customer, "return_url": "https://shop.example/",
        "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"subscription": member_sub.id}}}))
    keep("portal configuration list", v1.billing_portal.configurations.list())

    keep("price search", v1.prices.search(params={"query": "active:'true'"}))
    keep("customer search", v1.customers.search(params={"query": "email:'shape@example.com'"}))
    keep("charge search", v1.charges.search(params={"query": "status:'succeeded'"}))
    keep("invoice search", v1.invoices.search(params={"query": f"subscription:'{done.subscription.id}'"}))
    keep("event list", v1.events.list(params={"limit": 100}))
    return got


# What the issue names, and what paying and listing create besides.
REQUIRED_TYPES = {"product", "price", "customer", "checkout.session", "item", "payment_intent", "payment_method",
                  "charge", "subscription", "subscription_item", "invoice", "line_item", "event",
                  "webhook_endpoint", "plan", "list", "search_result", "billing_portal.session",
                  "billing_portal.configuration", "coupon", "promotion_code", "shipping_rate", "tax_rate", "discount",
                  "refund", "dispute"}


def test_every_response_has_the_sdk_shape(responses):
    found = {name: problems(body) for name, body in responses.items()}
    assert {name: p for name, p in found.items() if p} == {}


def test_the_flows_cover_every_object_type(responses):
    seen = {kind for body in responses.values() for kind in object_types(body)}
    assert REQUIRED_TYPES <= seen
    unexpected = seen - REQUIRED_TYPES
    assert not unexpected, f"types not listed here (add them to REQUIRED_TYPES once checked): {unexpected}"


def test_events_of_every_type_have_the_sdk_shape(responses):
    """Each event's data.object is checked as its own type (problems() recurses into it)."""
    events = responses["event list"]["data"]
    types = {e["type"] for e in events}
    assert {"checkout.session.completed", "payment_intent.payment_failed", "charge.failed", "invoice.paid",
            "customer.subscription.created", "checkout.session.async_payment_failed", "refund.created",
            "charge.refunded", "refund.failed", "charge.dispute.created", "charge.dispute.closed",
            "invoice.payment_failed", "customer.subscription.updated", "customer.subscription.deleted",
            "customer.subscription.trial_will_end"} <= types
    assert [p for e in events for p in problems(e)] == []


def test_pinned_version_values(responses):
    """The values the issue found wrong: ui_mode names, invoice.subscription moved, required charge fields."""
    assert responses["session create"]["ui_mode"] == "hosted_page"
    assert responses["embedded session"]["ui_mode"] == "embedded_page"
    invoice = responses["subscription session"]["invoice"]
    assert "subscription" not in invoice
    assert invoice["parent"]["subscription_details"]["subscription"] == responses["subscription session"]["subscription"]["id"]
    charge = responses["session retrieve (expanded)"]["payment_intent"]["latest_charge"]
    declared = set(sdk_types.fields(sdk_types.resource_class("charge")))
    assert declared <= set(charge) and {"outcome", "payment_method_details", "billing_details"} <= set(charge)


def test_the_checker_catches_what_it_should():
    """A shape check that cannot fail proves nothing: each kind of mismatch is reported."""
    price = {"id": "price_x", "object": "price"}
    assert any("declared by the SDK but missing" in p for p in problems(price))
    session = dict.fromkeys(sdk_types.fields(stripe.checkout.Session), None)
    session.update(object="checkout.session", ui_mode="hosted", custom_fields=[], shipping_options=[],
                   payment_method_types=["card"], automatic_tax={"enabled": False}, custom_text={},
                   mode="payment", payment_status="paid", created=1, expires_at=2, id="cs_x", livemode=False,
                   invoice_data="stray")
    session.pop("line_items")
    found = problems(session)
    assert "checkout.session.ui_mode: 'hosted' is not one of ['elements', 'embedded_page', 'form', 'hosted_page']" in found
    assert "checkout.session.invoice_data: not declared by the SDK" in found
    assert any(p.startswith("checkout.session.automatic_tax.liability") for p in found)  # nested, missing
    assert any(p.startswith("checkout.session.custom_text.") for p in found)
    session.update(created="yesterday")
    assert "checkout.session.created: an object where the SDK declares" not in problems(session)
    assert any(p.startswith("checkout.session.created") for p in problems(session))
