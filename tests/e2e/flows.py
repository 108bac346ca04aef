"""What a customer does in the browser, shared by the e2e tests: the fixture shop's products
(tests/fixtures/: the owner's catalog.toml and site/ are theirs to change), the test cards,
paying on the hosted Checkout page (the emulator's, with Stripe's field ids)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.core.conftest import CUSTOMER, FIXTURES

ROOT = Path(__file__).resolve().parents[2]
CATALOG = FIXTURES / "catalog.toml"

EBOOK = "price_test_ebook"
TSHIRT = "price_test_tshirt"
MEMBERSHIP = "price_test_monthly"

CARD_OK = "4242 4242 4242 4242"
CARD_DECLINED = "4000 0000 0000 0002"
CARD_3DS = "4000 0027 6000 3184"
BANK_SETTLES = "000123456789"
BANK_FAILS = "000111111113"

SESSION_IN_URL = re.compile(r"/c/pay/(cs_test_[A-Za-z0-9]+)")


def buy_button(page: Page, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


def add_button(page: Page, label: str, **data: str) -> Any:
    """A buy button added to the page's <main> by script, after the library loaded (priceId=…, lookupKey=…)."""
    page.evaluate("""([label, data]) => {
        const b = document.createElement("button");
        Object.assign(b.dataset, data); b.textContent = label;
        document.querySelector("main").append(b);
    }""", [label, data])
    return page.get_by_role("button", name=label)


def start_checkout(page: Page, shop: Any, button: str = "Buy the e-book") -> str:
    """From the storefront to the hosted Checkout page; returns the session id."""
    if not page.url.startswith(shop.url + "/") or "/success" in page.url:
        page.goto(shop.url + "/")
    buy_button(page, button).click()
    page.wait_for_url(SESSION_IN_URL)
    return session_of(page)


def session_of(page: Page) -> str:
    match = SESSION_IN_URL.search(page.url)
    assert match, page.url
    return match.group(1)


def fill_details(page: Page, email: str = CUSTOMER, name: str = "Jenny Rosen") -> None:
    if page.locator("#email").is_editable():
        page.fill("#email", email)
    if page.locator("#shippingName").count():
        page.fill("#shippingName", name)
        page.select_option("#shippingCountry", "US")
        page.fill("#shippingAddressLine1", "1 Main Street")
        page.fill("#shippingLocality", "Springfield")
        page.fill("#shippingPostalCode", "12345")
    page.fill("#billingName", name)


def pay_with_card(page: Page, card: str = CARD_OK, **details: str) -> None:
    """Fill the hosted page as a customer would and press Pay (or Subscribe)."""
    fill_details(page, **details)
    if page.locator("#method-card").count():
        page.check("#method-card")
    page.fill("#cardNumber", card)
    page.fill("#cardExpiry", "12 / 34")
    page.fill("#cardCvc", "123")
    page.locator("#submit").click()


def pay_with_bank(page: Page, account: str = BANK_SETTLES) -> None:
    fill_details(page)
    page.check("#method-bank")
    page.fill("#bankAccountNumber", account)
    page.locator("#submit").click()


def expect_state(page: Page, state: str, timeout: float = 10_000) -> None:
    """success.html shows one state section at a time (and names it on <body>)."""
    expect(page.locator("body")).to_have_attribute("data-order-state", state, timeout=timeout)
    expect(page.locator(f'[data-state="{state}"]')).to_be_visible()


def receipts_after_settling(shop: Any, count: int = 1, timeout: float = 10.0) -> list[Any]:
    """Wait for `count` receipts to the customer, then for every webhook delivery to finish
    (so a duplicate would have arrived by now), and return all receipts."""
    shop.smtp.wait_for(lambda _: len(shop.receipts()) >= count, timeout)
    shop.settle_deliveries()
    time.sleep(0.2)  # an email sent after the last delivery's commit
    return shop.receipts()


def row_texts(page: Page) -> list[list[str]]:
    return [[c.strip() for c in row] for row in
            page.locator("[data-items] tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.textContent))")]
