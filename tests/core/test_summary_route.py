"""GET /api/checkout-session (DESIGN §4): the safe order summary success.html shows,
for the kit's own sessions only, full for 24 h, from the local order first, and
fulfilling the order itself when the webhook is late."""

from __future__ import annotations

import sqlite3
import time
from typing import Any
from urllib.parse import quote

import pytest
import stripe

from checkout_kit.fulfillment import FULFILLED
from tests.core.conftest import CUSTOMER, MERCHANT, HttpAnswer, Shop, http

FULL_KEYS = {"id", "status", "payment_status", "customer_email", "amount_total", "currency", "items", "fulfillment"}
REDUCED_KEYS = {"id", "status", "payment_status", "order_status"}


def sdk(shop: Shop) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_x", base_addresses={"api": shop.emulator.url}, max_network_retries=0)


def summary_of(shop: Shop, session_id: str) -> dict[str, Any]:
    answer = shop.summary(session_id)
    assert answer.status == 200, answer.body
    assert_private(answer)
    return answer.json()


def assert_private(answer: HttpAnswer) -> None:
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["Content-Type"].startswith("application/json")


def assert_error(answer: HttpAnswer, status: int, code: str | None = None) -> None:
    assert answer.status == status, (answer.status, answer.body)
    payload = answer.json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message"}, payload
    if code:
        assert payload["error"]["code"] == code
    assert_private(answer)


def paid_session(shop: Shop, price_id: str = "price_test_ebook", quantity: int = 1, **pay: Any) -> str:
    session_id = shop.new_session(price_id, quantity)
    assert shop.pay(session_id, **pay)["result"] == "paid"
    return session_id


def db_path(shop: Shop) -> str:
    url = shop.services.settings.database_url.reveal()
    assert url.startswith("sqlite:///")
    return url[len("sqlite:///"):]


def age_order(shop: Shop, session_id: str, seconds: float) -> None:
    """Pretend the order was created and paid `seconds` ago, in the shop's own database."""
    with sqlite3.connect(db_path(shop)) as conn:
        changed = conn.execute("UPDATE orders SET created_at = created_at - ?, updated_at = updated_at - ?, "
                               "paid_at = paid_at - ? WHERE session_id = ?",
                               (seconds, seconds, seconds, session_id)).rowcount
    assert changed == 1


def foreign_session(shop: Shop, **extra: Any) -> Any:
    """A session another app on the same Stripe account created: no metadata.kit."""
    params: dict[str, Any] = {
        "mode": "payment", "line_items": [{"price": "price_test_ebook", "quantity": 1}],
        "success_url": "https://other-app.example/thanks?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://other-app.example/",
        **extra,
    }
    return sdk(shop).v1.checkout.sessions.create(params=params)


# ---- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "", "session_id=", "session_id=abc", "session_id=" + quote("cs_test_<script>alert(1)</script>"),
    "session_id=cs_test_" + "a" * 300, "session_id=pi_123", "session_id=cs_prod_abc",
    "session_id=" + quote("cs_test_abc/../../v1/prices"), "session_id=" + quote("cs_test_abc?expand[]=x"),
    "session_id=" + quote(" cs_test_abc"), "session_id=" + quote("cs_test_abc\n"), "other=cs_test_abc",
])
def test_missing_or_malformed_session_id_is_a_400(shop: Shop, query: str) -> None:
    assert_error(http("GET", f"{shop.url}/api/checkout-session?{query}"), 400, "invalid_session_id")


def test_unknown_session_is_a_404(shop: Shop) -> None:
    assert_error(shop.summary("cs_test_" + "a1B2" * 14), 404, "not_found")
    assert shop.store.count("orders") == 0


def test_a_foreign_session_is_a_404_even_when_paid(shop: Shop) -> None:
    session = foreign_session(shop, customer_email="someone@other-app.example")
    assert_error(shop.summary(session.id), 404, "not_found")
    assert shop.pay(session.id)["result"] == "paid"
    shop.settle_deliveries()
    answer = shop.summary(session.id)
    assert_error(answer, 404, "not_found")
    assert b"someone@other-app.example" not in answer.body and CUSTOMER.encode() not in answer.body
    assert shop.store.get_order(session.id) is None and shop.store.count("orders") == 0
    assert shop.store.count("jobs") == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_wrong_method_is_a_405(shop: Shop, method: str) -> None:
    session_id = shop.new_session()
    answer = http(method, f"{shop.url}/api/checkout-session?session_id={session_id}", b"{}",
                  {"Content-Type": "application/json"})
    assert_error(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["Allow"]


# ---- before payment -----------------------------------------------------------------------


def test_an_open_session_answers_open_without_fulfillment(shop: Shop) -> None:
    session_id = shop.new_session("price_test_tshirt", 2)
    body = summary_of(shop, session_id)
    assert body["id"] == session_id
    assert body["status"] == "open" and body["payment_status"] == "unpaid"
    assert not body["fulfillment"]
    assert body["amount_total"] == 5000 and body["currency"] == "usd"
    assert body["items"] == [{"description": "Checkout Kit T-shirt", "quantity": 2, "amount_total": 5000}]
    assert shop.store.count("orders") == 0 and shop.store.count("jobs") == 0


def test_an_expired_session_has_no_order(shop: Shop) -> None:
    session_id = shop.new_session()
    shop.control(f"sessions/{session_id}/expire", {})
    shop.settle_deliveries()
    body = summary_of(shop, session_id)
    assert body["status"] == "expired" and not body["fulfillment"]
    assert shop.store.count("orders") == 0 and shop.smtp.messages == []


# ---- after payment ------------------------------------------------------------------------


def test_paid_ebook_summary(shop: Shop) -> None:
    session_id = paid_session(shop)
    body = summary_of(shop, session_id)
    assert FULL_KEYS <= set(body)
    assert body["id"] == session_id
    assert body["status"] == "complete" and body["payment_status"] == "paid"
    assert body["customer_email"] == CUSTOMER
    assert body["amount_total"] == 1500 and body["currency"] == "usd"
    assert body["items"] == [{"description": "The Static Shop Handbook", "quantity": 1, "amount_total": 1500}]
    [download] = [f for f in body["fulfillment"] if f["kind"] == "download"]
    [link] = download["links"]
    assert link["url"].startswith(f"{shop.url}/api/download?token=") and "downloads.example.com" not in str(body)
    # Nothing a success page does not need.
    text = str(body)
    assert "Jenny Rosen" not in text and "pi_" not in text and "cus_" not in text


def test_paid_tickets_summary_has_one_code_per_ticket(shop: Shop) -> None:
    session_id = paid_session(shop, "price_test_ticket", 3)
    body = summary_of(shop, session_id)
    assert body["payment_status"] == "paid" and body["amount_total"] == 12000
    assert body["items"] == [{"description": "Workshop Ticket", "quantity": 3, "amount_total": 12000}]
    [ticket] = [f for f in body["fulfillment"] if f["kind"] == "ticket"]
    codes = [t["code"] for t in ticket["tickets"]]
    assert len(codes) == len(set(codes)) == 3
    assert all(code.startswith("TKT-") for code in codes)
    assert all(t["qr"]["size"] >= 21 and t["qr"]["path"].startswith("M") for t in ticket["tickets"])
    assert {"label": "Venue", "value": "Room 2"} in ticket["facts"]
    # The same codes every time it is asked (and in the order).
    assert summary_of(shop, session_id)["fulfillment"] == body["fulfillment"]
    order = shop.wait_order(session_id)
    assert order.items[0].fulfillment["codes"] == codes


def test_paid_subscription_summary_has_the_membership(shop: Shop) -> None:
    session_id = paid_session(shop, "price_test_monthly")
    body = summary_of(shop, session_id)
    assert body["status"] == "complete" and body["payment_status"] == "paid"
    assert body["amount_total"] == 900
    [membership] = [f for f in body["fulfillment"] if f["kind"] == "subscription"]
    assert [link["url"] for link in membership["links"]] == ["https://members.example.com/",
                                                              f"{shop.url}/account.html"]
    subscription = sdk(shop).v1.checkout.sessions.retrieve(session_id).subscription
    assert subscription and shop.wait_order(session_id).items[0].fulfillment["subscription"] == subscription


def test_free_order_summary_says_no_payment_required(shop: Shop) -> None:
    session_id = shop.new_session("price_test_sample")
    assert shop.pay(session_id)["result"] == "paid"
    body = summary_of(shop, session_id)
    assert body["status"] == "complete" and body["payment_status"] == "no_payment_required"
    assert body["amount_total"] == 0
    assert [f["kind"] for f in body["fulfillment"]] == ["download"]
    assert body["fulfillment"][0]["links"][0]["url"].startswith(f"{shop.url}/api/download?token=")


def test_delayed_bank_debit_shows_unpaid_until_it_settles(shop: Shop) -> None:
    session_id = shop.new_session()
    assert shop.pay(session_id, method="bank")["result"] == "processing"
    body = summary_of(shop, session_id)
    assert body["status"] == "complete" and body["payment_status"] == "unpaid"
    assert not body["fulfillment"]
    assert shop.receipts() == []
    shop.control(f"sessions/{session_id}/settle", {"outcome": "succeeded"})
    body = summary_of(shop, session_id)
    assert body["payment_status"] == "paid"
    assert [f["kind"] for f in body["fulfillment"]] == ["download"]


# ---- fulfilling from the landing page ----------------------------------------------------------


def test_summary_fulfills_when_the_webhook_has_not_arrived(shop: Shop) -> None:
    shop.emulator.deliverer.endpoints.clear()  # Stripe's webhook is late (or misconfigured)
    session_id = paid_session(shop, "price_test_ticket", 2)
    shop.settle_deliveries()
    assert shop.store.get_order(session_id) is None
    assert shop.store.count("processed_events") == 0

    body = summary_of(shop, session_id)
    assert body["payment_status"] == "paid" and body["order_status"] == "paid"
    codes = [t["code"] for t in body["fulfillment"][0]["tickets"]]
    assert len(codes) == 2
    order = shop.store.get_order(session_id)
    assert order is not None and order.status == "paid"
    shop.smtp.wait_for(lambda msgs: len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1)
    assert any(code in shop.receipts()[0].get_body(preferencelist=("plain",)).get_content()
               for code in codes)

    # Asking again (a reload, a second tab) fulfils nothing more and sends nothing more.
    again = summary_of(shop, session_id)
    assert again == body
    time.sleep(0.3)
    assert len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1
    assert len(shop.smtp.messages) == 2
    assert shop.store.count("orders") == 1 and shop.store.count("jobs") == 2


def test_summary_and_webhook_together_send_one_receipt(shop: Shop) -> None:
    session_id = paid_session(shop)
    for _ in range(3):
        assert summary_of(shop, session_id)["payment_status"] == "paid"
    shop.settle_deliveries()
    shop.smtp.wait_for(lambda msgs: len(shop.receipts()) >= 1)
    time.sleep(0.3)
    assert len(shop.receipts()) == 1
    outcomes = [d.outcome for d in shop.store.deliveries() if d.event_type == "checkout.session.completed"]
    assert len(outcomes) == 1 and outcomes[0] in (FULFILLED, "unchanged")


def test_summary_reads_the_local_order_before_stripe(shop: Shop) -> None:
    session_id = paid_session(shop, "price_test_tshirt", 2)
    shop.wait_order(session_id)
    shop.settle_deliveries()
    before = summary_of(shop, session_id)
    shop.emulator.stop()
    body = summary_of(shop, session_id)
    assert body == before
    assert body["payment_status"] == "paid" and body["customer_email"] == CUSTOMER
    assert body["items"] == [{"description": "Checkout Kit T-shirt", "quantity": 2, "amount_total": 5000}]
    assert body["fulfillment"][0]["kind"] == "shipment"


def test_stripe_down_without_a_local_order_is_a_safe_502(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    session_id = shop.new_session()
    shop.settle_deliveries()
    monkeypatch.setattr(shop.services.gateway, "retry_delays", ())
    shop.emulator.stop()
    answer = shop.summary(session_id)
    assert_error(answer, 502, "stripe_error")
    assert b"127.0.0.1" not in answer.body and b"sk_test" not in answer.body


# ---- after 24 hours ------------------------------------------------------------------------


def test_after_24_hours_the_summary_is_reduced_to_status(shop: Shop) -> None:
    session_id = paid_session(shop, "price_test_ticket", 1)
    shop.wait_order(session_id)
    shop.settle_deliveries()

    age_order(shop, session_id, 23 * 3600)
    assert FULL_KEYS <= set(summary_of(shop, session_id))

    age_order(shop, session_id, 2 * 3600)
    answer = shop.summary(session_id)
    assert answer.status == 200
    assert_private(answer)
    body = answer.json()
    assert set(body) == REDUCED_KEYS
    assert body == {"id": session_id, "status": "complete", "payment_status": "paid", "order_status": "paid"}
    for private in (CUSTOMER.encode(), b"TKT-", b"Room 2", b"4000"):
        assert private not in answer.body
