"""Stripe's own subscription sample against the emulator, call for call.

stripe-samples/checkout-single-subscription (server/python/server.py, read at commit
1f2bcde) makes exactly these Stripe calls for the flows it offers, with the module-level
API of the official SDK and its own API version header:

- checkout: `stripe.checkout.Session.create(success_url=…/success.html?session_id={CHECKOUT_SESSION_ID},
  cancel_url=…, mode='subscription', line_items=[{price, quantity: 1}])`, then a 303 to `.url`;
  the success page fetches `stripe.checkout.Session.retrieve(id)`;
- portal: `stripe.checkout.Session.retrieve(sessionId)` for the customer, then
  `stripe.billing_portal.Session.create(customer=…, return_url=…)` and a 303 to `.url`;
- webhook: `stripe.Webhook.construct_event(payload, sig_header, secret)` on what Stripe posts.

Each is run here the same way; none may meet an unimplemented route ("Unrecognized request URL").
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
import stripe

from checkout_kit.emulator import api
from tests.emulator.conftest import WEBHOOK_SECRET, control

SAMPLE_API_VERSION = "2020-08-27"  # what the sample pins; the emulator answers in the pinned version


@pytest.fixture
def sample_stripe(emulator: Any) -> Iterator[Any]:
    """The SDK's module-level settings as the sample sets them, pointed at the emulator; restored after."""
    saved = (stripe.api_key, stripe.api_base, stripe.api_version, stripe.max_network_retries)
    stripe.api_key, stripe.api_base, stripe.api_version = "sk_test_sample", emulator.url, SAMPLE_API_VERSION
    stripe.max_network_retries = 0
    yield stripe
    stripe.api_key, stripe.api_base, stripe.api_version, stripe.max_network_retries = saved


@pytest.fixture
def basic_price(client: stripe.StripeClient) -> str:
    """BASIC_PRICE_ID of the sample's .env: a monthly price."""
    return client.v1.prices.create(params={"product_data": {"name": "Basic"}, "unit_amount": 500, "currency": "usd",
                                           "recurring": {"interval": "month"}}).id


def create_checkout_session(s: Any, price: str, domain: str = "http://localhost:4242") -> Any:
    """The sample's /create-checkout-session, verbatim in its Stripe call."""
    return s.checkout.Session.create(
        success_url=domain + "/success.html?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=domain + "/canceled.html",
        mode="subscription",
        line_items=[{"price": price, "quantity": 1}],
    )


def test_checkout_flow_and_the_success_page_lookup(sample_stripe: Any, emulator: Any, basic_price: str) -> None:
    session = create_checkout_session(sample_stripe, basic_price)
    assert session.url.startswith(f"{emulator.url}/c/pay/{session.id}")
    assert control(emulator, f"sessions/{session.id}/pay", {})["result"] == "paid"
    shown = sample_stripe.checkout.Session.retrieve(session.id)  # /checkout-session?sessionId=…
    assert (shown.status, shown.payment_status, shown.mode) == ("complete", "paid", "subscription")
    assert shown.customer.startswith("cus_") and shown.subscription.startswith("sub_")


def test_customer_portal_flow(sample_stripe: Any, emulator: Any, basic_price: str) -> None:
    session = create_checkout_session(sample_stripe, basic_price)
    control(emulator, f"sessions/{session.id}/pay", {})
    checkout_session = sample_stripe.checkout.Session.retrieve(session.id)
    portal = sample_stripe.billing_portal.Session.create(customer=checkout_session.customer,
                                                         return_url="http://localhost:4242")
    assert portal.url and portal.customer == checkout_session.customer


def test_webhook_events_verify_with_construct_event(sample_stripe: Any, emulator: Any, basic_price: str,
                                                    receiver: Any) -> None:
    session = create_checkout_session(sample_stripe, basic_price)
    control(emulator, f"sessions/{session.id}/pay", {})

    def completed(got: list[Any]) -> list[Any]:
        return [r for r in got if json.loads(r.body)["type"] == "checkout.session.completed"]
    delivery = completed(receiver.wait_for(lambda got: bool(completed(got))))[0]
    signature = {k.lower(): v for k, v in delivery.headers.items()}["stripe-signature"]
    event = sample_stripe.Webhook.construct_event(payload=delivery.body, sig_header=signature, secret=WEBHOOK_SECRET)
    assert event["type"] == "checkout.session.completed" and event["data"]["object"]["id"] == session.id
