"""A paid checkout becomes one recorded order and one set of emails — whatever
Stripe's delivery does: duplicates, concurrency, races with the landing page,
failures and retries, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import time

import pytest

from checkout_kit.store import sql as store_sql
from tests.core.conftest import CUSTOMER, MERCHANT, SUPPORT, run_threads
from tests.support.smtp import html_of, text_of
from tests.support.outbox import drained, make_due


def completed_event(shop, session_id: str) -> dict:
    events = [e for e in shop.events("checkout.session.completed") if e["data"]["object"]["id"] == session_id]
    assert len(events) == 1
    return events[0]


@pytest.mark.parametrize("price_id,quantity,amount,mode,fulfillment", [
    ("price_test_ebook", 1, "$15.00", "payment", "download"),
    ("price_test_tshirt", 3, "$75.00", "payment", "shipment"),
    ("price_test_monthly", 1, "$9.00", "subscription", "subscription"),
])
def test_each_demo_product_becomes_one_paid_order_with_emails(shop, price_id, quantity, amount, mode, fulfillment):
    session_id = shop.new_session(price_id, quantity)
    shipping = {"shippingName": "Jenny Rosen", "shippingAddressLine1": "1 Main St", "shippingLocality": "Springfield",
                "shippingPostalCode": "12345", "shippingCountry": "US"}
    assert shop.pay(session_id, shipping=shipping)["result"] == "paid"
    order = shop.wait_order(session_id)
    assert order.mode == mode and order.customer_email == CUSTOMER
    assert [(i.quantity, i.fulfillment_type) for i in order.items] == [(quantity, fulfillment)]
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    shop.settle_deliveries()
    time.sleep(0.2)
    # A membership's first email is its welcome (a receipt, and how to manage the membership).
    receipts = shop.receipts() if mode == "payment" else [m for m in shop.smtp.to(CUSTOMER) if "Welcome" in m["Subject"]]
    notices = shop.smtp.to(MERCHANT)
    assert len(receipts) == 1 and len(notices) == 1 and len(shop.smtp.messages) == 2
    receipt = receipts[0]
    assert amount in text_of(receipt) and amount in html_of(receipt)
    assert receipt["From"] == "Test Shop <shop@shop.example>" and receipt["Reply-To"] == SUPPORT
    assert amount in notices[0]["Subject"] and CUSTOMER in text_of(notices[0])
    if fulfillment == "shipment":
        assert "1 Main St" in text_of(notices[0]) and order.shipping["address"]["city"] == "Springfield"
    if fulfillment == "download":
        # A signed link to the shop's download route, never the file's real location.
        assert f"{shop.url}/api/download?token=" in text_of(receipt)
        assert "downloads.example.com" not in text_of(receipt) + html_of(receipt)
    if fulfillment == "subscription":
        assert order.subscription and order.subscription.startswith("sub_")
        assert "https://members.example.com/" in text_of(receipt)
    # The landing page asks afterwards: same order, nothing sent again.
    summary = shop.summary(session_id).json()
    assert summary["payment_status"] == "paid" and summary["items"][0]["quantity"] == quantity
    time.sleep(0.2)
    assert len(shop.smtp.messages) == 2 and shop.store.count("orders") == 1


def test_ticket_codes_are_issued_per_seat_and_stable(shop):
    session_id = shop.new_session("price_test_ticket", 2)
    shop.pay(session_id)
    order = shop.wait_order(session_id)
    codes = order.items[0].fulfillment["codes"]
    assert len(codes) == 2 and len(set(codes)) == 2 and all(c.startswith("TKT-") for c in codes)
    receipt = shop.smtp.wait_for(lambda ms: any("receipt" in m["Subject"].lower() for m in ms))[0]
    assert all(code in text_of(receipt) and code in html_of(receipt) for code in codes)
    assert "Venue: Room 2" in text_of(receipt)  # the venue reaches every channel
    assert [t["code"] for t in shop.summary(session_id).json()["fulfillment"][0]["tickets"]] == codes


def test_free_order_needs_no_payment_and_is_fulfilled(shop):
    session_id = shop.new_session("price_test_sample")
    assert shop.pay(session_id)["result"] == "paid"
    order = shop.wait_order(session_id)
    assert order.amount_total == 0 and order.items[0].fulfillment["type"] == "download"
    assert shop.summary(session_id).json()["payment_status"] == "no_payment_required"
    shop.smtp.wait_for(lambda ms: len(shop.receipts()) == 1)


def test_async_payment_success(shop):
    session_id = shop.new_session()
    assert shop.pay(session_id, method="bank")["result"] == "processing"
    order = shop.wait_order(session_id, "awaiting_payment")
    assert order.items[0].fulfillment == {}
    shop.settle_deliveries()
    assert shop.smtp.messages == []  # no receipt before the money arrives
    assert shop.summary(session_id).json()["payment_status"] == "unpaid"
    shop.control(f"sessions/{session_id}/settle", {"outcome": "succeeded"})
    order = shop.wait_order(session_id, "paid")
    assert order.items[0].fulfillment["type"] == "download"
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    shop.settle_deliveries()
    time.sleep(0.2)
    assert len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1


def test_async_payment_failure(shop):
    session_id = shop.new_session()
    shop.pay(session_id, method="bank", account="000111111113")
    shop.wait_order(session_id, "awaiting_payment")
    shop.control(f"sessions/{session_id}/settle", {})
    shop.wait_order(session_id, "payment_failed")
    notice = shop.smtp.wait_for(lambda ms: len(ms) >= 1)[0]
    assert "did not go through" in notice["Subject"] and notice["To"] == CUSTOMER
    shop.settle_deliveries()
    time.sleep(0.2)
    assert len(shop.smtp.messages) == 1 and shop.receipts() == []
    assert shop.summary(session_id).json()["order_status"] == "payment_failed"


def test_expired_session_leaves_no_order_and_sends_nothing(shop):
    session_id = shop.new_session()
    shop.control(f"sessions/{session_id}/expire", {})
    shop.settle_deliveries()
    expired = shop.events("checkout.session.expired")
    assert [e["data"]["object"]["id"] for e in expired] == [session_id]
    assert shop.store.is_processed(expired[0]["id"])
    assert shop.store.count("orders") == 0 and shop.smtp.messages == []


def test_duplicate_and_concurrent_deliveries_leave_one_order(any_shop):
    shop = any_shop
    session_id = shop.new_session("price_test_tshirt", 2)
    shop.pay(session_id)
    shop.wait_order(session_id)
    shop.settle_deliveries()
    event = completed_event(shop, session_id)
    for _ in range(5):
        assert shop.deliver(event).status == 200
    answers = run_threads(8, lambda i: shop.deliver(event))
    assert [a.status for a in answers] == [200] * 8
    time.sleep(0.3)
    assert shop.store.count("orders") == 1 and shop.store.count("order_items") == 1
    assert len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1
    outcomes = [d.outcome for d in shop.store.deliveries(event["id"])]
    assert outcomes.count("fulfilled") == 1 and outcomes.count("duplicate_event") == 13


def test_webhook_racing_the_landing_page_fulfills_once(any_shop):
    shop = any_shop
    shop.emulator.deliverer.endpoints.clear()  # we deliver by hand, all at once
    session_id = shop.new_session()
    shop.pay(session_id)
    event = completed_event(shop, session_id)
    results = run_threads(8, lambda i: shop.deliver(event) if i % 2 else shop.summary(session_id))
    assert all(r.status == 200 for r in results)
    time.sleep(0.3)
    assert shop.store.count("orders") == 1
    assert len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1
    assert all(r.json().get("payment_status", "paid") == "paid" for r in results if "items" in r.json())


def test_out_of_order_events_never_move_an_order_back(any_shop):
    shop = any_shop
    session_id = shop.new_session()
    shop.pay(session_id, method="bank")
    shop.control(f"sessions/{session_id}/settle", {"outcome": "succeeded"})
    shop.wait_order(session_id, "paid")
    shop.settle_deliveries()
    # Replay the early "completed (unpaid)" event as a new delivery id: the order stays paid.
    stale = dict(completed_event(shop, session_id), id="evt_replayed_late_delivery")
    assert shop.deliver(stale).status == 200
    assert shop.store.get_order(session_id).status == "paid"
    time.sleep(0.2)
    assert len(shop.receipts()) == 1


def test_failure_after_marking_progress_is_retried_and_completes(shop, monkeypatch):
    """The event is marked processed in the same transaction as the effects: a crash
    between them leaves nothing, Stripe's retry does the whole work."""
    real = store_sql.Tx.enqueue_jobs  # every job the order's transaction queues
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("disk full (simulated)")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(store_sql.Tx, "enqueue_jobs", flaky)
    session_id = shop.new_session()
    shop.pay(session_id)
    order = shop.wait_order(session_id)
    shop.settle_deliveries()
    event = completed_event(shop, session_id)
    deliveries = shop.control("deliveries")["data"]
    attempts = next(d["attempts"] for d in deliveries if d["event"] == event["id"])
    assert [a["status"] for a in attempts] == [500, 200]
    assert [d.outcome for d in shop.store.deliveries(event["id"])] == ["failed", "fulfilled"]
    assert order.status == "paid" and shop.store.count("orders") == 1
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    time.sleep(0.2)
    assert len(shop.receipts()) == 1


def test_smtp_down_keeps_the_order_and_retry_sends_once(shop, capsys):
    from checkout_kit.admin import jobs_retry
    from checkout_kit import services as services_module

    shop.smtp.stop()
    session_id = shop.new_session()
    shop.pay(session_id)
    order = shop.wait_order(session_id)
    shop.settle_deliveries()
    assert order.status == "paid"
    receipt, notice = shop.store.emails(session_id)
    assert (receipt.kind, notice.kind) == ("receipt", "merchant_order")
    # The first send found SMTP down; the request did not wait on a second failing send.
    assert receipt.status == "pending" and receipt.attempts == 1 and "SMTP" in (receipt.last_error or "")
    assert notice.status == "pending" and notice.attempts == 0
    shop.smtp.start()
    # `python -m checkout_kit jobs retry`, with the shop's configuration: the owner says the cause is fixed,
    # so the receipt goes now, without waiting out its backoff.
    services_module._shared = shop.services
    try:
        assert jobs_retry() == 0
    finally:
        services_module._shared = None
    assert "done 2, failed 0 (gave up 0), still pending 0" in capsys.readouterr().out
    assert len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1
    assert retry_again_sends_nothing(shop)


def retry_again_sends_nothing(shop) -> bool:
    from checkout_kit import outbox

    result = outbox.drain(shop.services, ignore_backoff=True)
    assert (result.done, result.retrying, result.gave_up) == (0, 0, 0)
    time.sleep(0.1)
    return len(shop.smtp.messages) == 2


def test_next_webhook_retries_pending_mail(shop):
    shop.smtp.stop()
    first = shop.new_session()
    shop.pay(first)
    shop.wait_order(first)
    shop.settle_deliveries()
    shop.smtp.start()
    make_due(shop.store)  # the receipt's backoff has passed
    second = shop.new_session("price_test_ticket")
    shop.pay(second)
    shop.smtp.wait_for(lambda ms: len(ms) >= 4)
    assert sorted(m["To"] for m in shop.smtp.messages) == sorted([CUSTOMER, CUSTOMER, MERCHANT, MERCHANT])


def test_cron_route_retries_pending_mail(tmp_path, smtp):
    from tests.core.conftest import http, shop_env, start_shop

    shop = start_shop(shop_env(f"sqlite:///{tmp_path}/o.db", smtp, CRON_SECRET="cron-secret-value-123"), smtp)
    try:
        smtp.stop()
        session_id = shop.new_session()
        shop.pay(session_id)
        shop.wait_order(session_id)
        shop.settle_deliveries()
        smtp.start()
        make_due(shop.store)  # the cron runs after the receipt's backoff
        answer = http("GET", f"{shop.url}/api/cron/outbox", headers={"Authorization": "Bearer cron-secret-value-123"})
        assert answer.status == 200
        assert drained(answer.json()) == {"done": 2, "retrying": 0, "gave_up": 0, "pending": 0}
        assert len(smtp.messages) == 2
    finally:
        shop.dev.stop()


def test_sessions_from_other_apps_are_ignored(shop):
    import stripe

    client = stripe.StripeClient("sk_test_other_app", base_addresses={"api": shop.emulator.url})
    foreign = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://other.example/ok",
        "line_items": [{"price": "price_test_ebook", "quantity": 1}]})
    shop.pay(foreign.id)
    shop.settle_deliveries()
    event = completed_event(shop, foreign.id)
    assert [d.outcome for d in shop.store.deliveries(event["id"])] == ["not_kit_session"]
    assert shop.store.count("orders") == 0 and shop.smtp.messages == []


def test_owner_lists_orders_with_the_admin_token(make_shop):
    from tests.core.conftest import http

    shop = make_shop(ADMIN_TOKEN="admin-token-for-tests-42")
    session_id = shop.new_session("price_test_tshirt", 2)
    shop.pay(session_id)
    shop.wait_order(session_id)
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    url = f"{shop.url}/api/admin/orders?limit=10"
    assert http("GET", url).status == 401
    assert http("GET", url, headers={"Authorization": "Bearer wrong"}).status == 401
    answer = http("GET", url, headers={"Authorization": "Bearer admin-token-for-tests-42"})
    assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store"
    [order] = answer.json()["orders"]
    assert order["session_id"] == session_id and order["status"] == "paid"
    assert order["items"][0] == {"position": 0, "description": "Checkout Kit T-shirt", "quantity": 2,
                                 "amount_total": 5000, "product_key": "tshirt", "fulfillment_type": "shipment",
                                 "fulfillment_status": "to_ship"}
    assert len(order["reference"]) == 8 and order["to_ship"] is True
    assert order["shipping"]["address"]["city"] == "Springfield"
    assert sorted((m["kind"], m["status"]) for m in order["emails"]) == [("merchant_order", "sent"), ("receipt", "sent")]
    assert "text_body" not in answer.body.decode() and "admin-token-for-tests-42" not in answer.body.decode()
    bad = http("GET", f"{shop.url}/api/admin/orders?limit=abc", headers={"Authorization": "Bearer admin-token-for-tests-42"})
    assert bad.status == 400


def test_admin_route_is_off_without_a_token(shop):
    from tests.core.conftest import http

    assert http("GET", f"{shop.url}/api/admin/orders", headers={"Authorization": "Bearer x"}).status == 403


def test_a_twenty_line_cart_becomes_a_whole_order(make_shop, tmp_path):
    """Stripe's expanded line_items holds only a first page (10 lines here, as Stripe's "first
    handful"): fulfillment pages in the rest, so no order is recorded with part of its cart."""
    products = "\n".join(
        f'[products.p{n:02d}]\nname = "Print no. {n}"\nfulfillment = "service"\n'
        f'  [[products.p{n:02d}.prices]]\n  id = "price_test_print{n:02d}"\n  unit_amount = {100 + n}\n  currency = "usd"\n'
        for n in range(20))
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(f'[shop]\nname = "Print Shop"\n\n{products}')
    shop = make_shop(CATALOG_PATH=str(catalog))
    answer = shop.checkout({"items": [{"priceId": f"price_test_print{n:02d}", "quantity": 1} for n in range(20)]})
    assert answer.status == 200, answer.body
    session_id = answer.json()["id"]
    shop.pay(session_id)
    order = shop.wait_order(session_id)
    assert [i.description for i in order.items] == [f"Print no. {n}" for n in range(20)]
    assert sum(i.amount_total for i in order.items) == order.amount_total == sum(100 + n for n in range(20))
    shop.smtp.wait_for(lambda ms: any("receipt" in m["Subject"].lower() for m in ms))
    [receipt] = shop.receipts()
    assert all(f"Print no. {n}" in text_of(receipt) for n in range(20))
