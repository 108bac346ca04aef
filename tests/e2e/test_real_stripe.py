"""A subset of the e2e flows against real Stripe test mode: 4242 pays, 0002 is declined,
Back cancels. Runs only with STRIPE_SECRET_KEY=sk_test_… and network access, once your
account has a price with the lookup key `ebook` (`python -m checkout_kit catalog push` on
the demo catalog creates it); skipped with the reason otherwise. The fixture storefront
buys it by that lookup key, so no price id of your account needs to be written anywhere.

Webhooks are optional here: success.html fulfills the order itself (Stripe's "fulfill from
the landing page too"). To test them as well, set STRIPE_WEBHOOK_SECRET and
CHECKOUT_KIT_E2E_PORT and run `stripe listen --forward-to http://127.0.0.1:$PORT/api/webhook`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.core.conftest import CUSTOMER, FIXTURE_SITE, Shop, shop_env
from tests.e2e.flows import CARD_DECLINED, CARD_OK, add_button, expect_state, receipts_after_settling
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser
STRIPE_CHECKOUT = "https://checkout.stripe.com/c/pay/**"
LOOKUP_KEY = "ebook"  # the fixture catalog's e-book, and the demo catalog's


def _why_not() -> str | None:
    key = os.environ.get("STRIPE_SECRET_KEY", "")
    if not key.startswith(("sk_test_", "rk_test_")):
        return "real Stripe test mode needs STRIPE_SECRET_KEY=sk_test_… (never a live key)"
    try:
        socket.create_connection(("api.stripe.com", 443), timeout=3).close()
    except OSError as exc:
        return f"no network to api.stripe.com ({exc})"
    import stripe

    try:
        found = stripe.StripeClient(key).v1.prices.list(params={"lookup_keys": [LOOKUP_KEY], "active": True}).data
    except stripe.StripeError as exc:
        return f"Stripe refused to list prices ({exc.user_message or exc})"
    if not found:
        return (f"no active price with the lookup key {LOOKUP_KEY!r} in this Stripe account: run "
                "`python -m checkout_kit catalog push` with the demo catalog")
    return None


REASON = _why_not()
if REASON:
    pytest.skip(REASON, allow_module_level=True)


@pytest.fixture
def live_shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    from checkout_kit.devserver import DevShop

    env = shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, STRIPE_SECRET_KEY=os.environ["STRIPE_SECRET_KEY"])
    if os.environ.get("STRIPE_WEBHOOK_SECRET"):
        env["STRIPE_WEBHOOK_SECRET"] = os.environ["STRIPE_WEBHOOK_SECRET"]
    dev = DevShop(port=int(os.environ.get("CHECKOUT_KIT_E2E_PORT", "0")), emulator_port=0, env=env,
                  site=FIXTURE_SITE).start()
    yield Shop(dev, smtp)
    dev.stop()


def pay_on_stripe(page: Page, card: str) -> None:
    """Stripe's hosted page uses the same field ids as the emulator's."""
    page.fill("#email", CUSTOMER)
    accordion = page.locator('[data-testid="card-accordion-item-button"]')
    if accordion.count() and accordion.is_visible():
        accordion.click()
    page.fill("#cardNumber", card)
    page.fill("#cardExpiry", "12 / 34")
    page.fill("#cardCvc", "123")
    page.fill("#billingName", "Jenny Rosen")
    if page.locator("#billingPostalCode").is_visible():
        page.fill("#billingPostalCode", "12345")
    page.locator('[data-testid="hosted-payment-submit-button"], button[type="submit"]').first.click()


def buy_by_lookup_key(page: Page, shop: Shop) -> None:
    """A button naming the price by lookup key, added to the fixture storefront, pressed."""
    page.goto(shop.url + "/")
    add_button(page, "Buy by lookup key", lookupKey=LOOKUP_KEY).click()


def test_4242_pays_on_real_stripe(live_shop: Shop, page: Page) -> None:
    buy_by_lookup_key(page, live_shop)
    page.wait_for_url(STRIPE_CHECKOUT, timeout=30_000)
    pay_on_stripe(page, CARD_OK)
    page.wait_for_url(live_shop.url + "/success.html**", timeout=60_000)
    expect_state(page, "paid", timeout=30_000)
    expect(page.locator('[data-state="paid"]')).to_contain_text(CUSTOMER)
    assert len(receipts_after_settling(live_shop, timeout=30)) == 1


def test_0002_is_declined_on_real_stripe(live_shop: Shop, page: Page) -> None:
    buy_by_lookup_key(page, live_shop)
    page.wait_for_url(STRIPE_CHECKOUT, timeout=30_000)
    pay_on_stripe(page, CARD_DECLINED)
    expect(page.get_by_text("declined", exact=False).first).to_be_visible(timeout=30_000)
    assert page.url.startswith("https://checkout.stripe.com/")


def test_back_on_real_stripe_cancels(live_shop: Shop, page: Page) -> None:
    buy_by_lookup_key(page, live_shop)
    page.wait_for_url(STRIPE_CHECKOUT, timeout=30_000)
    page.locator('[data-testid="business-link"]').first.click()
    page.wait_for_url(live_shop.url + "/canceled.html", timeout=30_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("nothing was charged")
