"""Buying from the demo shop in Chromium, the way a customer does: storefront → hosted
Checkout (the offline emulator) with Stripe's test cards → success.html, with the receipt
checked at a real SMTP server and the order in the store."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.core.conftest import CUSTOMER
from tests.e2e.flows import (BANK_FAILS, BANK_SETTLES, CARD_3DS, CARD_DECLINED, buy_button, expect_state,
                             pay_with_bank, pay_with_card, receipts_after_settling, row_texts, start_checkout)
from tests.support.smtp import text_of

pytestmark = pytest.mark.browser


def test_ebook_with_4242_shows_the_order_sends_one_receipt_and_records_it_paid(shop, shop_page: Page) -> None:
    page = shop_page
    urls: list[str] = []
    page.on("framenavigated", lambda frame: urls.append(frame.url) if frame == page.main_frame else None)
    session_id = start_checkout(page, shop, "Buy the e-book")
    expect(page.locator("#total-amount")).to_have_text("$15.00")

    pay_with_card(page)

    expect_state(page, "paid")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — your order is confirmed")
    assert row_texts(page) == [["The Static Shop Handbook", "1", "$15.00"]]
    expect(page.locator("tfoot")).to_contain_text("$15.00")
    expect(page.locator('[data-state="paid"]')).to_contain_text(CUSTOMER)
    download = page.get_by_role("link", name="Download")
    # A signed, counted link to the shop's download route, not the file's location.
    expect(download).to_have_attribute("href", re.compile(rf"^{re.escape(shop.url)}/api/download\?token="))
    # It arrived with the session id, which is then dropped from the address bar.
    assert any(f"session_id={session_id}" in u for u in urls), urls
    assert page.url == shop.url + "/success.html"
    assert page.title().startswith("Thank you")

    receipts = receipts_after_settling(shop)
    assert len(receipts) == 1, [m["Subject"] for m in receipts]
    assert "$15.00" in text_of(receipts[0])
    order = shop.store.get_order(session_id)
    assert order.status == "paid" and order.amount_total == 1500 and order.customer_email == CUSTOMER

    # A reload of the (now clean) address still shows the order: the id stays in this tab's sessionStorage.
    page.reload()
    expect_state(page, "paid")
    assert row_texts(page) == [["The Static Shop Handbook", "1", "$15.00"]]


def test_declined_card_then_4242_in_the_same_session_pays_once(shop, shop_page: Page) -> None:
    page = shop_page
    session_id = start_checkout(page, shop)
    pay_with_card(page, CARD_DECLINED)
    expect(page.get_by_role("alert")).to_contain_text("declined")
    assert session_id in page.url
    assert shop.store.get_order(session_id) is None

    pay_with_card(page)
    expect_state(page, "paid")
    assert len(receipts_after_settling(shop)) == 1
    assert shop.store.get_order(session_id).status == "paid"


def test_3d_secure_completed_pays(shop, shop_page: Page) -> None:
    page = shop_page
    session_id = start_checkout(page, shop)
    pay_with_card(page, CARD_3DS)
    page.get_by_role("button", name="Complete").click()
    expect_state(page, "paid")
    assert len(receipts_after_settling(shop)) == 1
    assert shop.store.get_order(session_id).status == "paid"


def test_3d_secure_failed_does_not_pay_and_the_customer_can_retry(shop, shop_page: Page) -> None:
    page = shop_page
    session_id = start_checkout(page, shop)
    pay_with_card(page, CARD_3DS)
    page.get_by_role("button", name="Fail").click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    assert session_id in page.url
    shop.settle_deliveries()
    assert shop.store.get_order(session_id) is None
    assert shop.receipts() == []

    pay_with_card(page, CARD_3DS)
    page.get_by_role("button", name="Complete").click()
    expect_state(page, "paid")
    assert len(receipts_after_settling(shop)) == 1
    assert shop.store.get_order(session_id).status == "paid"


def test_three_t_shirts_cost_three_times_the_price_everywhere(shop, shop_page: Page) -> None:
    page = shop_page
    page.get_by_label("Quantity").fill("3")
    session_id = start_checkout(page, shop, "Buy T-shirts")
    expect(page.locator("#total-amount")).to_have_text("$75.00")
    expect(page.locator(".items")).to_contain_text("Qty 3")

    pay_with_card(page)
    expect_state(page, "paid")
    assert row_texts(page) == [["Checkout Kit T-shirt", "3", "$75.00"]]
    expect(page.locator("tfoot")).to_contain_text("$75.00")
    expect(page.locator("[data-fulfillment]")).to_contain_text("email you when it ships")

    receipt = receipts_after_settling(shop)
    assert len(receipt) == 1
    body = text_of(receipt[0])
    assert "$75.00" in body and "3" in body
    order = shop.store.get_order(session_id)
    assert order.status == "paid" and order.amount_total == 7500 and order.items[0].quantity == 3


def test_membership_is_a_subscription_and_the_success_page_shows_it(shop, shop_page: Page) -> None:
    page = shop_page
    session_id = start_checkout(page, shop, "Become a member")
    expect(page.locator("#submit")).to_have_text("Subscribe")
    expect(page.locator("#total-amount")).to_contain_text("per month")

    pay_with_card(page)
    expect_state(page, "paid")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome — your membership is active")
    expect(page.locator("[data-fulfillment]")).to_contain_text("Your membership is active")
    expect(page.get_by_role("link", name="Open the members' area")).to_have_attribute("href", "https://members.example.com/")
    assert row_texts(page) == [["Supporter Membership", "1", "$9.00"]]

    expect(page.get_by_role("link", name="Manage your membership")).to_have_attribute("href", f"{shop.url}/account.html")
    # A membership's receipt is its welcome email, which also says how to manage it.
    shop.smtp.wait_for(lambda ms: any("Welcome" in m["Subject"] for m in ms))
    shop.settle_deliveries()
    assert [m["Subject"] for m in shop.smtp.to(CUSTOMER)] == ["Welcome to Supporter Membership — Test Shop"]
    order = shop.store.get_order(session_id)
    assert order.status == "paid" and order.mode == "subscription" and order.subscription


@pytest.mark.parametrize(("account", "outcome", "final_state", "order_status"), [
    (BANK_SETTLES, "succeeded", "paid", "paid"),
    (BANK_FAILS, "failed", "failed", "payment_failed"),
])
def test_bank_debit_shows_processing_then_the_settled_outcome(shop, shop_page: Page, account: str, outcome: str,
                                                              final_state: str, order_status: str) -> None:
    page = shop_page
    session_id = start_checkout(page, shop)
    pay_with_bank(page, account)

    expect_state(page, "processing")
    expect(page.locator('[data-state="processing"]')).to_contain_text(CUSTOMER)
    assert row_texts(page) == [["The Static Shop Handbook", "1", "$15.00"]]
    shop.settle_deliveries()
    assert shop.receipts() == []
    assert shop.store.get_order(session_id).status == "awaiting_payment"

    shop.control(f"sessions/{session_id}/settle", {"outcome": outcome})
    # success.html polls on its own: no reload.
    expect_state(page, final_state, timeout=15_000)
    shop.wait_order(session_id, order_status)
    if final_state == "paid":
        assert len(receipts_after_settling(shop)) == 1
        expect(page.get_by_role("link", name="Download")).to_be_visible()
    else:
        shop.settle_deliveries()
        assert shop.receipts() == []
        expect(page.get_by_role("link", name="Back to the shop").last).to_be_visible()


def test_keyboard_only_tab_to_a_button_and_press_enter(shop, shop_page: Page) -> None:
    page = shop_page
    target = buy_button(page, "Buy the e-book")
    for _ in range(20):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the e-book's buy button")
    outline = target.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused button has no visible focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{shop.emulator.url}/c/pay/**")
