"""Screenshots of what customers see, at phone and desktop widths, written to
test-results/screenshots/ for a person to look at (the checks here are only that each page
fits its width and shows what it should)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import expect_state, pay_with_card, start_checkout

pytestmark = pytest.mark.browser
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def shoot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Nothing may be wider than the screen (no sideways scrolling on a phone).
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", WIDTHS)
def test_screenshots_of_the_shop_checkout_and_landing_pages(shop, page: Page, screenshots: Path, size: str) -> None:
    width, height = WIDTHS[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(shop.url + "/")
    expect(page.get_by_role("button", name="Buy the e-book")).to_be_visible()
    shoot(page, screenshots, f"storefront-{size}")

    page.goto(shop.url + "/button-outside-a-form.html")
    shoot(page, screenshots, f"button-outside-a-form-{size}")

    page.goto(shop.url + "/")
    page.get_by_label("Quantity").fill("2")
    start_checkout(page, shop, "Buy T-shirts")
    shoot(page, screenshots, f"hosted-checkout-{size}")
    pay_with_card(page)
    expect_state(page, "paid")
    shoot(page, screenshots, f"success-{size}")

    page.goto(shop.url + "/canceled.html")
    shoot(page, screenshots, f"canceled-{size}")
    page.goto(shop.url + "/success.html")
    expect_state(page, "paid")  # same tab: the order is remembered
    page.goto(shop.url + "/success.html?session_id=cs_test_unknown000")
    expect_state(page, "missing")
    shoot(page, screenshots, f"success-missing-{size}")
