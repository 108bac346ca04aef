"""Events reach a real receiver, signed as Stripe signs, in the order Stripe sends them."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from checkout_kit.stripe_version import API_VERSION
from tests.emulator.conftest import WEBHOOK_SECRET, control, new_session
from tests.support.servers import WebhookReceiver

FLOW_PREFIXES = ("checkout.", "payment_intent.", "charge.", "customer.", "invoice.")


def verified(receiver: WebhookReceiver, count: int) -> list[stripe.Event]:
    """Wait for `count` flow events and verify each with the official SDK."""
    def flow_events(received):
        return [r for r in received if json.loads(r.body)["type"].startswith(FLOW_PREFIXES)]
    received = flow_events(receiver.wait_for(lambda rs: len(flow_events(rs)) >= count))
    events = [stripe.Webhook.construct_event(r.body, r.headers["Stripe-Signature"], WEBHOOK_SECRET) for r in received]
    time.sleep(0.2)  # nothing more should arrive
    assert len(flow_events(receiver.received)) == count
    return events


def emitted_types(client: stripe.StripeClient) -> list[str]:
    events = client.v1.events.list(params={"limit": 100}).data
    return [e.type for e in reversed(events) if e.type.startswith(FLOW_PREFIXES)]


def check_sequence(client, receiver, expected: list[str]) -> list[stripe.Event]:
    events = verified(receiver, len(expected))
    assert emitted_types(client) == expected
    assert sorted(e.type for e in events) == sorted(expected)
    return events


def test_card_payment_sequence_and_envelope(emulator, client, catalog, receiver):
    session = new_session(client, catalog["ebook"].id, metadata={"kit": "checkout-kit"})
    control(emulator, f"sessions/{session.id}/pay", {"card": "4242424242424242"})
    events = check_sequence(client, receiver, [
        "payment_intent.created", "charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"])
    completed = next(e for e in events if e.type == "checkout.session.completed")
    assert completed.id.startswith("evt_") and completed.object == "event" and completed.livemode is False
    assert completed.api_version == API_VERSION and isinstance(completed.created, int)
    assert completed.data.object.id == session.id and completed.data.object.payment_status == "paid"
    assert completed.data.object.metadata["kit"] == "checkout-kit"
    assert completed.pending_webhooks >= 0 and "idempotency_key" in completed.request
    header = next(r for r in receiver.received if completed.id.encode() in r.body).headers["Stripe-Signature"]
    assert header.startswith("t=") and ",v1=" in header


def test_signature_fails_with_another_secret(emulator, client, catalog, receiver):
    session = new_session(client, catalog["ebook"].id)
    client.v1.checkout.sessions.expire(session.id)
    delivery = receiver.wait_for(lambda rs: any(b"checkout.session.expired" in r.body for r in rs))[-1]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery.body, delivery.headers["Stripe-Signature"], "whsec_other")


def test_decline_then_success(emulator, client, catalog, receiver):
    session = new_session(client, catalog["ebook"].id)
    assert control(emulator, f"sessions/{session.id}/pay", {"card": "4000000000000002"})["result"] == "declined"
    assert control(emulator, f"sessions/{session.id}/pay", {"card": "4242424242424242"})["result"] == "paid"
    check_sequence(client, receiver, [
        "payment_intent.created", "charge.failed", "payment_intent.payment_failed",
        "charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"])
    pi = client.v1.payment_intents.retrieve(client.v1.checkout.sessions.retrieve(session.id).payment_intent)
    assert pi.status == "succeeded" and len(client.v1.charges.list(params={"payment_intent": pi.id}).data) == 2


def test_async_payment_success(emulator, client, catalog, receiver):
    session = new_session(client, catalog["ebook"].id)
    assert control(emulator, f"sessions/{session.id}/pay", {"method": "bank"})["result"] == "processing"
    pending = client.v1.checkout.sessions.retrieve(session.id)
    assert pending.status == "complete" and pending.payment_status == "unpaid"
    verified(receiver, 4)
    assert control(emulator, f"sessions/{session.id}/settle", {"outcome": "succeeded"})["outcome"] == "succeeded"
    check_sequence(client, receiver, [
        "payment_intent.created", "charge.pending", "payment_intent.processing", "checkout.session.completed",
        "charge.succeeded", "payment_intent.succeeded", "checkout.session.async_payment_succeeded"])
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_async_payment_failure_chosen_by_account_number(emulator, client, catalog, receiver):
    session = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{session.id}/pay", {"method": "bank", "account": "000111111113"})
    assert control(emulator, f"sessions/{session.id}/settle", {})["outcome"] == "failed"
    check_sequence(client, receiver, [
        "payment_intent.created", "charge.pending", "payment_intent.processing", "checkout.session.completed",
        "charge.failed", "payment_intent.payment_failed", "checkout.session.async_payment_failed"])
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"


def test_async_payment_settles_by_itself_after_the_delay(emulator, client, catalog, receiver):
    session = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{session.id}/pay", {"method": "bank", "settle_after": 0.2})
    events = verified(receiver, 7)
    assert events and client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_expiry_by_api_and_by_time(emulator, client, catalog, receiver):
    first = new_session(client, catalog["ebook"].id)
    client.v1.checkout.sessions.expire(first.id)
    second = new_session(client, catalog["ebook"].id)
    with emulator.state.lock:  # let its expires_at pass without waiting 30 minutes
        emulator.state.objects["checkout.session"][second.id]["expires_at"] = int(time.time()) - 1
    events = check_sequence(client, receiver, ["checkout.session.expired", "checkout.session.expired"])
    assert {e.data.object.id for e in events} == {first.id, second.id}
    assert client.v1.checkout.sessions.retrieve(second.id).status == "expired"


def test_subscription_sequence(emulator, client, catalog, receiver):
    session = new_session(client, catalog["monthly"].id, mode="subscription")
    control(emulator, f"sessions/{session.id}/pay", {})
    # As Stripe's Checkout does: the subscription starts incomplete, its first invoice is paid, then it is active.
    events = check_sequence(client, receiver, [
        "customer.created", "customer.subscription.created", "invoice.created", "invoice.finalized",
        "payment_intent.created", "charge.succeeded", "payment_intent.succeeded", "invoice.paid",
        "invoice.payment_succeeded", "customer.subscription.updated", "checkout.session.completed"])
    paid = next(e for e in events if e.type == "invoice.paid")
    assert paid.data.object.status == "paid" and paid.data.object.amount_paid == 900
    created = next(e for e in events if e.type == "customer.subscription.created")
    updated = next(e for e in events if e.type == "customer.subscription.updated")
    assert (created.data.object.status, updated.data.object.status) == ("incomplete", "active")
    assert updated.data.previous_attributes.to_dict() == {"status": "incomplete"}


def test_failed_deliveries_are_retried_with_backoff(emulator, client, catalog):
    flaky = WebhookReceiver(statuses=[500, 500])
    try:
        control(emulator, "endpoints", {"url": flaky.url, "secret": "whsec_flaky",
                                        "enabled_events": ["checkout.session.expired"]})
        session = new_session(client, catalog["ebook"].id)
        client.v1.checkout.sessions.expire(session.id)
        received = flaky.wait_for(lambda rs: len(rs) >= 3)
        time.sleep(0.5)
        assert [r.status for r in flaky.received] == [500, 500, 200]
        assert len({json.loads(r.body)["id"] for r in received}) == 1  # the same event each time
        for r in received:
            stripe.Webhook.construct_event(r.body, r.headers["Stripe-Signature"], "whsec_flaky")
        delivery = next(d for d in control(emulator, "deliveries")["data"] if d["endpoint"] == flaky.url)
        assert delivery["status"] == "succeeded"
        assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]
        gaps = [b["at"] - a["at"] for a, b in zip(delivery["attempts"], delivery["attempts"][1:])]
        assert gaps[1] > gaps[0]  # exponential backoff
    finally:
        flaky.close()


def test_unreachable_endpoint_gives_up_after_max_attempts(emulator, client, catalog):
    control(emulator, "endpoints", {"url": "http://127.0.0.1:9/nowhere", "secret": "whsec_x",
                                    "enabled_events": ["checkout.session.expired"]})
    session = new_session(client, catalog["ebook"].id)
    client.v1.checkout.sessions.expire(session.id)
    assert emulator.deliverer.wait_idle(timeout=10)
    delivery = next(d for d in control(emulator, "deliveries")["data"] if d["endpoint"].endswith("/nowhere"))
    assert delivery["status"] == "failed" and len(delivery["attempts"]) == emulator.deliverer.policy.max_attempts
    assert all(a["status"] is None and a["error"] for a in delivery["attempts"])
