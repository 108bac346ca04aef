"""A hanging service costs one bounded wait, never the client's patience.

The servers here accept connections and never answer. What is checked is behaviour, not speed:
the kit gives up by itself (the test's own client waits far longer than the budget), answers
what the caller needs (502 for the buyer, 503 so Stripe retries), and does not pile attempts
on a dead service (the stand-in counts connections)."""

from __future__ import annotations

import pytest

from tests.core.test_create_session import fresh_rate_window
from tests.support.servers import HangingServer


@pytest.fixture
def hung():
    server = HangingServer()
    yield server
    server.close()


def online_shop(make_shop, stripe_base: str, **extra: str):
    """The dev shop talking to `stripe_base` as if it were Stripe (a secret key: no emulator)."""
    return make_shop(STRIPE_SECRET_KEY="sk_test_hanging_0123456789", STRIPE_API_BASE=stripe_base, **extra)


def test_a_hanging_stripe_gives_the_buyer_a_502_within_the_checkout_budget(make_shop, hung):
    shop = online_shop(make_shop, hung.url, STRIPE_CHECKOUT_TIMEOUT="2")
    answer = shop.checkout({"priceId": "price_test_ebook"})  # the test client would wait 30 s
    assert answer.status == 502 and answer.json()["error"]["code"] == "stripe_error"
    # One attempt used the whole budget: no retry was started with nothing left to wait for.
    assert hung.count == 1


def test_a_hanging_stripe_makes_the_webhook_answer_503_so_stripe_retries(make_shop, hung):
    shop = online_shop(make_shop, hung.url, STRIPE_WEBHOOK_TIMEOUT="2")
    event = {"id": "evt_hang_1", "object": "event", "type": "checkout.session.completed",
             "data": {"object": {"id": "cs_test_hang1"}}}
    answer = shop.deliver(event)
    assert answer.status == 503 and answer.headers["Retry-After"].isdigit()
    assert hung.count == 1
    assert [d.outcome for d in shop.store.deliveries("evt_hang_1")] == ["failed"]
    assert not shop.store.is_processed("evt_hang_1")  # Stripe's retry will do the whole work


def test_a_hanging_mail_server_costs_one_send_and_the_rest_stay_queued(make_shop):
    """SMTP greets nobody: the webhook's first send gives up within MAIL_TIMEOUT, the merchant's copy
    is not tried in the same request, the order stands and both emails wait for a later pass."""
    smtp = HangingServer()
    try:
        shop = make_shop(SMTP_URL=f"smtp://127.0.0.1:{smtp.port}", MAIL_TIMEOUT="2")
        session_id = shop.new_session()
        shop.pay(session_id)
        order = shop.wait_order(session_id)
        shop.settle_deliveries(timeout=30)
        assert order.status == "paid"
        receipt, notice = shop.store.emails(session_id)
        assert (receipt.status, receipt.attempts) == ("pending", 1) and "did not answer" in receipt.last_error
        assert (notice.status, notice.attempts) == ("pending", 0)  # handed back untried
        assert smtp.count == 1
        deliveries = shop.control("deliveries")["data"]
        assert all(a["status"] == 200 for d in deliveries for a in d["attempts"] if d["type"].startswith("checkout"))
    finally:
        smtp.close()


def test_the_summary_throttles_lookups_of_sessions_it_does_not_know(shop):
    """Each unknown session id costs a Stripe call: at most 20 per client per minute."""
    fresh_rate_window()
    answers = [shop.summary(f"cs_test_unknown{n:04d}") for n in range(22)]
    assert [a.status for a in answers[:20]] == [404] * 20
    assert [a.status for a in answers[20:]] == [429, 429]
    assert answers[-1].headers["Retry-After"] == "60"
    # Orders the store knows are answered from the store, throttle or not.
    session_id = shop.new_session()
    shop.pay(session_id)
    shop.wait_order(session_id)
    assert shop.summary(session_id).status == 200
