"""Refunds and disputes driven by the emulator: `orders refund` (partial, then the rest) moves the
order to partially_refunded then refunded with one email per refund; a refund made in Stripe's
Dashboard reaches the order through the webhook the same way; a full refund voids unused
tickets and stops downloads; a failing refund tells the merchant; a dispute alerts the merchant
once, with its deadline, and again when it closes."""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

from checkout_kit.fulfillment import reference
from tests.core.conftest import CUSTOMER, MERCHANT, Shop, http, paid_order
from tests.support.smtp import text_of


def refund_emails(shop: Shop) -> list[Any]:
    return [m for m in shop.smtp.to(CUSTOMER) if "refund" in m["Subject"].lower()]


def settle(shop: Shop) -> None:
    shop.settle_deliveries()
    time.sleep(0.3)


def test_partial_then_full_refund_one_email_each(after_shop: Shop, cli: Any, capsys: Any) -> None:
    shop = after_shop
    order = paid_order(shop, "price_as_ticket", 2)
    ref = reference(order.session_id)
    assert cli.orders_refund(ref, "30.00", "requested_by_customer") == 0
    out = capsys.readouterr().out
    assert f"Refunded $30.00 of order {ref}" in out and "partially_refunded" in out
    order = shop.store.get_order(order.session_id)
    assert (order.status, order.amount_refunded) == ("partially_refunded", 3000)
    [first] = shop.smtp.wait_for(lambda ms: len(refund_emails(shop)) == 1) and refund_emails(shop)
    assert "$30.00" in first["Subject"] and "Refunded so far: $30.00 of $80.00" in text_of(first)
    assert all(t.voided_at is None for t in shop.store.tickets(order.session_id))  # partial: tickets stand
    assert cli.orders_refund(order.session_id) == 0  # the rest, by session id this time
    order = shop.store.get_order(order.session_id)
    assert (order.status, order.amount_refunded) == ("refunded", 8000)
    shop.smtp.wait_for(lambda ms: len(refund_emails(shop)) == 2)
    settle(shop)  # the webhooks of both refunds arrive too: nothing more is sent
    assert len(refund_emails(shop)) == 2 and "$50.00" in refund_emails(shop)[1]["Subject"]
    assert "no longer work" in text_of(refund_emails(shop)[1])
    assert all(t.voided_at for t in shop.store.tickets(order.session_id))
    assert [r.amount for r in shop.store.refunds(order.session_id)] == [3000, 5000]
    assert cli.orders_refund(ref) == 2 and "refunded in full already" in capsys.readouterr().err


def test_a_refund_made_in_stripe_reaches_the_order_through_the_webhook(after_shop: Shop) -> None:
    shop = after_shop
    order = paid_order(shop, "price_as_book")
    client = stripe.StripeClient("sk_test_dashboard", base_addresses={"api": shop.emulator.url})
    client.v1.refunds.create(params={"payment_intent": order.payment_intent})
    deadline = time.time() + 10
    while shop.store.get_order(order.session_id).status != "refunded" and time.time() < deadline:
        time.sleep(0.05)
    assert shop.store.get_order(order.session_id).status == "refunded"
    shop.smtp.wait_for(lambda ms: len(refund_emails(shop)) == 1)
    settle(shop)
    assert len(refund_emails(shop)) == 1  # refund.created and charge.refunded: one email
    outcomes = sorted(d.outcome for d in shop.store.deliveries() if d.event_type in ("refund.created", "charge.refunded"))
    assert outcomes == ["refunded", "unchanged"]  # whichever came first did it
    # The receipt's download link no longer works.
    link = [line for line in text_of(shop.receipts()[0]).split() if "/api/download?token=" in line][0]
    assert http("GET", link).status == 410


def test_refund_arguments_are_checked_before_stripe_is_asked(after_shop: Shop, cli: Any, capsys: Any) -> None:
    order = paid_order(after_shop, "price_as_book")
    ref = reference(order.session_id)
    for amount in ("0", "-1", "15.01", "abc", "1.234"):
        assert cli.orders_refund(ref, amount) == 2
    assert cli.orders_refund(ref, "1", "because") == 2
    assert cli.orders_refund("NOSUCHREF") == 2 and "No order 'NOSUCHREF'" in capsys.readouterr().err
    assert after_shop.emulator.state.objects["refund"] == {}


def test_a_failing_refund_tells_the_merchant_and_the_order_follows_the_charge(after_shop: Shop, cli: Any) -> None:
    shop = after_shop
    order = paid_order(shop, "price_as_book", card="4000000000005126")
    assert cli.orders_refund(order.session_id) == 0
    assert shop.store.get_order(order.session_id).status == "refunded"
    [refund] = shop.store.refunds(order.session_id)
    shop.control(f"refunds/{refund.refund_id}/fail", {})
    shop.smtp.wait_for(lambda ms: any("refund failed" in m["Subject"].lower() for m in shop.smtp.to(MERCHANT)))
    order = shop.store.get_order(order.session_id)
    assert (order.status, order.amount_refunded) == ("paid", 0)
    assert shop.store.refunds(order.session_id)[0].failure_reason == "expired_or_canceled_card"


def test_a_dispute_alerts_the_merchant_once_with_its_deadline(after_shop: Shop) -> None:
    shop = after_shop
    order = paid_order(shop, "price_as_book", card="4000000000000259")
    alerts = lambda: [m for m in shop.smtp.to(MERCHANT) if "disputed" in m["Subject"].lower()]  # noqa: E731
    [alert] = shop.smtp.wait_for(lambda ms: len(alerts()) == 1) and alerts()
    body = text_of(alert)
    assert "$15.00 disputed (fraudulent)" in body and reference(order.session_id) in body and "respond" in body
    settle(shop)
    # Stripe delivering the event again (and the funds_withdrawn event) alerts nobody again.
    created = shop.events("charge.dispute.created")[0]
    assert shop.deliver(created).json()["outcome"] == "duplicate_event"
    redelivered = dict(created, id="evt_replayed_dispute")
    assert shop.deliver(redelivered).json()["outcome"] == "unchanged"
    settle(shop)
    assert len(alerts()) == 1
    [dispute] = shop.store.disputes(order.payment_intent)
    shop.control(f"disputes/{dispute.dispute_id}/close", {"outcome": "lost"})
    shop.smtp.wait_for(lambda ms: any("closed" in m["Subject"].lower() for m in shop.smtp.to(MERCHANT)))
    assert shop.store.disputes(order.payment_intent)[0].status == "lost"
    assert len(alerts()) == 1


def test_refund_events_for_other_apps_charges_are_ignored(after_shop: Shop) -> None:
    shop = after_shop
    client = stripe.StripeClient("sk_test_other_app", base_addresses={"api": shop.emulator.url})
    price = client.v1.prices.create(params={"product_data": {"name": "Other"}, "unit_amount": 100, "currency": "usd"})
    session = client.v1.checkout.sessions.create(params={
        "mode": "payment", "line_items": [{"price": price.id, "quantity": 1}],
        "success_url": "https://other.example/s", "cancel_url": "https://other.example/c"})
    shop.pay(session.id)
    intent = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    client.v1.refunds.create(params={"payment_intent": intent})
    settle(shop)
    outcomes = [d.outcome for d in shop.store.deliveries() if d.event_type == "charge.refunded"]
    assert outcomes == ["ignored"] and refund_emails(shop) == []


def test_a_refund_event_before_its_order_is_retried(after_shop: Shop) -> None:
    shop = after_shop
    shop.emulator.deliverer.endpoints.clear()
    session_id = shop.new_session("price_as_book")
    shop.pay(session_id)
    intent = shop.emulator.state.objects["checkout.session"][session_id]["payment_intent"]
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": shop.emulator.url})
    client.v1.refunds.create(params={"payment_intent": intent})
    refunded = shop.events("charge.refunded")[0]
    answer = shop.deliver(refunded)
    assert answer.status == 503 and answer.json()["error"]["code"] == "retry_later"
    assert not shop.store.is_processed(refunded["id"])
    assert shop.deliver(shop.events("checkout.session.completed")[0]).status == 200
    assert shop.deliver(refunded).json()["outcome"] == "refunded"
    assert json.loads(json.dumps(shop.store.get_order(session_id).status)) == "refunded"
