"""POST /api/create-checkout-session end to end (DESIGN §4): the real dev server,
the offline Stripe emulator read back with the official SDK, and every refusal."""

from __future__ import annotations

from http.client import HTTPConnection
import json
import sqlite3
import time
from urllib.parse import urlsplit
from typing import Any, Callable

import pytest
import stripe

from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE
from checkout_kit.services import Services
from checkout_kit.web import App, call_wsgi, environ_for
from tests.core.conftest import FIXTURES, HttpAnswer, Shop, http
from tests.support.servers import free_port

ROUTE = "/api/create-checkout-session"
OTHER_SITE = "https://www.other-site.example"


# ---- helpers ---------------------------------------------------------------------


def sdk(shop: Shop) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_x", base_addresses={"api": shop.emulator.url}, max_network_retries=0)


def session_of(shop: Shop, session_id: str) -> Any:
    return sdk(shop).v1.checkout.sessions.retrieve(session_id, params={"expand": ["line_items"]})


def lines_of(session: Any) -> list[tuple[str, int]]:
    return [(li.price.id, li.quantity) for li in session.line_items.data]


def post(shop: Shop, body: bytes, content_type: str | None, **headers: str) -> Any:
    if content_type is None:
        return post_without_content_type(shop, body)
    return http("POST", shop.url + ROUTE, body, {**headers, "Content-Type": content_type})


def post_without_content_type(shop: Shop, body: bytes) -> HttpAnswer:
    """urllib would add a form Content-Type; a raw client (curl -H 'Content-Type:') sends none."""
    parts = urlsplit(shop.url)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("POST", ROUTE)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return HttpAnswer(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


def assert_error(answer: Any, status: int, code: str | None = None, case: Any = None) -> dict[str, Any]:
    """A refusal with the JSON envelope {"error": {"code", "message"}} and nothing else."""
    assert answer.status == status, (case, answer.status, answer.body)
    assert answer.headers["Content-Type"].startswith("application/json")
    payload = answer.json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message"}, payload
    assert isinstance(payload["error"]["message"], str) and payload["error"]["message"]
    assert "Traceback" not in answer.body.decode()
    if code is not None:
        assert payload["error"]["code"] == code, payload
    return payload["error"]


TABLES = ("orders", "order_items", "processed_events", "webhook_deliveries", "jobs")


def store_counts(shop: Shop, settle: bool = True) -> dict[str, int]:
    """Row counts once the emulator's own events (seeding emits price.created…) are delivered."""
    if settle:
        shop.settle_deliveries()
    return {table: shop.store.count(table) for table in TABLES}


def no_store_writes(shop: Shop, before: dict[str, int] | None = None, settle: bool = True) -> None:
    """Nothing but the limiter was written: no order, item, event, delivery or email."""
    after = store_counts(shop, settle)
    assert after["orders"] == after["order_items"] == after["processed_events"] == after["jobs"] == 0, after
    if before is not None:
        assert after == before


def fresh_rate_window() -> None:
    """The limiter counts per fixed minute: do not start a counted burst just before a new minute."""
    left = 60 - time.time() % 60
    if left < 8:
        time.sleep(left + 0.1)


def wsgi_call(app: App, method: str, path: str, body: bytes = b"", remote_addr: str = "127.0.0.1",
              **headers: str) -> tuple[int, dict[str, str], bytes]:
    status, response_headers, data = call_wsgi(app, environ_for(method, path, "", headers, body, remote_addr))
    return status, dict(response_headers), data


# ---- success ---------------------------------------------------------------------


def test_single_price_creates_a_kit_session(shop: Shop) -> None:
    answer = shop.checkout({"priceId": "price_test_ebook", "quantity": 1})
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.json()
    assert set(body) == {"id", "url"}
    assert body["id"].startswith("cs_test_")
    assert body["url"] == f"{shop.emulator.url}/c/pay/{body['id']}"

    session = session_of(shop, body["id"])
    assert session.mode == "payment"
    assert session.status == "open" and session.payment_status == "unpaid"
    assert session.metadata[KIT_METADATA_KEY] == KIT_METADATA_VALUE == "checkout-kit"
    site = shop.services.settings.site_url
    assert site == shop.url
    assert session.success_url == f"{site}/success.html?session_id={{CHECKOUT_SESSION_ID}}"
    assert session.cancel_url == f"{site}/canceled.html"
    assert lines_of(session) == [("price_test_ebook", 1)]
    assert session.amount_total == 1500 and session.currency == "usd"
    assert session.shipping_address_collection is None
    assert session.customer_email is None and session.client_reference_id is None
    no_store_writes(shop)


def test_quantity_defaults_to_one_when_omitted(shop: Shop) -> None:
    answer = shop.checkout({"priceId": "price_test_tshirt"})
    assert answer.status == 200, answer.body
    assert lines_of(session_of(shop, answer.json()["id"])) == [("price_test_tshirt", 1)]


def test_tshirt_collects_a_shipping_address_and_passes_email_and_reference(shop: Shop) -> None:
    answer = shop.checkout({"priceId": "price_test_tshirt", "quantity": 3, "customerEmail": "buyer@example.com",
                            "clientReferenceId": "cart-42"})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert session.shipping_address_collection.allowed_countries == ["CA", "US"]
    assert session.customer_email == "buyer@example.com"
    assert session.client_reference_id == "cart-42"
    assert lines_of(session) == [("price_test_tshirt", 3)]
    assert session.amount_total == 3 * 2500


def test_items_list_with_several_prices(shop: Shop) -> None:
    answer = shop.checkout({"items": [{"priceId": "price_test_ebook", "quantity": 1},
                                      {"priceId": "price_test_tshirt", "quantity": 2},
                                      {"priceId": "price_test_ticket", "quantity": 4}]})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert session.mode == "payment"
    assert sorted(lines_of(session)) == [("price_test_ebook", 1), ("price_test_ticket", 4), ("price_test_tshirt", 2)]
    assert session.amount_total == 1500 + 2 * 2500 + 4 * 4000
    assert session.shipping_address_collection.allowed_countries == ["CA", "US"]


def test_duplicate_items_are_merged_within_bounds(shop: Shop) -> None:
    answer = shop.checkout({"items": [{"priceId": "price_test_tshirt", "quantity": 4},
                                      {"priceId": "price_test_tshirt", "quantity": 6}]})
    assert answer.status == 200, answer.body
    assert lines_of(session_of(shop, answer.json()["id"])) == [("price_test_tshirt", 10)]


def test_recurring_prices_make_a_subscription(shop: Shop) -> None:
    answer = shop.checkout({"priceId": "price_test_monthly", "quantity": 1})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert session.mode == "subscription"
    assert session.metadata[KIT_METADATA_KEY] == "checkout-kit"
    # A one-time item next to a plan is still a subscription checkout.
    answer = shop.checkout({"items": [{"priceId": "price_test_yearly"}, {"priceId": "price_test_ebook"}]})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert session.mode == "subscription"
    assert sorted(lines_of(session)) == [("price_test_ebook", 1), ("price_test_yearly", 1)]


def test_a_plans_trial_reaches_checkout(make_shop, tmp_path) -> None:
    trial_catalog = tmp_path / "catalog.toml"
    trial_catalog.write_text((FIXTURES / "catalog.toml").read_text().replace(
        'id = "price_test_yearly"', 'id = "price_test_yearly"\n  trial_period_days = 30'))
    shop = make_shop(CATALOG_PATH=str(trial_catalog))
    answer = shop.checkout({"items": [{"priceId": "price_test_yearly"}, {"priceId": "price_test_ebook"}]})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert session.amount_total == 1500  # due today: the e-book; the plan starts with 30 free days
    assert shop.pay(session.id)["result"] == "paid"
    sub = sdk(shop).v1.subscriptions.retrieve(sdk(shop).v1.checkout.sessions.retrieve(session.id).subscription)
    assert sub.status == "trialing" and sub.trial_end - sub.trial_start == 30 * 86400


def test_lookup_key_of_a_catalog_price_with_an_id(shop: Shop) -> None:
    answer = shop.checkout({"lookupKey": "tshirt", "quantity": 2})
    assert answer.status == 200, answer.body
    assert lines_of(session_of(shop, answer.json()["id"])) == [("price_test_tshirt", 2)]


def test_lookup_key_only_price_is_resolved_through_stripe(shop: Shop) -> None:
    in_stripe = sdk(shop).v1.prices.list(params={"lookup_keys": ["sticker-pack"]}).data
    assert len(in_stripe) == 1 and in_stripe[0].id.startswith("price_")
    answer = shop.checkout({"lookupKey": "sticker-pack", "quantity": 3})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert lines_of(session) == [(in_stripe[0].id, 3)]
    assert session.amount_total == 1500
    # Also inside an items list, next to a price given by id.
    answer = shop.checkout({"items": [{"lookupKey": "sticker-pack"}, {"priceId": "price_test_ebook"}]})
    assert answer.status == 200, answer.body
    assert sorted(lines_of(session_of(shop, answer.json()["id"]))) == sorted(
        [(in_stripe[0].id, 1), ("price_test_ebook", 1)])


def test_lookup_key_only_price_inactive_in_stripe_is_a_400(shop: Shop) -> None:
    client = sdk(shop)
    price = client.v1.prices.list(params={"lookup_keys": ["sticker-pack"]}).data[0]
    client.v1.prices.update(price.id, params={"active": False})
    assert_error(shop.checkout({"lookupKey": "sticker-pack"}), 400)


def test_html_form_post_redirects_to_checkout(shop: Shop) -> None:
    answer = post(shop, b"priceId=price_test_tshirt&quantity=2", "application/x-www-form-urlencoded",
                  Origin=shop.url)
    assert answer.status == 303, answer.body
    location = answer.headers["Location"]
    assert location.startswith(f"{shop.emulator.url}/c/pay/cs_test_")
    session_id = location.rsplit("/", 1)[1]
    session = session_of(shop, session_id)
    assert lines_of(session) == [("price_test_tshirt", 2)]
    assert session.metadata[KIT_METADATA_KEY] == "checkout-kit"
    # The hosted page it points at exists.
    assert http("GET", location).status == 200


def test_form_post_refusals_are_4xx_pages_not_traces(shop: Shop) -> None:
    for body in (b"priceId=price_nope&quantity=1", b"priceId=price_test_tshirt&quantity=abc",
                 b"priceId=price_test_tshirt&quantity=11", b"priceId=price_test_tshirt&quantity=0",
                 b"priceId=price_test_tshirt&quantity=%C2%B2", b"priceId=price_test_tshirt&quantity=" + b"9" * 5000,
                 b"priceId=price_test_tshirt&quantity=-1", b"priceId=%ff%fe&quantity=1",
                 b"priceId=\xff\xfe&quantity=1", b"quantity=1"):
        answer = post(shop, body, "application/x-www-form-urlencoded")
        assert answer.status == 400, (body, answer.status, answer.body)
        assert "Traceback" not in answer.body.decode("utf-8", "replace")
        assert "Location" not in answer.headers


def test_two_identical_requests_create_two_sessions_with_fresh_idempotency_keys(
        shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    gateway = shop.services.gateway
    keys: list[str] = []
    original = gateway.create_checkout_session

    def spy(params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        keys.append(idempotency_key)
        return original(params, idempotency_key=idempotency_key)

    monkeypatch.setattr(gateway, "create_checkout_session", spy)
    payload = {"priceId": "price_test_ebook", "quantity": 1, "customerEmail": "same@example.com"}
    first, second = shop.checkout(payload), shop.checkout(payload)
    assert first.status == second.status == 200
    assert first.json()["id"] != second.json()["id"]
    assert len(keys) == 2 and keys[0] != keys[1] and all(keys)
    for key in keys:  # never derived from the cart
        assert "price_test_ebook" not in key and "same@example.com" not in key
    # Stripe really saw two sessions.
    listed = sdk(shop).v1.checkout.sessions.list(params={"limit": 10}).data
    assert {first.json()["id"], second.json()["id"]} <= {s.id for s in listed}


def test_forged_host_headers_cannot_change_the_return_urls(shop: Shop) -> None:
    answer = shop.checkout({"priceId": "price_test_ebook"}, Host="evil.example",
                           **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert answer.status == 200, answer.body
    session = session_of(shop, answer.json()["id"])
    assert session.success_url == f"{shop.url}/success.html?session_id={{CHECKOUT_SESSION_ID}}"
    assert session.cancel_url == f"{shop.url}/canceled.html"
    assert "evil" not in session.success_url + session.cancel_url


def test_no_order_event_or_email_is_written_on_this_path(shop: Shop) -> None:
    before = store_counts(shop)
    for payload in ({"priceId": "price_test_ebook"}, {"priceId": "price_test_monthly"},
                    {"items": [{"priceId": "price_test_tshirt", "quantity": 2}]}, {"lookupKey": "sticker-pack"},
                    {"priceId": "price_nope"}, {"priceId": "price_test_tshirt", "quantity": 0}):
        shop.checkout(payload)
    post(shop, b"priceId=price_test_tshirt&quantity=2", "application/x-www-form-urlencoded")
    no_store_writes(shop, before)
    assert shop.smtp.messages == []


# ---- 400: what may be bought -------------------------------------------------------


def test_unknown_price_is_a_400(shop: Shop) -> None:
    assert_error(shop.checkout({"priceId": "price_not_in_any_catalog"}), 400, "unknown_price")
    assert_error(shop.checkout({"priceId": "not-a-price"}), 400, "unknown_price")
    assert_error(shop.checkout({"priceId": 12}), 400)
    assert_error(shop.checkout({"lookupKey": "no-such-key"}), 400, "unknown_price")
    assert_error(shop.checkout({"lookupKey": ""}), 400)
    assert_error(shop.checkout({"items": [{"priceId": "price_test_ebook"}, {"priceId": "price_nope"}]}), 400)


def test_a_stripe_price_that_is_not_in_the_catalog_is_refused(shop: Shop) -> None:
    client = sdk(shop)
    product = client.v1.products.create(params={"name": "Not for sale here"})
    price = client.v1.prices.create(params={"product": product.id, "unit_amount": 1, "currency": "usd",
                                            "lookup_key": "sneaky"})
    before = len(client.v1.checkout.sessions.list(params={"limit": 100}).data)
    assert_error(shop.checkout({"priceId": price.id}), 400, "unknown_price")
    assert_error(shop.checkout({"lookupKey": "sneaky"}), 400, "unknown_price")
    assert_error(shop.checkout({"items": [{"priceId": "price_test_ebook"}, {"priceId": price.id}]}), 400)
    assert len(client.v1.checkout.sessions.list(params={"limit": 100}).data) == before


def test_a_price_deactivated_in_stripe_is_a_400_not_a_502(shop: Shop) -> None:
    sdk(shop).v1.prices.update("price_test_tshirt", params={"active": False})
    error = assert_error(shop.checkout({"priceId": "price_test_tshirt", "quantity": 1}), 400)
    assert "price_test_tshirt" not in error["message"]  # Stripe's own wording stays in the log
    # The other prices still sell.
    assert shop.checkout({"priceId": "price_test_ebook"}).status == 200


def test_a_price_missing_from_stripe_is_a_400(shop: Shop) -> None:
    # The catalog names a price the Stripe account does not have (e.g. test ids against another account).
    with shop.emulator.state.lock:
        del shop.emulator.state.objects["price"]["price_test_ticket"]
    assert_error(shop.checkout({"priceId": "price_test_ticket"}), 400)


BAD_QUANTITIES = [True, False, "2", 2.5, 2.0, 0, -1, 1000, 10 ** 30, None, [1], {"n": 1}]


def test_bad_quantities_are_refused(shop: Shop) -> None:
    for quantity in BAD_QUANTITIES:
        assert_error(shop.checkout({"priceId": "price_test_tshirt", "quantity": quantity}), 400, case=quantity)
        assert_error(shop.checkout({"items": [{"priceId": "price_test_tshirt", "quantity": quantity}]}), 400,
                     case=quantity)


def test_quantity_bounds_of_the_catalog(shop: Shop) -> None:
    assert_error(shop.checkout({"priceId": "price_test_tshirt", "quantity": 11}), 400, "quantity_out_of_range")
    assert_error(shop.checkout({"priceId": "price_test_ebook", "quantity": 2}), 400, "quantity_out_of_range")
    assert shop.checkout({"priceId": "price_test_tshirt", "quantity": 10}).status == 200


def test_splitting_a_quantity_over_items_does_not_pass_the_bound(shop: Shop) -> None:
    assert_error(shop.checkout({"items": [{"priceId": "price_test_tshirt", "quantity": 6},
                                          {"priceId": "price_test_tshirt", "quantity": 6}]}), 400,
                 "quantity_out_of_range")
    assert_error(shop.checkout({"items": [{"priceId": "price_test_ebook", "quantity": 1},
                                          {"priceId": "price_test_ebook", "quantity": 1}]}), 400,
                 "quantity_out_of_range")
    # By id and by lookup key are the same price.
    assert_error(shop.checkout({"items": [{"priceId": "price_test_ebook"}, {"lookupKey": "ebook"}]}), 400,
                 "quantity_out_of_range")


def test_too_many_items(shop: Shop) -> None:
    items = [{"priceId": "price_test_tshirt", "quantity": 1}] * 21
    error = assert_error(shop.checkout({"items": items}), 400)
    assert "20" in error["message"]
    assert_error(shop.checkout({"items": []}), 400)
    assert_error(shop.checkout({"items": "price_test_ebook"}), 400)
    assert_error(shop.checkout({"items": ["price_test_ebook"]}), 400)


def test_mixed_currency_is_a_400(shop: Shop) -> None:
    assert_error(shop.checkout({"items": [{"priceId": "price_test_ebook"}, {"priceId": "price_test_poster_eur"}]}),
                 400, "mixed_currency")
    assert shop.checkout({"priceId": "price_test_poster_eur"}).status == 200


def test_mixed_billing_interval_is_a_400(shop: Shop) -> None:
    assert_error(shop.checkout({"items": [{"priceId": "price_test_monthly"}, {"priceId": "price_test_yearly"}]}),
                 400, "mixed_interval")


UNKNOWN_FIELDS = [
    {"priceId": "price_test_ebook", "price": "price_test_ebook"},
    {"priceId": "price_test_ebook", "successUrl": "https://evil.example/"},
    {"priceId": "price_test_ebook", "unit_amount": 1},
    {"items": [{"priceId": "price_test_ebook", "amount": 1}]},
]
AMBIGUOUS_OR_EMPTY = [
    {"items": [{"priceId": "price_test_ebook"}], "priceId": "price_test_tshirt"},
    {"items": [{"priceId": "price_test_ebook"}], "quantity": 1},
    {"priceId": "price_test_ebook", "lookupKey": "ebook"},
    {"items": [{"priceId": "price_test_ebook", "lookupKey": "ebook"}]},
    {},
    {"quantity": 1},
]
BAD_OPTIONAL_FIELDS = [
    ("customerEmail", "not-an-email"), ("customerEmail", 5), ("customerEmail", "a@b"),
    # More than one address: SMTP would send the receipt to each.
    ("customerEmail", "a,b@example.com"), ("customerEmail", "a@example.com, b@example.com"),
    ("customerEmail", "a@example.com;b@example.com"), ("customerEmail", "Ann <a@example.com>"),
    ("customerEmail", "a@example.com\r\nBcc: x@example.org"), ("customerEmail", "a b@example.com"),
    ("clientReferenceId", "has spaces"), ("clientReferenceId", "x" * 201), ("clientReferenceId", 7),
    ("clientReferenceId", "cart-42\n"), ("clientReferenceId", ""),
]
MALFORMED_JSON = [
    b"{not json", b"", b"\xff\xfe{}", b'{"priceId": "price_test_ebook"',
    b'{"priceId": "price_test_ebook", "quantity": 1' + b"0" * 5000 + b"}",  # over int()'s digit limit
    b"[" * 5000 + b"]" * 5000, b'{"a":' * 2500 + b"1" + b"}" * 2500,  # deeper than the parser recurses
]
NOT_OBJECTS = [[{"priceId": "price_test_ebook"}], "price_test_ebook", 1, None, True]


def test_unknown_fields_are_a_400(shop: Shop) -> None:
    for payload in UNKNOWN_FIELDS:
        assert_error(shop.checkout(payload), 400, "invalid_body", case=payload)


def test_ambiguous_or_empty_carts_are_a_400(shop: Shop) -> None:
    for payload in AMBIGUOUS_OR_EMPTY:
        assert_error(shop.checkout(payload), 400, case=payload)


def test_bad_optional_fields_are_a_400(shop: Shop) -> None:
    for field, value in BAD_OPTIONAL_FIELDS:
        assert_error(shop.checkout({"priceId": "price_test_ebook", field: value}), 400, case=(field, value))


def test_malformed_json_is_a_400(shop: Shop) -> None:
    for body in MALFORMED_JSON:
        assert_error(post(shop, body, "application/json"), 400, case=body[:40])


def test_json_that_is_not_an_object_is_a_400(shop: Shop) -> None:
    for payload in NOT_OBJECTS:
        assert_error(shop.checkout(payload), 400, "invalid_body", case=payload)


# ---- origins and CORS -------------------------------------------------------------


def test_foreign_and_null_origins_are_refused(shop: Shop) -> None:
    for origin in (OTHER_SITE, "null", "http://127.0.0.1:1", shop.url + ".evil.example",
                   shop.url.replace("http://", "https://")):
        answer = shop.checkout({"priceId": "price_test_ebook"}, Origin=origin)
        assert_error(answer, 403, "origin_not_allowed")
        assert "Access-Control-Allow-Origin" not in answer.headers
        form = post(shop, b"priceId=price_test_ebook", "application/x-www-form-urlencoded", Origin=origin)
        assert form.status == 403
    no_store_writes(shop)


def test_own_origin_and_no_origin_are_allowed(shop: Shop) -> None:
    assert shop.checkout({"priceId": "price_test_ebook"}, Origin=shop.url).status == 200
    assert shop.checkout({"priceId": "price_test_ebook"}, Origin=shop.url.upper().replace("HTTP", "http")).status == 200
    assert shop.checkout({"priceId": "price_test_ebook"}).status == 200


def test_allowed_origins_get_cors_headers_and_a_preflight(make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(ALLOWED_ORIGINS=f"{OTHER_SITE}, https://second.example")
    answer = shop.checkout({"priceId": "price_test_ebook"}, Origin=OTHER_SITE)
    assert answer.status == 200, answer.body
    assert answer.headers["Access-Control-Allow-Origin"] == OTHER_SITE
    assert "Origin" in answer.headers.get("Vary", "")
    assert session_of(shop, answer.json()["id"]).success_url.startswith(shop.url + "/success.html")
    # Its errors are readable by its page too.
    refused = shop.checkout({"priceId": "price_nope"}, Origin="https://second.example")
    assert_error(refused, 400)
    assert refused.headers["Access-Control-Allow-Origin"] == "https://second.example"

    preflight = http("OPTIONS", shop.url + ROUTE, headers={
        "Origin": OTHER_SITE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 204, preflight.body
    assert preflight.headers["Access-Control-Allow-Origin"] == OTHER_SITE
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()

    foreign = http("OPTIONS", shop.url + ROUTE, headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
    assert foreign.status == 403
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert_error(shop.checkout({"priceId": "price_test_ebook"}, Origin="https://evil.example"), 403)
    # SITE_URL's own origin stays allowed alongside.
    assert shop.checkout({"priceId": "price_test_ebook"}, Origin=shop.url).status == 200


def test_site_url_origin_may_call_functions_hosted_elsewhere(make_shop: Callable[..., Shop]) -> None:
    # The static site is on SITE_URL; the functions answer on another host (the dev server here).
    site = "https://shop.example"
    shop = make_shop(SITE_URL=site)
    preflight = http("OPTIONS", shop.url + ROUTE, headers={"Origin": site, "Access-Control-Request-Method": "POST",
                                                           "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 204
    assert preflight.headers.get("Access-Control-Allow-Origin") == site
    answer = shop.checkout({"priceId": "price_test_ebook"}, Origin=site)
    assert answer.status == 200, answer.body
    assert answer.headers.get("Access-Control-Allow-Origin") == site
    session = session_of(shop, answer.json()["id"])
    assert session.success_url == f"{site}/success.html?session_id={{CHECKOUT_SESSION_ID}}"
    assert session.cancel_url == f"{site}/canceled.html"
    # The functions' own host is not the site: its pages may not start a checkout.
    assert_error(shop.checkout({"priceId": "price_test_ebook"}, Origin=shop.url), 403)


# ---- method, size, type ------------------------------------------------------------


def test_wrong_methods_are_a_405(shop: Shop) -> None:
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        body = json.dumps({"priceId": "price_test_ebook"}).encode() if method in ("PUT", "PATCH") else None
        answer = http(method, shop.url + ROUTE, body, {"Content-Type": "application/json"})
        assert_error(answer, 405, "method_not_allowed", case=method)
        assert "POST" in answer.headers["Allow"]


def test_a_body_over_16_kib_is_a_413(shop: Shop) -> None:
    payload = json.dumps({"priceId": "price_test_ebook", "clientReferenceId": "x" * (16 * 1024)}).encode()
    assert len(payload) > 16 * 1024
    assert_error(post(shop, payload, "application/json"), 413)
    form = b"priceId=price_test_ebook&quantity=1&pad=" + b"x" * (16 * 1024)
    assert post(shop, form, "application/x-www-form-urlencoded").status == 413
    # Just under the limit is read (and refused for what it says, not for its size).
    small = json.dumps({"priceId": "price_test_ebook", "clientReferenceId": "x" * (16 * 1024 - 100)}).encode()
    assert len(small) <= 16 * 1024
    assert_error(post(shop, small, "application/json"), 400)


def test_other_content_types_are_a_415(shop: Shop) -> None:
    json_body = json.dumps({"priceId": "price_test_ebook"}).encode()
    multipart = b'--x\r\nContent-Disposition: form-data; name="priceId"\r\n\r\nprice_test_ebook\r\n--x--\r\n'
    for content_type, body in (("text/plain", json_body), ("text/plain;charset=UTF-8", json_body),
                               ("multipart/form-data; boundary=x", multipart), ("application/xml", json_body),
                               (None, json_body)):
        assert_error(post(shop, body, content_type), 415, "unsupported_media_type", case=content_type)


def test_json_with_a_charset_parameter_is_accepted(shop: Shop) -> None:
    answer = post(shop, json.dumps({"priceId": "price_test_ebook"}).encode(), "application/json; charset=utf-8")
    assert answer.status == 200, answer.body


# ---- rate limiting -------------------------------------------------------------------


def test_rate_limit_is_store_backed_and_per_client(make_shop: Callable[..., Shop]) -> None:
    fresh_rate_window()
    shop = make_shop(RATE_LIMIT_PER_MINUTE="3")
    for _ in range(3):
        assert shop.checkout({"priceId": "price_test_ebook"}).status == 200
    limited = shop.checkout({"priceId": "price_test_ebook"})
    error = assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    assert "minute" in error["message"]
    # A header the client chooses does not make it someone else.
    assert_error(shop.checkout({"priceId": "price_test_ebook"}, **{"X-Forwarded-For": "203.0.113.9"}), 429)

    # The counter lives in the store: it is a row of the shop's database…
    db = shop.services.settings.database_url.reveal()[len("sqlite:///"):]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT bucket, hits FROM rate_limits").fetchall()
    assert [hits for bucket, hits in rows if "127.0.0.1" in bucket] == [5]
    # …so a fresh instance (another serverless instance, a restart) on the same database still
    # refuses this client, and still serves another one.
    other_instance = App(Services(shop.services.settings))
    try:
        body = json.dumps({"priceId": "price_test_ebook"}).encode()
        status, headers, _ = wsgi_call(other_instance, "POST", ROUTE, body, Content_Type="application/json")
        assert status == 429 and "Retry-After" in headers
        status, _, data = wsgi_call(other_instance, "POST", ROUTE, body, remote_addr="198.51.100.7",
                                    Content_Type="application/json")
        assert status == 200, data
    finally:
        other_instance.services.close()
    no_store_writes(shop)


def test_rate_limit_zero_turns_the_limiter_off(shop: Shop) -> None:
    assert shop.services.settings.rate_limit_per_minute == 0
    for _ in range(5):
        assert shop.checkout({"priceId": "price_nope"}).status == 400


# ---- Stripe failures -------------------------------------------------------------------


def assert_safe_502(answer: Any, shop: Shop) -> None:
    assert_error(answer, 502, "stripe_error")
    text = answer.body.decode()
    assert "http://" not in text and "https://" not in text and "127.0.0.1" not in text
    assert "sk_test" not in text and shop.services.settings.stripe_secret_key.reveal() not in text


def test_stripe_down_is_a_502_with_a_safe_message(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shop.services.gateway, "retry_delays", (0.01,))
    before = store_counts(shop)
    shop.emulator.stop()
    assert_safe_502(shop.checkout({"priceId": "price_test_ebook"}), shop)
    assert_safe_502(shop.checkout({"lookupKey": "sticker-pack"}), shop)
    form = post(shop, b"priceId=price_test_ebook&quantity=1", "application/x-www-form-urlencoded")
    assert form.status == 502 and "127.0.0.1:" + str(shop.emulator.port) not in form.body.decode()
    # Bad input is still a 400, without asking Stripe.
    assert_error(shop.checkout({"priceId": "price_nope"}), 400)
    no_store_writes(shop, before, settle=False)


def test_stripe_api_base_on_a_closed_port_is_a_502(make_shop: Callable[..., Shop],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()
    closed = f"http://127.0.0.1:{free_port()}"
    from dataclasses import replace

    from checkout_kit.stripe_gateway import StripeGateway

    settings = replace(shop.services.settings, stripe_api_base=closed)
    monkeypatch.setattr(shop.services, "_gateway", StripeGateway(settings, retry_delays=()))
    assert_safe_502(shop.checkout({"priceId": "price_test_ebook"}), shop)


def test_stripe_refusing_the_key_is_a_502(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from checkout_kit.config import Secret
    from checkout_kit.stripe_gateway import StripeGateway

    settings = replace(shop.services.settings, stripe_secret_key=Secret("sk_live_wrong_account_key_123456"))
    monkeypatch.setattr(shop.services, "_gateway", StripeGateway(settings, retry_delays=()))
    answer = shop.checkout({"priceId": "price_test_ebook"})
    assert_safe_502(answer, shop)
    assert "sk_live_wrong_account_key_123456" not in answer.body.decode()
