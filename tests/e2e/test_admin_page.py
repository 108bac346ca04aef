"""The owner's desk (site/admin/) driven in Chromium against the running shop: signing in (a
wrong token told apart from a network or server error), today's numbers equal to the store's,
search, the order page, retrying a job that gave up, the revenue chart, a customer's data."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from checkout_kit.money import format_amount
from checkout_kit.store.records import order_reference
from tests.e2e.desk import TOKEN, buy, open_view, sign_in, signed_in, status, three_purchases

pytestmark = pytest.mark.browser


def kept_token(page: Page) -> str | None:
    return page.evaluate("() => sessionStorage.getItem('checkout-kit:admin-token')")


def test_a_wrong_token_is_told_apart_from_a_network_or_server_error(desk_shop, page: Page) -> None:
    error = page.locator("#signin-error")
    sign_in(page, desk_shop, "not-the-token")
    expect(error).to_contain_text("not this shop's ADMIN_TOKEN")
    assert kept_token(page) is None
    expect(page.get_by_label("Admin token")).to_be_focused()

    page.route("**/api/admin/**", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(error).to_contain_text("Could not reach the shop")
    expect(error).to_contain_text("Your token was not checked")
    page.unroute("**/api/admin/**")

    page.route("**/api/admin/**", lambda route: route.fulfill(status=502, body="Bad gateway"))
    page.get_by_role("button", name="Sign in").click()
    expect(error).to_contain_text("answered with an error (HTTP 502)")
    expect(error).not_to_contain_text("ADMIN_TOKEN")
    page.unroute("**/api/admin/**")
    assert kept_token(page) is None

    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    assert kept_token(page) == TOKEN

    # The token changed on the host: the next call says so and asks again.
    page.evaluate("() => sessionStorage.setItem('checkout-kit:admin-token', 'an-old-token')")
    page.get_by_role("link", name="Orders", exact=True).click()
    expect(error).to_contain_text("no longer accepts your token")
    assert kept_token(page) is None

    sign_in(page, desk_shop)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    assert kept_token(page) is None
    expect(page.get_by_label("Admin token")).to_be_visible()
    expect(page.get_by_role("navigation", name="Desk")).to_be_hidden()
    expect(page.locator("#today-cards")).to_be_empty()
    page.reload()
    expect(page.get_by_label("Admin token")).to_be_visible()


def test_a_shop_without_an_admin_token_says_how_to_set_one(shop, page: Page) -> None:
    sign_in(page, shop, "anything")
    expect(page.locator("#signin-error")).to_contain_text("no ADMIN_TOKEN set")


def test_today_shows_the_stores_numbers_after_three_purchases(desk_shop, page: Page) -> None:
    shop = desk_shop
    three_purchases(shop)
    shop.new_session("price_test_ebook")  # a checkout started and never paid
    paid = [o for o in shop.store.list_orders(100) if o.status == "paid"]
    started = shop.store.count("checkout_intents")
    signed_in(page, shop)
    expect(page.locator("#today-orders")).to_have_text(str(len(paid)))
    expect(page.locator("#today-revenue")).to_have_text(format_amount(sum(o.amount_total for o in paid), "usd"))
    expect(page.locator("#today-started")).to_have_text(str(started))
    expect(page.locator("#today-conversion")).to_have_text(f"{len(paid) / started * 100:.1f}%")
    expect(page.locator("#today-pending")).to_have_text(str(shop.store.pending_email_count()))
    assert (len(paid), started) == (3, 4)


def test_search_finds_orders_by_email_and_reference_and_opens_one(desk_shop, page: Page) -> None:
    shop = desk_shop
    bought = three_purchases(shop)
    signed_in(page, shop)
    open_view(page, "Orders", "Orders")
    orders = page.locator("#orders-list > li")
    expect(orders).to_have_count(3)

    page.get_by_label("Search").fill("bob@example.com")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(orders).to_have_count(1)
    tee = order_reference(bought["tshirt"])
    expect(orders.first.get_by_role("link")).to_have_text(f"Order {tee}")
    expect(status(page)).to_have_text("1 order.")
    # A search keeps the owner where they were (the results are announced, the heading is not focused).
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_focused()

    ticket = order_reference(bought["ticket"])
    page.get_by_label("Search").fill(ticket)
    page.get_by_label("Search").press("Enter")
    expect(orders).to_have_count(1)
    expect(orders.first).to_contain_text("cat@example.com")

    page.get_by_label("Search").fill("")
    page.get_by_label("Only orders to ship").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(orders).to_have_count(1)
    expect(orders.first).to_contain_text("to ship")
    page.get_by_label("Only orders to ship").uncheck()
    page.get_by_label("Kind").select_option("ticket")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(orders).to_have_count(1)
    expect(orders.first.get_by_role("link")).to_have_text(f"Order {ticket}")

    page.get_by_label("Kind").select_option("")
    page.get_by_label("Search").fill("nobody@example.com")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No orders match.").first).to_be_visible()

    page.go_back()  # the search lives in the address: Back returns to the ticket search
    expect(orders).to_have_count(1)
    expect(page.get_by_label("Kind")).to_have_value("ticket")

    page.goto(f"{shop.url}/admin/#/order/{tee}")
    expect(page.get_by_role("heading", level=1, name=f"Order {tee}")).to_be_focused()
    body = page.locator("#order-body")
    expect(body).to_contain_text("bob@example.com")
    expect(body).to_contain_text("Springfield")
    expect(body.locator("table.lines tbody tr")).to_have_count(1)
    expect(body.locator("table.lines")).to_contain_text("to ship")
    expect(body.locator("table.lines")).to_contain_text("$50.00")
    emails = body.locator("h2:has-text('Emails') + ul > li")
    expect(emails).to_have_count(2)
    expect(emails.filter(has_text="receipt")).to_contain_text("sent")
    expect(body.locator("h2:has-text('Webhook deliveries') + ul")).to_contain_text("checkout.session.completed")
    expect(body.get_by_role("button", name="Mark shipped…")).to_be_visible()

    page.goto(f"{shop.url}/admin/#/order/ZZZZZZZZ")
    expect(status(page)).to_contain_text("No order ZZZZZZZZ")


def test_show_more_pages_by_cursor_and_moves_focus_to_the_first_new_order(desk_shop, page: Page) -> None:
    shop = desk_shop
    ids = [buy(shop, "price_test_ebook", email=f"reader{n}@example.com") for n in range(3)]
    seed_orders(shop, 52)
    signed_in(page, shop)
    open_view(page, "Orders", "Orders")
    orders = page.locator("#orders-list > li")
    expect(orders).to_have_count(50)
    page.get_by_role("button", name="Show more orders").click()
    expect(orders).to_have_count(55)
    expect(orders.nth(50).get_by_role("link")).to_be_focused()
    expect(page.get_by_role("button", name="Show more orders")).to_be_hidden()
    shown = [t.removeprefix("Order ") for t in orders.locator(".order-head a").all_text_contents()]
    seeded = [f"cs_test_seeded{n:04d}" for n in reversed(range(52))]
    assert shown == [order_reference(s) for s in [*reversed(ids), *seeded]]  # newest first, each once


def seed_orders(shop, count: int) -> None:
    """Older paid e-book orders straight into the store (what 52 checkouts would leave)."""
    from checkout_kit.store.records import Order, OrderItem

    with shop.store.transaction() as tx:
        for n in range(count):
            tx.insert_order(Order(
                session_id=f"cs_test_seeded{n:04d}", status="paid", mode="payment", livemode=False,
                customer_email=f"seeded{n}@example.com", customer_name=None, amount_total=1500, currency="usd",
                items=[OrderItem(0, "price_test_ebook", "ebook", "The Static Shop Handbook", 1, 1500, "usd",
                                 "download", "fulfilled")]))
    # Newer than the bought ones would sort first: move them back in time, one second apart.
    for n in range(count):
        shop.store._write("UPDATE orders SET created_at = ? WHERE session_id = ?",
                          (time.time() + n - 86400 * 3, f"cs_test_seeded{n:04d}"))
