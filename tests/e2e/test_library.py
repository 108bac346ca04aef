"""Unit tests of js/stripe-checkout.js in Chromium: its states and events, against a page
and an API stubbed with page.route (no shop, no network), under the kit's strict CSP."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from playwright.sync_api import Page, Request, Route, expect

from checkout_kit.security_headers import page_headers
from tests.e2e.flows import ROOT

pytestmark = pytest.mark.browser
ORIGIN = "http://shop.test"
LIBRARY = (ROOT / "js" / "stripe-checkout.js").read_text()

# Records the library's events (a same-origin script file: the CSP allows no inline script).
RECORDER = """
window.seen = [];
for (const name of ["start", "redirect", "error"]) {
  document.addEventListener("checkout:" + name, (e) => {
    window.seen.push({name, detail: e.detail, target: e.target.id || e.target.nodeName});
    if ((window.cancel || []).includes(name)) e.preventDefault();
  });
}
"""


@dataclass
class Stub:
    """The API as the page sees it: each request is recorded and answered by `answer`."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    answer: Callable[[Route], None] | None = None

    def handle(self, route: Route, request: Request) -> None:
        self.requests.append({"url": request.url, "body": json.loads(request.post_data or "null"),
                              "content_type": request.headers.get("content-type")})
        if self.answer:
            self.answer(route)
        else:
            route.fulfill(json={"id": "cs_test_123", "url": ORIGIN + "/checkout/cs_test_123"})


def open_page(page: Page, body: str, script_attrs: str = "") -> Stub:
    stub = Stub()
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>t</title>"
            f"<script src=/recorder.js></script><script src=/js/stripe-checkout.js defer {script_attrs}></script>"
            f"</head><body><main>{body}</main></body></html>")
    files = {"/": ("text/html", html), "/js/stripe-checkout.js": ("text/javascript", LIBRARY),
             "/recorder.js": ("text/javascript", RECORDER),
             "/checkout/cs_test_123": ("text/html", "<!doctype html><title>Checkout</title><h1>Checkout</h1>")}
    headers = dict(page_headers())

    def serve(route: Route, request: Request) -> None:
        path = request.url[len(ORIGIN):].split("?")[0]
        if path.endswith(("/create-checkout-session", "/api/portal")):
            stub.handle(route, request)
        elif path in files:
            kind, text = files[path]
            route.fulfill(status=200, headers=headers, content_type=kind, body=text)
        else:
            route.fulfill(status=404, body="")

    page.route(ORIGIN + "/**", serve)
    page.goto(ORIGIN + "/")
    page.wait_for_function("() => window.StripeCheckout")
    return stub


def seen(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("window.seen")


def test_click_posts_json_emits_start_and_redirect_then_goes_to_checkout(page: Page) -> None:
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button>')
    page.click("#b")
    page.wait_for_url(ORIGIN + "/checkout/cs_test_123")
    assert stub.requests == [{"url": ORIGIN + "/api/create-checkout-session", "content_type": "application/json",
                              "body": {"priceId": "price_A", "quantity": 1}}]


def test_events_carry_the_request_and_the_session(page: Page) -> None:
    open_page(page, '<button id=b data-price-id="price_A" data-quantity="2">Buy</button>')
    page.evaluate("window.cancel = ['redirect']")  # stay on the page to read the events
    page.click("#b")
    page.wait_for_function("() => window.seen.length === 2")
    assert seen(page) == [
        {"name": "start", "detail": {"priceId": "price_A", "quantity": 2}, "target": "b"},
        {"name": "redirect", "detail": {"id": "cs_test_123", "url": ORIGIN + "/checkout/cs_test_123"}, "target": "b"},
    ]
    assert page.url == ORIGIN + "/"


def test_while_waiting_the_button_is_disabled_busy_and_a_second_click_sends_nothing(page: Page) -> None:
    held: list[Route] = []
    stub = open_page(page, '<span id=b role=button tabindex=0 data-price-id="price_A">Buy</span>')
    stub.answer = held.append
    page.evaluate("window.cancel = ['redirect']")
    page.click("#b")
    expect(page.locator("#b")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#b")).to_have_class("is-busy")
    # A span cannot be disabled, so only the busy flag stops these.
    page.evaluate("for (let i = 0; i < 3; i++) document.getElementById('b').click()")
    page.wait_for_timeout(100)
    assert len(stub.requests) == 1
    held[0].fulfill(json={"id": "cs_test_123", "url": ORIGIN + "/checkout/cs_test_123"})
    page.wait_for_function("() => window.seen.length === 2")


def test_a_real_button_is_disabled_while_waiting(page: Page) -> None:
    held: list[Route] = []
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button>')
    stub.answer = held.append
    page.click("#b")
    expect(page.locator("#b")).to_be_disabled()
    expect(page.locator("#b")).to_have_attribute("aria-busy", "true")
    held[0].fulfill(status=400, json={"error": {"message": "No."}})
    expect(page.locator("#b")).to_be_enabled()
    expect(page.locator("#b")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#b")).not_to_have_class("is-busy")


def test_server_message_goes_to_an_alert_created_after_the_button(page: Page) -> None:
    stub = open_page(page, '<div><button id=b data-price-id="price_A">Buy</button></div>')
    stub.answer = lambda route: route.fulfill(status=400, json={"error": {"code": "x", "message": "Sold out."}})
    page.click("#b")
    alert = page.locator("#b + [role=alert]")
    expect(alert).to_have_text("Sold out.")
    assert seen(page)[-1] == {"name": "error", "detail": {"message": "Sold out.", "status": 400}, "target": "b"}
    # The next attempt clears the message and reuses the same element.
    stub.answer = None
    page.evaluate("window.cancel = ['redirect']")
    page.click("#b")
    page.wait_for_function("() => window.seen.some(e => e.name === 'redirect')")
    expect(alert).to_be_empty()
    assert page.locator("[role=alert]").count() == 1


def test_data_error_target_chooses_where_the_message_goes(page: Page) -> None:
    stub = open_page(page, '<p id=msg role=alert></p><button id=b data-price-id="price_A" data-error-target="#msg">Buy</button>')
    stub.answer = lambda route: route.fulfill(status=502, body="<html>Bad gateway</html>", content_type="text/html")
    page.click("#b")
    expect(page.locator("#msg")).to_have_text("Checkout is unavailable right now. Please try again.")
    assert page.locator("#b + [role=alert]").count() == 0


def test_network_failure_has_its_own_message(page: Page) -> None:
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button>')
    stub.answer = lambda route: route.abort("connectionrefused")
    page.click("#b")
    expect(page.locator("#b + [role=alert]")).to_have_text("Could not reach checkout. Check your connection and try again.")
    expect(page.locator("#b")).to_be_enabled()


def test_quantity_from_an_input_and_invalid_input_sends_nothing(page: Page) -> None:
    stub = open_page(page, '<label>Qty <input id=q type=number min=1 max=10 value=4></label>'
                           '<button id=b data-price-id="price_A" data-quantity-input="#q">Buy</button>')
    page.evaluate("window.cancel = ['redirect']")
    page.click("#b")
    page.wait_for_function("() => window.seen.length === 2")
    assert stub.requests[-1]["body"] == {"priceId": "price_A", "quantity": 4}
    page.fill("#q", "11")
    page.click("#b")
    page.wait_for_timeout(100)
    assert len(stub.requests) == 1
    assert page.evaluate("document.getElementById('q').validity.rangeOverflow")
    expect(page.locator("#b")).to_be_enabled()


def test_a_form_takes_its_quantity_field_and_the_library_takes_over_the_form(page: Page) -> None:
    stub = open_page(page, '<form method=post action=/api/create-checkout-session>'
                           '<input type=hidden name=priceId value=price_A><input name=quantity value=3>'
                           '<button id=b data-price-id="price_A">Buy</button><p role=alert id=err></p></form>')
    page.evaluate("window.cancel = ['redirect']")
    page.press("input[name=quantity]", "Enter")  # implicit submission, not a form post
    page.wait_for_function("() => window.seen.length === 2")
    assert stub.requests == [{"url": ORIGIN + "/api/create-checkout-session", "content_type": "application/json",
                              "body": {"priceId": "price_A", "quantity": 3}}]
    assert page.url == ORIGIN + "/"


def test_lookup_keys_and_the_endpoint_on_the_script_tag(page: Page) -> None:
    stub = open_page(page, '<button id=b data-lookup-key="tshirt">Buy</button>',
                     script_attrs='data-endpoint="http://shop.test/other/create-checkout-session"')
    page.evaluate("window.cancel = ['redirect']")
    page.click("#b")
    page.wait_for_function("() => window.seen.length === 2")
    assert stub.requests[0]["url"] == ORIGIN + "/other/create-checkout-session"
    assert stub.requests[0]["body"] == {"lookupKey": "tshirt", "quantity": 1}
    assert page.evaluate("StripeCheckout.endpoint") == ORIGIN + "/other/create-checkout-session"


def test_canceling_checkout_start_sends_nothing_and_leaves_the_button_ready(page: Page) -> None:
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button>')
    page.evaluate("window.cancel = ['start']")
    page.click("#b")
    page.wait_for_timeout(100)
    assert stub.requests == []
    expect(page.locator("#b")).to_be_enabled()
    expect(page.locator("#b")).not_to_have_attribute("aria-busy", "true")


def test_the_js_api_posts_emits_on_document_and_resolves_with_the_session(page: Page) -> None:
    stub = open_page(page, "<p>own UI</p>")
    page.evaluate("window.cancel = ['redirect']")
    session = page.evaluate("StripeCheckout.start({priceId: 'price_A', quantity: 3})")
    assert session == {"id": "cs_test_123", "url": ORIGIN + "/checkout/cs_test_123"}
    assert stub.requests[0]["body"] == {"priceId": "price_A", "quantity": 3}
    assert [(e["name"], e["target"]) for e in seen(page)] == [("start", "#document"), ("redirect", "#document")]

    items = [{"priceId": "price_A", "quantity": 1}, {"priceId": "price_B", "quantity": 2}]
    page.evaluate("(items) => StripeCheckout.start({items, customerEmail: 'j@example.com'})", items)
    assert stub.requests[1]["body"] == {"items": items, "customerEmail": "j@example.com"}

    stub.answer = lambda route: route.fulfill(status=400, json={"error": {"message": "Unknown price."}})
    message = page.evaluate("StripeCheckout.start({priceId: 'price_X'}).then(() => 'resolved', (e) => e.message)")
    assert message == "Unknown price."


def test_the_js_api_redirects_by_default(page: Page) -> None:
    open_page(page, "<p>own UI</p>")
    # Not awaited: the promise may settle after the page has already begun to leave.
    page.evaluate("() => { StripeCheckout.start({priceId: 'price_A', quantity: 1}); }")
    page.wait_for_url(ORIGIN + "/checkout/cs_test_123")


def test_coming_back_from_the_back_forward_cache_makes_busy_buttons_ready_but_leaves_others_alone(page: Page) -> None:
    held: list[Route] = []
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button>'
                           '<button id=soldout data-price-id="price_B" disabled>Sold out</button>')
    stub.answer = held.append
    page.click("#b")
    expect(page.locator("#b")).to_be_disabled()
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(page.locator("#b")).to_be_enabled()
    expect(page.locator("#b")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#soldout")).to_be_disabled()


def test_a_portal_form_asks_for_its_link_as_buy_buttons_buy(page: Page) -> None:
    """<form data-portal> (account.html): JSON to the form's action, the button busy meanwhile, the
    answer or the error by the button; no checkout events."""
    held: list[Route] = []
    stub = open_page(page, '<form method=post action=/api/portal data-portal><label>Email <input name=email '
                           'value="ann@example.com"></label> <button id=b>Email me a link</button></form>')
    stub.answer = held.append
    page.click("#b")
    expect(page.locator("#b")).to_be_disabled()
    expect(page.locator("#b")).to_have_attribute("aria-busy", "true")
    held[0].fulfill(json={"message": "If that email has a membership, a link is on its way."})
    expect(page.locator("#b + [role=alert]")).to_have_text("If that email has a membership, a link is on its way.")
    expect(page.locator("#b")).to_be_enabled()
    assert stub.requests == [{"url": ORIGIN + "/api/portal", "content_type": "application/json",
                              "body": {"email": "ann@example.com"}}]
    stub.answer = lambda route: route.fulfill(status=429, json={"error": {"message": "Too many requests."}})
    page.press("input[name=email]", "Enter")  # a submit, not a click
    expect(page.locator("#b + [role=alert]")).to_have_text("Too many requests.")
    expect(page.locator("#b")).to_be_enabled()
    assert len(stub.requests) == 2 and seen(page) == [] and page.url == ORIGIN + "/"
