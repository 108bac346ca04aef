"""A customer pays on the emulator's hosted Checkout page in a real Chromium."""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.emulator.conftest import control
from tests.support.servers import LandingServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shop() -> Iterator[LandingServer]:
    server = LandingServer()
    yield server
    server.close()


def start(client, shop, price_id: str, quantity: int = 1, **extra):
    params = {
        "mode": extra.pop("mode", "payment"),
        "line_items": [{"price": price_id, "quantity": quantity}],
        "success_url": f"{shop.url}/success.html?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{shop.url}/canceled.html",
        **extra,
    }
    return client.v1.checkout.sessions.create(params=params)


def fill_card(page: Page, number: str, email: str = "buyer@example.com", expiry: str = "12 / 34", cvc: str = "123"):
    if page.locator("#email").get_attribute("readonly") is None:
        page.fill("#email", email)
    page.fill("#cardNumber", number)
    page.fill("#cardExpiry", expiry)
    page.fill("#cardCvc", cvc)
    page.fill("#billingName", "Jenny Rosen")


def landed_session_id(page: Page) -> str:
    return parse_qs(urlsplit(page.url).query)["session_id"][0]


@pytest.mark.parametrize("number", ["4242 4242 4242 4242", "5555 5555 5555 4444"])
def test_paying_redirects_to_success_with_the_session_id(page: Page, client, catalog, shop, number):
    session = start(client, shop, catalog["shirt"].id, 3)
    page.goto(session.url)
    expect(page.locator("#total-amount")).to_have_text("$75.00")
    expect(page.get_by_text("Qty 3")).to_be_visible()
    fill_card(page, number)
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    assert landed_session_id(page) == session.id
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


DECLINES = [
    ("4000 0000 0000 0002", "Your card was declined."),
    ("4000 0000 0000 9995", "Your card has insufficient funds."),
    ("4000 0000 0000 9987", "Your card was declined."),  # Stripe does not tell the customer "lost"
    ("4000 0000 0000 0069", "Your card has expired."),
    ("4000 0000 0000 0127", "Your card's security code is incorrect."),
    ("4000 0000 0000 0119", "An error occurred while processing your card. Try again in a little bit."),
    ("4242 4242 4242 4241", "Your card number is invalid."),  # fails Luhn: the form refuses it
    ("4000 0000 0000 6975", "Your card was declined for making repeated attempts too frequently or exceeding its "
                            "amount limit."),
    ("4100 0000 0000 0019", "Your card was declined."),  # blocked by Radar
]


@pytest.mark.parametrize("number,message", DECLINES)
def test_failing_cards_show_the_reason_and_keep_the_session_open(page: Page, client, catalog, shop, number, message):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    fill_card(page, number)
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("alert")).to_have_text(message)
    assert page.url.startswith(session.url)
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_retry_after_a_decline_in_the_same_session(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    fill_card(page, "4000000000000002")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.locator("#email")).to_have_value("buyer@example.com")  # kept for the retry
    page.fill("#cardNumber", "4242424242424242")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    charges = client.v1.charges.list(params={"payment_intent": client.v1.checkout.sessions.retrieve(session.id).payment_intent}).data
    assert sorted(c.status for c in charges) == ["failed", "succeeded"]


def test_three_d_secure_complete(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    fill_card(page, "4000 0027 6000 3184")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="3D Secure 2 test page")).to_be_visible()
    page.get_by_role("button", name="Complete").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    assert landed_session_id(page) == session.id
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_three_d_secure_fail_then_retry(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    fill_card(page, "4000 0027 6000 3184")
    page.get_by_role("button", name="Pay").click()
    page.get_by_role("button", name="Fail").click()
    expect(page.get_by_role("alert")).to_contain_text("unable to authenticate your payment method")
    current = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert current.status == "open" and current.payment_intent.status == "requires_payment_method"
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{shop.url}/success.html?*")


def test_three_d_secure_then_insufficient_funds(page: Page, client, catalog, shop):
    """4000 0082 6000 3178 asks for authentication, then declines for lack of funds."""
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    fill_card(page, "4000 0082 6000 3178")
    page.get_by_role("button", name="Pay").click()
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("alert")).to_have_text("Your card has insufficient funds.")
    current = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert current.status == "open" and current.payment_intent.last_payment_error.decline_code == "insufficient_funds"


def test_three_d_secure_supported_card_pays_without_a_challenge(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    fill_card(page, "4000 0000 0000 3055")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    paid = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent.latest_charge"]})
    assert paid.payment_status == "paid" and paid.payment_intent.latest_charge.outcome.type == "authorized"


def test_back_link_goes_to_cancel_url(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    page.get_by_role("link", name="Back").click()
    page.wait_for_url(f"{shop.url}/canceled.html")
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_missing_fields_are_announced(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("alert")).to_have_text("Your email address is invalid.")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    page.fill("#email", "a@example.com")
    page.fill("#billingName", "A")
    page.fill("#cardNumber", "4242424242424242")
    page.fill("#cardExpiry", "01 / 20")
    page.fill("#cardCvc", "123")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("alert")).to_have_text("Your card's expiration year is in the past.")


def test_subscription_page_says_subscribe_and_prefills_email(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["monthly"].id, mode="subscription", customer_email="m@example.com")
    page.goto(session.url)
    expect(page.locator("#email")).to_have_value("m@example.com")
    expect(page.locator("#total-amount")).to_contain_text("$9.00")
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    done = client.v1.checkout.sessions.retrieve(session.id)
    assert client.v1.subscriptions.retrieve(done.subscription).status == "active"


def test_bank_debit_completes_unpaid(page: Page, client, catalog, shop, emulator):
    session = start(client, shop, catalog["ebook"].id)
    page.goto(session.url)
    page.fill("#email", "bank@example.com")
    page.get_by_text("Test bank debit").click()
    expect(page.locator("#cardNumber")).to_be_hidden()
    page.fill("#billingName", "Ban K.")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"
    control(emulator, f"sessions/{session.id}/settle", {})
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_shipping_address_form(page: Page, client, catalog, shop):
    session = start(client, shop, catalog["shirt"].id, shipping_address_collection={"allowed_countries": ["US", "CA"]})
    page.goto(session.url)
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("alert")).to_have_text("Enter the name for shipping.")
    page.fill("#shippingName", "Jo Doe")
    page.select_option("#shippingCountry", "CA")
    page.fill("#shippingAddressLine1", "1 Queen St")
    page.fill("#shippingLocality", "Toronto")
    page.fill("#shippingPostalCode", "M5H 2N2")
    page.fill("#cardNumber", "4242424242424242")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{shop.url}/success.html?*")
    details = client.v1.checkout.sessions.retrieve(session.id).collected_information.shipping_details
    assert details.address.country == "CA" and details.address.city == "Toronto"


def test_closed_sessions_show_a_clear_page(page: Page, client, catalog, shop, emulator):
    expired = start(client, shop, catalog["ebook"].id)
    client.v1.checkout.sessions.expire(expired.id)
    response = page.goto(f"{emulator.url}/c/pay/{expired.id}")
    assert response.status == 410
    expect(page.get_by_role("heading")).to_have_text("This checkout has expired")
    paid = start(client, shop, catalog["ebook"].id)
    control(emulator, f"sessions/{paid.id}/pay", {})
    page.goto(f"{emulator.url}/c/pay/{paid.id}")
    expect(page.get_by_role("heading")).to_have_text("Payment complete")
    assert page.goto(f"{emulator.url}/c/pay/cs_test_unknown").status == 404
    expect(page.locator("#cardNumber")).to_have_count(0)


def test_page_is_accessible_enough(page: Page, client, catalog, shop):
    """Every input has a label; the alert region exists before any error; the page has one h1."""
    session = start(client, shop, catalog["shirt"].id, shipping_address_collection={"allowed_countries": ["US"]})
    page.goto(session.url)
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter(el => !(el.labels && el.labels.length)).map(el => el.id)""")
    assert unlabeled == []
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("h1").count() == 1
    assert re.search(r"lang=\"en\"", page.content())
