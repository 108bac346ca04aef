"""The calls of Stripe's own subscription sample (stripe-samples/checkout-single-subscription, its
Python server) work against the emulator: the module-level SDK style it uses, its old pinned
`api_version` header, a subscription Checkout Session, retrieving it, the "Manage billing"
button's `billing_portal.Session.create(customer=…, return_url=…)`, and `Webhook.construct_event`.

(The sample itself, unchanged and with its own stripe 14.2.0, was run against the emulator by
hand: see docs/emulator.md. This keeps its calls working with the SDK the kit pins.)
"""

from __future__ import annotations

import json
import urllib.request

import pytest
import stripe

from tests.emulator.conftest import WEBHOOK_SECRET, control


@pytest.fixture
def global_stripe(emulator):
    """The SDK configured the sample's way: module globals, its own API version."""
    saved = (stripe.api_key, stripe.api_base, stripe.api_version)
    stripe.api_key, stripe.api_base, stripe.api_version = "sk_test_sample", emulator.url, "2020-08-27"
    yield stripe
    stripe.api_key, stripe.api_base, stripe.api_version = saved


def test_the_subscription_samples_calls(emulator, receiver, global_stripe):
    product = stripe.Product.create(name="Starter")
    price = stripe.Price.create(product=product.id, unit_amount=1200, currency="usd", recurring={"interval": "month"})
    session = stripe.checkout.Session.create(
        success_url="http://localhost:4242/success.html?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://localhost:4242/canceled.html", mode="subscription",
        line_items=[{"price": price.id, "quantity": 1}])
    assert session.url.startswith(f"{emulator.url}/c/pay/")
    assert control(emulator, f"sessions/{session.id}/pay", {})["result"] == "paid"
    paid = stripe.checkout.Session.retrieve(session.id)
    assert (paid.status, paid.payment_status, paid.mode) == ("complete", "paid", "subscription")
    portal = stripe.billing_portal.Session.create(customer=paid.customer, return_url="http://localhost:4242")
    assert portal.customer == paid.customer and portal.return_url == "http://localhost:4242"
    page = urllib.request.urlopen(portal.url).read().decode()
    assert "Starter" in page and 'href="http://localhost:4242"' in page
    delivered = receiver.wait_for(lambda rs: any(b'"checkout.session.completed"' in r.body for r in rs))
    received = next(r for r in delivered if b'"checkout.session.completed"' in r.body)
    event = stripe.Webhook.construct_event(received.body, received.headers["Stripe-Signature"], WEBHOOK_SECRET)
    assert event["type"] == "checkout.session.completed" and json.loads(received.body)["data"]["object"]["id"] == session.id
