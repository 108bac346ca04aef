"""The admin page for every owner: an axe-core scan of each view (and of the sign-in, the
confirmation step and the error states) finds no serious or critical violation; at 390 px wide
nothing scrolls sideways; it works from the keyboard (skip link, focus on each view's heading);
and it keeps still under reduced motion."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from checkout_kit.store.records import order_reference
from tests.e2e.desk import axe_violations, open_view, scroll_width, serve_axe, sign_in, signed_in, three_purchases

pytestmark = pytest.mark.browser
WIDTHS = {"phone": 390, "desktop": 1280}


def check(page: Page, width: int, folder: Path, name: str) -> None:
    assert axe_violations(page) == [], name
    assert scroll_width(page) <= width, f"{name} scrolls sideways at {width}px: {scroll_width(page)}"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"admin-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("size", WIDTHS)
def test_every_view_passes_axe_and_fits_the_screen(desk_shop, page: Page, screenshots: Path, size: str) -> None:
    shop = desk_shop
    width = WIDTHS[size]
    bought = three_purchases(shop)
    shop.store._write("UPDATE jobs SET status = 'failed', last_error = 'SMTP refused (a long reason that has to wrap "
                      "on a phone without widening the page at all)' WHERE id = (SELECT MIN(id) FROM jobs)")
    page.set_viewport_size({"width": width, "height": 900})
    serve_axe(page)

    sign_in(page, shop, "wrong")
    expect(page.locator("#signin-error")).to_contain_text("not this shop's ADMIN_TOKEN")
    check(page, width, screenshots, "sign-in-error")

    signed_in(page, shop)
    check(page, width, screenshots, "today")
    open_view(page, "Orders", "Orders")
    expect(page.locator("#orders-list > li")).to_have_count(3)
    check(page, width, screenshots, "orders")

    page.goto(f"{shop.url}/admin/#/order/{order_reference(bought['tshirt'])}")
    expect(page.get_by_role("heading", level=1, name=f"Order {order_reference(bought['tshirt'])}")).to_be_visible()
    page.get_by_role("button", name="Mark shipped…").click()
    page.get_by_label("Carrier").fill("A carrier with a rather long name")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784XXXXXXXXXXXXXXXXXXXXXXXXXXXX")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Refund…").click()
    page.get_by_label("Part of it").check()
    check(page, width, screenshots, "order-actions")

    open_view(page, "Problems", "Problems")
    expect(page.locator("#problems-body button[data-job]")).to_have_count(1)
    check(page, width, screenshots, "problems")
    open_view(page, "Revenue", "Revenue")
    expect(page.locator("svg rect.bar")).to_have_count(30)
    check(page, width, screenshots, "revenue")

    open_view(page, "Customer", "Customer")
    page.get_by_label("Customer's email").fill("bob@example.com")
    page.get_by_role("button", name="Look up").click()
    page.get_by_role("button", name="Forget this customer…").click()
    check(page, width, screenshots, "customer")
    open_view(page, "Audit log", "Audit log")
    expect(page.locator("#audit-list > li")).to_have_count(1)
    check(page, width, screenshots, "audit")

    page.route("**/api/admin/today*", lambda route: route.fulfill(status=503, json={"error": {"code": "x"}}))
    open_view(page, "Today", "Today")
    expect(page.locator("#status")).to_contain_text("briefly unavailable")
    check(page, width, screenshots, "error")


def test_the_desk_works_from_the_keyboard(desk_shop, page: Page) -> None:
    shop = desk_shop
    three_purchases(shop)
    page.goto(f"{shop.url}/admin/")
    expect(page.get_by_role("heading", level=1, name="Sign in to your shop's desk")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    page.keyboard.press("Tab")  # headings are focused by the page, never by Tab
    expect(page.get_by_label("Admin token")).to_be_focused()
    page.keyboard.type("desk-admin-token-for-browser-tests-9")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_focused()
    expect(page.locator("#status")).to_have_attribute("aria-live", "polite")

    nav = page.get_by_role("navigation", name="Desk")
    nav.get_by_role("link", name="Orders").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Orders")).to_be_focused()
    expect(nav.get_by_role("link", name="Orders")).to_have_attribute("aria-current", "page")
    # The skip link moves to the content and leaves the view as it is.
    page.get_by_role("link", name="Skip to the content").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page.get_by_role("heading", level=1, name="Orders")).to_be_visible()
    # The first order, by Tab from the heading through the search form.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('#orders-list') !== null"):
            break
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused.startswith("Order ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=focused)).to_be_focused()
    page.get_by_role("button", name="Refund…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("All that is left ($40.00)")).to_be_focused()  # the newest order: the ticket
    page.keyboard.press("Tab")  # past the radio group (one stop) to the amount
    page.keyboard.press("Tab")  # the reason
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("This cannot be undone.")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Yes, refund $40.00")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Refund…")).to_be_focused()


def test_reduced_motion_stops_the_busy_spinner(desk_shop, page: Page) -> None:
    shop = desk_shop
    signed_in(page, shop)
    open_view(page, "Orders", "Orders")
    page.route("**/api/admin/export.csv", lambda route: None)  # hangs: the button stays busy
    button = page.get_by_role("button", name="Download all orders (CSV)")
    page.emulate_media(reduced_motion="reduce")
    button.click()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    assert button.evaluate("el => getComputedStyle(el, '::after').animationName") == "none"
    page.emulate_media(reduced_motion="no-preference")
    assert button.evaluate("el => getComputedStyle(el, '::after').animationName") == "spin"
