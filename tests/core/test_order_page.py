"""The buyer's order page: an email gets a magic link to every order of that email (fresh
download links, tickets with QR codes, tracking, refunds), an unknown email gets the same answer
and no email, a link works once (then an hour of view token), requests are rate-limited."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from checkout_kit.fulfillment import reference
from tests.core.conftest import CUSTOMER, Shop, http, paid_order
from tests.support.after_sale import HANDBOOK
from tests.support.smtp import text_of

LINK = re.compile(r"http://127\.0\.0\.1:\d+/orders\.html\?token=\S+")


def ask(shop: Shop, email: Any, **headers: str) -> Any:
    return shop.post_json("/api/orders", {"email": email}, headers)


def link_emails(shop: Shop, to: str = CUSTOMER) -> list[Any]:
    return [m for m in shop.smtp.to(to) if "your orders" in m["Subject"].lower()]


def open_link(shop: Shop, link: str) -> Any:
    token = parse_qs(urlsplit(link).query)["token"][0]
    return http("GET", f"{shop.url}/api/orders?token={quote(token)}")


def test_three_orders_of_different_kinds_on_one_link(after_shop: Shop) -> None:
    shop = after_shop
    book = paid_order(shop, "price_as_book")
    ticket = paid_order(shop, "price_as_ticket", 2)
    shirt = paid_order(shop, "price_as_shirt", email=CUSTOMER.upper())  # the same buyer, however typed
    shop.smtp.wait_for(lambda ms: len(shop.receipts()) + len(shop.receipts(CUSTOMER.upper())) == 3)
    answer = ask(shop, "Jenny@Example.com")
    assert answer.status == 200 and "If that email has your orders" in answer.json()["message"]
    [email] = shop.smtp.wait_for(lambda ms: len(link_emails(shop, "Jenny@Example.com")) == 1) and \
        link_emails(shop, "Jenny@Example.com")
    [link] = LINK.findall(text_of(email))
    opened = open_link(shop, link)
    assert opened.status == 200 and opened.headers["Cache-Control"] == "no-store"
    body = opened.json()
    assert body["email"] == "Jenny@Example.com" and len(body["orders"]) == 3
    by_kind = {o["fulfillment"][0]["kind"]: o for o in body["orders"]}
    assert set(by_kind) == {"download", "ticket", "shipment"}
    assert [by_kind[k]["reference"] for k in ("download", "ticket", "shipment")] == [
        reference(book.session_id), reference(ticket.session_id), reference(shirt.session_id)]
    # A fresh download link that works, tickets with their codes and QR codes.
    download = by_kind["download"]["fulfillment"][0]["links"][0]["url"]
    assert http("GET", download).body == HANDBOOK
    codes = [t["code"] for t in by_kind["ticket"]["fulfillment"][0]["tickets"]]
    assert codes == ticket.items[0].fulfillment["codes"]
    assert by_kind["shipment"]["items"] == [{"description": "Kit T-shirt", "quantity": 1, "amount_total": 2500}]
    assert shirt.customer_email == CUSTOMER.upper()
    # The link works once; the view token it gave works for the hour after.
    assert open_link(shop, link).status == 410
    again = http("GET", f"{shop.url}/api/orders?view={quote(body['view'])}")
    assert again.status == 200 and len(again.json()["orders"]) == 3


def test_an_unknown_email_gets_the_same_answer_and_no_email(after_shop: Shop) -> None:
    shop = after_shop
    paid_order(shop, "price_as_book")
    shop.smtp.wait_for(lambda ms: len(ms) == 2)
    known, unknown = ask(shop, CUSTOMER), ask(shop, "stranger@example.com")
    assert (known.status, known.body) == (unknown.status, unknown.body)
    shop.smtp.wait_for(lambda ms: len(link_emails(shop)) == 1)
    time.sleep(0.3)
    assert link_emails(shop, "stranger@example.com") == [] and len(shop.smtp.messages) == 3


def test_bad_requests_and_links_are_refused_clearly(after_shop: Shop) -> None:
    shop = after_shop
    for bad in ("", "not an email", "a@b.example, c@d.example", 3, None):
        answer = ask(shop, bad)
        assert answer.status == 400 and answer.json()["error"]["code"] == "invalid_email"
    assert http("POST", f"{shop.url}/api/orders", b"{", {"Content-Type": "application/json"}).status == 400
    assert http("POST", f"{shop.url}/api/orders", b"x", {"Content-Type": "text/plain"}).status == 415
    assert ask(shop, CUSTOMER, Origin="https://evil.example").status == 403
    assert http("GET", f"{shop.url}/api/orders?token=abc.def").status == 400
    assert http("GET", f"{shop.url}/api/orders?view=abc.def").status == 400
    assert http("DELETE", f"{shop.url}/api/orders").status == 405


def test_link_requests_are_rate_limited(after_shop: Shop) -> None:
    statuses = [ask(after_shop, f"someone{n}@example.com").status for n in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


def test_a_form_post_gets_a_page(after_shop: Shop) -> None:
    answer = http("POST", f"{after_shop.url}/api/orders", b"email=stranger%40example.com",
                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 200 and b"Check your email" in answer.body
    assert answer.headers["Content-Type"].startswith("text/html") and b"<script" not in answer.body
    assert json.dumps(answer.headers.get("Content-Security-Policy", "")).count("script-src 'self'") == 1
