"""The owner's desk in the browser, shared by its e2e tests: the shop with an admin token and
the test catalog, purchases made as Stripe would complete them, signing in, and the axe-core
scan (vendored, test-only: tests/e2e/vendor/README.md)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.core.conftest import Shop, buy

TOKEN = "desk-admin-token-for-browser-tests-9"
VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "axe.min.js"
# A path the shop never serves: the test answers it with axe, so the page loads it as one of its
# own scripts under its strict CSP (script-src 'self'), the production policy unchanged.
AXE_URL = "/__tests__/axe.min.js"


def three_purchases(shop: Shop) -> dict[str, str]:
    """An e-book, two T-shirts (to ship) and a ticket, by three customers."""
    bought = {"ebook": buy(shop, "price_test_ebook", email="ann@example.com"),
              "tshirt": buy(shop, "price_test_tshirt", 2, email="bob@example.com"),
              "ticket": buy(shop, "price_test_ticket", email="cat@example.com")}
    shop.settle_deliveries()
    return bought


def sign_in(page: Page, shop: Shop, token: str = TOKEN) -> None:
    page.goto(f"{shop.url}/admin/")
    page.get_by_label("Admin token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page: Page, shop: Shop) -> None:
    sign_in(page, shop)
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    expect(page.locator("#today-cards .card").first).to_be_visible()


def open_view(page: Page, name: str, heading: str) -> None:
    page.get_by_role("navigation", name="Desk").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_focused()
    expect(page.locator("main section[aria-busy]")).to_have_count(0)


def status(page: Page) -> Any:
    return page.locator("#status")


def pinned_axe() -> Path:
    """axe.min.js, checked against the version and checksum its README pins."""
    readme = (VENDOR / "README.md").read_text()
    version = re.search(r"axe-core \*\*([\d.]+)\*\*", readme).group(1)
    checksum = re.search(r"sha256 `([0-9a-f]{64})`", readme).group(1)
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == checksum, "axe.min.js differs from the pinned one"
    assert AXE.read_text()[:40].startswith(f"/*! axe v{version}")
    return AXE


def serve_axe(page: Page) -> None:
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(pinned_axe()), content_type="text/javascript"))


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core in the page (WCAG 2.x A/AA rules and best practices); the violations of these impacts."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(url=AXE_URL)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}));
    }""")
    return [v for v in found if v["impact"] in impacts]


def scroll_width(page: Page) -> int:
    """How wide the page is: no sideways scrolling means at most the viewport's width."""
    return page.evaluate("document.documentElement.scrollWidth")
