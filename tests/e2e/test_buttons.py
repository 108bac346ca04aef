"""The buy buttons on the storefront in Chromium: cancel and come back, the back button
(with and without the back/forward cache), failures and timeouts, double clicks, buttons
added later, no JavaScript at all, and the landing pages' other states."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from checkout_kit.security_headers import page_headers
from tests.core.conftest import CUSTOMER
from tests.e2e.conftest import CspWatch
from tests.e2e.flows import (EBOOK, add_button, buy_button, expect_state, pay_with_card, receipts_after_settling,
                             row_texts, start_checkout)

pytestmark = pytest.mark.browser
API = "**/api/create-checkout-session"


def expect_ready(button: Any) -> None:
    expect(button).to_be_enabled()
    expect(button).not_to_have_attribute("aria-busy", "true")


def test_cancel_on_the_hosted_page_lands_on_canceled_and_the_shop_works_again(shop, shop_page: Page) -> None:
    page = shop_page
    session_id = start_checkout(page, shop)
    page.get_by_role("link", name="← Back").click()

    page.wait_for_url(shop.url + "/canceled.html")
    expect(page.get_by_role("heading", level=1)).to_contain_text("nothing was charged")
    page.get_by_role("link", name="Back to the shop").last.click()
    page.wait_for_url(shop.url + "/#products")
    button = buy_button(page, "Buy the e-book")
    expect_ready(button)
    assert start_checkout(page, shop) != session_id
    assert shop.store.get_order(session_id) is None


def test_browser_back_from_checkout_with_the_back_forward_cache_re_enables_the_button(
        shop, browser_type: Any, browser_type_launch_args: dict[str, Any], csp: CspWatch) -> None:
    # Playwright turns Chromium's back/forward cache off; this browser keeps it, as customers' do.
    browser = browser_type.launch(**browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"])
    try:
        context = browser.new_context()
        csp.attach(context)
        page = context.new_page()
        page.goto(shop.url + "/")
        page.evaluate("window.__before_checkout = true")
        button = buy_button(page, "Buy the e-book")
        button.click()
        page.wait_for_url(f"{shop.emulator.url}/c/pay/**")

        page.go_back(wait_until="commit")
        # The very same document came back (bfcache), with the button as it was left: busy.
        page.wait_for_function("() => window.__before_checkout === true")
        expect_ready(button)
        button.click()
        page.wait_for_url(f"{shop.emulator.url}/c/pay/**")
    finally:
        browser.close()
    assert csp.violations == []


def test_browser_back_from_checkout_without_the_cache_shows_a_ready_button(shop, shop_page: Page) -> None:
    page = shop_page
    start_checkout(page, shop)
    page.go_back()
    expect_ready(buy_button(page, "Buy the e-book"))
    start_checkout(page, shop)


def test_stripe_unreachable_shows_the_servers_message_and_re_enables_the_button(shop, shop_page: Page) -> None:
    page = shop_page
    shop.emulator.stop()  # Stripe (the emulator) is down: the API answers 502 with a message
    button = buy_button(page, "Buy the e-book")
    button.click()
    alert = page.locator("form", has=button).get_by_role("alert")
    expect(alert).to_have_text("Checkout is unavailable right now. Please try again in a moment.", timeout=20_000)
    expect_ready(button)
    # The rest of the page still works: another button reports the same, nothing is stuck.
    other = buy_button(page, "Buy T-shirts")
    other.click()
    expect(page.locator("form", has=other).get_by_role("alert")).not_to_be_empty(timeout=20_000)
    expect_ready(other)
    assert page.url == shop.url + "/"


@pytest.mark.parametrize(("status", "body", "content_type", "message"), [
    (500, {"error": {"code": "boom", "message": "Our shop is taking a short break."}}, "application/json",
     "Our shop is taking a short break."),
    (502, "<html><body>Bad gateway</body></html>", "text/html", "Checkout is unavailable right now. Please try again."),
])
def test_an_api_error_shows_a_message_in_the_alert_and_the_button_works_again(
        shop, shop_page: Page, status: int, body: Any, content_type: str, message: str) -> None:
    page = shop_page
    page.route(API, lambda route: route.fulfill(
        status=status, content_type=content_type, body=json.dumps(body) if isinstance(body, dict) else body))
    button = buy_button(page, "Buy the e-book")
    errors: list[Any] = []
    page.expose_function("recordCheckoutError", lambda detail: errors.append(detail))
    page.evaluate("document.addEventListener('checkout:error', (e) => window.recordCheckoutError(e.detail))")
    button.click()

    alert = page.locator("form", has=button).get_by_role("alert")
    expect(alert).to_have_text(message)
    expect_ready(button)
    assert errors == [{"message": message, "status": status}]

    page.unroute(API)
    button.click()
    page.wait_for_url(f"{shop.emulator.url}/c/pay/**")


def test_no_answer_within_15_seconds_times_out_and_re_enables_the_button(shop, page: Page) -> None:
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    page.clock.install(time=start)
    page.goto(shop.url + "/")
    page.clock.pause_at(start + timedelta(seconds=10))  # from here on, only run_for moves time
    hanging: list[Route] = []
    page.route(API, lambda route: hanging.append(route))  # never answered
    button = buy_button(page, "Buy the e-book")
    button.click()
    page.wait_for_function("() => document.querySelector('[aria-busy=true]')")
    assert len(hanging) == 1
    expect(button).to_be_disabled()
    expect(button).to_have_class("buy is-busy")

    page.clock.run_for(14_000)
    expect(button).to_be_disabled()
    page.clock.run_for(1_500)
    expect(page.locator("form", has=button).get_by_role("alert")).to_have_text(
        "Checkout took too long to answer. Please try again.")
    expect_ready(button)


def test_a_double_click_sends_one_request(shop, shop_page: Page) -> None:
    page = shop_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/create-checkout-session" in r.url else None)

    def slow(route: Route) -> None:
        page.wait_for_timeout(300)
        route.continue_()

    page.route(API, slow)
    buy_button(page, "Buy the e-book").dblclick()
    page.wait_for_url(f"{shop.emulator.url}/c/pay/**")
    assert len(requests) == 1


def test_a_button_added_to_the_page_later_works(shop, shop_page: Page) -> None:
    page = shop_page
    add_button(page, "Added later", priceId=EBOOK).click()
    page.wait_for_url(f"{shop.emulator.url}/c/pay/**")
    expect(page.locator("#total-amount")).to_have_text("$15.00")


def test_a_button_outside_a_form_reports_errors_next_to_itself(shop, page: Page) -> None:
    page.goto(shop.url + "/button-outside-a-form.html")
    page.route(API, lambda route: route.fulfill(status=400, json={"error": {"message": "Not for sale."}}))
    button = page.get_by_role("button", name="Buy the e-book ($15.00, test mode)")
    button.click()
    expect(button.locator("xpath=following-sibling::*[1]")).to_have_text("Not for sale.")
    expect(button.locator("xpath=following-sibling::*[1]")).to_have_attribute("role", "alert")
    page.unroute(API)
    button.click()
    page.wait_for_url(f"{shop.emulator.url}/c/pay/**")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_form_posts_to_checkout_and_the_order_completes(shop, shop_page: Page) -> None:
    page = shop_page
    page.get_by_label("Quantity").fill("2")
    with page.expect_response(API) as answer:
        buy_button(page, "Buy T-shirts").click()
    assert answer.value.status == 303
    assert answer.value.headers["location"].startswith(f"{shop.emulator.url}/c/pay/cs_test_")
    page.wait_for_url(f"{shop.emulator.url}/c/pay/**")
    expect(page.locator("#total-amount")).to_have_text("$50.00")
    session_id = page.url.rsplit("/", 1)[1]

    pay_with_card(page)
    page.wait_for_url(f"{shop.url}/success.html?session_id={session_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order")
    expect(page.get_by_text("Loading your order")).to_be_hidden()
    assert shop.wait_order(session_id).amount_total == 5000
    assert len(receipts_after_settling(shop)) == 1


@pytest.mark.parametrize("query", ["?session_id=cs_test_doesnotexist00000000", "?session_id=nonsense", ""])
def test_success_page_with_an_unknown_or_missing_session_says_so(shop, page: Page, query: str) -> None:
    page.goto(shop.url + "/success.html" + query)
    expect_state(page, "missing")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that order")
    assert page.url == shop.url + "/success.html"


def test_success_page_for_a_session_not_paid_yet_says_checkout_is_not_finished(shop, page: Page) -> None:
    session_id = shop.checkout({"priceId": EBOOK, "quantity": 1}).json()["id"]
    page.goto(f"{shop.url}/success.html?session_id={session_id}")
    expect_state(page, "open")
    assert shop.store.get_order(session_id) is None


def test_success_page_offers_a_retry_when_the_order_cannot_be_loaded(shop, page: Page) -> None:
    session_id = shop.checkout({"priceId": EBOOK, "quantity": 1}).json()["id"]
    shop.pay(session_id, card="4242424242424242")
    page.route("**/api/checkout-session?*", lambda route: route.fulfill(status=502, json={"error": {"message": "x"}}))
    page.goto(f"{shop.url}/success.html?session_id={session_id}")
    expect_state(page, "error")
    page.unroute("**/api/checkout-session?*")
    page.get_by_role("button", name="Try again").click()
    expect_state(page, "paid")
    assert row_texts(page) == [["The Static Shop Handbook", "1", "$15.00"]]
    expect(page.locator('[data-state="paid"]')).to_contain_text(CUSTOMER)


PAGES = ["/", "/button-outside-a-form.html", "/account.html", "/success.html", "/canceled.html", "/no-such-page"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_no_page_reports_a_csp_violation(shop, browser: Any, javascript: bool) -> None:
    watch = CspWatch()
    context = browser.new_context(java_script_enabled=javascript)
    watch.attach(context)
    page = context.new_page()
    try:
        for path in PAGES:
            page.goto(shop.url + path)
            page.wait_for_timeout(150)  # success.html's fetch and its result
        # The watcher does see violations: a page with an inline style under the same policy.
        assert watch.violations == []
        canary = shop.url + "/canary.html"
        page.route(canary, lambda route: route.fulfill(
            status=200, headers=dict(page_headers()), content_type="text/html",
            body="<!doctype html><title>canary</title><p style='color:red'>inline style</p>"))
        page.goto(canary)
        for _ in range(100):  # reported a moment after the page loads (later on a busy machine)
            if watch.violations:
                break
            page.wait_for_timeout(50)
        assert len(watch.violations) >= 1 and "style-src" in watch.violations[0]
    finally:
        context.close()
