"""Stock limits: a checkout holds its quantity until it is paid, expires or fails; 50 buyers at
once for 10 seats get 10 checkouts and 40 clear "sold out" answers, on SQLite and PostgreSQL;
expiry and a failed bank payment give the seats back; GET /api/stock says what is left."""

from __future__ import annotations

import time
from typing import Any

from tests.core.conftest import Shop, http, run_threads


def left(shop: Shop, key: str = "ticket") -> int:
    answer = http("GET", f"{shop.url}/api/stock")
    assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store"
    return answer.json()["products"][key]["left"]


def test_fifty_buyers_for_ten_seats(any_after_shop: Shop) -> None:
    shop = any_after_shop
    answers = run_threads(50, lambda i: shop.checkout({"priceId": "price_as_ticket", "quantity": 1}))
    ok = [a for a in answers if a.status == 200]
    sold_out = [a for a in answers if a.status == 409]
    assert len(ok) == 10 and len(sold_out) == 40
    assert all(a.json()["error"] == {"code": "sold_out", "message": "Workshop Ticket is sold out."} for a in sold_out)
    assert left(shop) == 0
    for answer in ok:
        assert shop.pay(answer.json()["id"])["result"] == "paid"
    for answer in ok:
        shop.wait_order(answer.json()["id"])
    assert shop.store.count("orders") == 10 and left(shop) == 0
    assert shop.checkout({"priceId": "price_as_ticket"}).status == 409


def test_expiry_and_a_failed_bank_payment_give_the_seats_back(any_after_shop: Shop) -> None:
    shop = any_after_shop
    first = shop.checkout({"priceId": "price_as_ticket", "quantity": 6}).json()["id"]
    assert left(shop) == 4
    short = shop.checkout({"priceId": "price_as_ticket", "quantity": 5})
    assert short.status == 409 and short.json()["error"]["message"] == "Only 4 of Workshop Ticket left."
    # The checkout asks Stripe for the hold's own expiry (30 minutes, plus a margin).
    session = shop.emulator.state.objects["checkout.session"][first]
    assert 30 * 60 <= session["expires_at"] - session["created"] <= 31 * 60
    assert session["metadata"]["kit_hold"].startswith("hold_")
    shop.control(f"sessions/{first}/expire", {})
    deadline = time.time() + 10
    while left(shop) != 10 and time.time() < deadline:
        time.sleep(0.05)
    assert left(shop) == 10
    bank = shop.checkout({"priceId": "price_as_ticket", "quantity": 3}).json()["id"]
    assert shop.pay(bank, method="bank")["result"] == "processing"
    shop.wait_order(bank, "awaiting_payment")
    assert left(shop) == 7  # still held while the debit is pending
    shop.control(f"sessions/{bank}/settle", {"outcome": "failed"})
    shop.wait_order(bank, "payment_failed")
    assert left(shop) == 10


def test_a_hold_whose_checkout_expired_silently_is_given_back_later(after_shop: Shop) -> None:
    from checkout_kit import stock

    shop = after_shop
    shop.emulator.deliverer.endpoints.clear()  # no event will ever come
    shop.checkout({"priceId": "price_as_ticket", "quantity": 10})
    assert left(shop) == 0
    shop.store._write("UPDATE stock_holds SET expires_at = ?", (time.time() - stock.GRACE_S - 1,))
    assert shop.checkout({"priceId": "price_as_ticket", "quantity": 2}).status == 200
    assert left(shop) == 8


def test_stripe_failing_gives_the_hold_back_and_carts_without_stock_write_nothing(after_shop: Shop,
                                                                                  monkeypatch: Any) -> None:
    shop = after_shop
    assert shop.checkout({"priceId": "price_as_book"}).status == 200
    assert shop.store.count("stock_holds") == 0
    monkeypatch.setattr(shop.services.gateway, "retry_delays", ())
    shop.emulator.stop()
    assert shop.checkout({"priceId": "price_as_ticket", "quantity": 4}).status == 502
    assert left(shop) == 10


def test_stock_lists_only_products_with_a_stock(after_shop: Shop) -> None:
    body = http("GET", f"{after_shop.url}/api/stock").json()
    assert body == {"products": {"ticket": {"stock": 10, "left": 10}}}
    assert http("POST", f"{after_shop.url}/api/stock", b"").status == 405
