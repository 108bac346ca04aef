"""A membership's whole life in Chromium, as a member lives it: subscribe on the storefront with 4242,
renew a month later, switch to a card that declines when charged, fail a renewal, fix the card
from the payment-failed email's link, cancel in the portal, keep access until the period ends,
and lose it after. Every email is checked at a real SMTP server, each exactly once; access is
asked of `GET /api/access` as the owner's code would.

The storefront and membership page (the test fixtures'), success.html are the kit's; the Checkout page, the
customer portal and the clock are the offline emulator's (docs/emulator.md lists their ids).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.core.conftest import CUSTOMER, MERCHANT, Shop, http, shop_env, start_shop
from tests.e2e.flows import buy_button, expect_state, pay_with_card
from tests.support.smtp import SmtpServer, text_of

pytestmark = pytest.mark.browser
ADMIN = "e2e-admin-token-0123456789abcdef"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/api/portal\?token=\S+)")
DAY = 86400


@pytest.fixture
def shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    s = start_shop(shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, ADMIN_TOKEN=ADMIN), smtp)
    yield s
    s.dev.stop()


def access(shop: Shop) -> dict[str, Any]:
    answer = http("GET", f"{shop.url}/api/access?email={CUSTOMER}&product=membership",
                  headers={"Authorization": f"Bearer {ADMIN}"})
    assert answer.status == 200
    return answer.json()


def mail(shop: Shop, words: str, count: int = 1, to: str = CUSTOMER) -> Any:
    """Wait for the `count`-th email whose subject has `words`; return the newest."""
    found = lambda: [m for m in shop.smtp.to(to) if words in m["Subject"]]  # noqa: E731
    shop.smtp.wait_for(lambda _: len(found()) >= count, timeout=15)
    return found()[-1]


def advance(shop: Shop, days: float) -> None:
    shop.control("clock/advance", {"seconds": days * DAY})


def save_card(page: Page, card: str) -> None:
    page.fill("#cardNumber", card)
    page.fill("#cardExpiry", "12 / 34")
    page.fill("#cardCvc", "123")
    page.fill("#billingName", "Jenny Rosen")
    page.get_by_role("button", name="Save card").click()


def test_a_members_life_from_subscribing_to_the_end(shop: Shop, page: Page) -> None:
    # Subscribe on the storefront with 4242: welcome email, access.
    page.goto(shop.url + "/")
    buy_button(page, "Become a member").click()
    page.wait_for_url(re.compile(r"/c/pay/cs_test_"))
    expect(page.locator("#submit")).to_have_text("Subscribe")
    pay_with_card(page)
    expect_state(page, "paid")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome — your membership is active")
    expect(page.get_by_role("link", name="Manage your membership")).to_have_attribute("href", f"{shop.url}/account.html")
    welcome = mail(shop, "Welcome to Supporter Membership")
    assert "$9.00 per month" in text_of(welcome) and "/api/portal?token=" in text_of(welcome)
    mail(shop, "New member", to=MERCHANT)
    assert access(shop)["access"] is True and access(shop)["status"] == "active"

    # A month later: the renewal's receipt.
    advance(shop, 32)
    renewal = mail(shop, "receipt")
    assert "$9.00" in text_of(renewal)

    # The member switches to a card that declines when charged, through the membership page's link.
    page.get_by_role("link", name="Manage your membership").click()
    page.fill("#portal-email", CUSTOMER)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("If that email has a membership, a link is on its way"))
    link = LINK.search(text_of(mail(shop, "Your link"))).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name="Manage your subscription")).to_be_visible()
    expect(page.locator(".plan-when")).to_contain_text("Renews on")
    page.get_by_role("link", name="Update payment method").click()
    save_card(page, "4000 0000 0000 0341")
    expect(page.locator("#portal-notice")).to_have_text("Your payment method has been saved.")
    expect(page.locator("#payment-method")).to_contain_text("•••• 0341")
    page.get_by_role("link", name=re.compile("Return to")).click()
    assert page.url == shop.url + "/"

    # The next renewal fails: an email with a link that opens the card form; past_due, still a member.
    advance(shop, 31)
    failed = mail(shop, "did not go through")
    assert "$9.00" in text_of(failed)
    assert access(shop)["status"] == "past_due" and access(shop)["access"] is True
    page.goto(LINK.search(text_of(failed)).group(1))
    expect(page.get_by_role("heading", name="Update your payment method")).to_be_visible()
    save_card(page, "4000 0000 0000 0002")  # a card that cannot even be saved: said on the page
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    save_card(page, "4242 4242 4242 4242")
    expect(page.locator("#portal-notice")).to_contain_text("your outstanding invoice is paid")
    mail(shop, "receipt", count=2)
    assert access(shop)["status"] == "active"

    # Cancel in the portal: scheduled for the end of the period, access until then.
    page.get_by_role("link", name="Cancel plan").click()
    expect(page.get_by_text("still available until the end of your billing period")).to_be_visible()
    page.get_by_role("button", name="Cancel plan").click()
    expect(page.locator("#portal-notice")).to_have_text("Your plan will be canceled at the end of the billing period.")
    expect(page.locator(".plan-when")).to_contain_text("Cancels on")
    scheduled = mail(shop, "Your membership ends on")
    granted = access(shop)
    assert granted["access"] is True and granted["cancel_at_period_end"] is True
    assert granted["cancel_at"] == granted["current_period_end"]

    # Past the end: the membership ended email, and no access.
    advance(shop, 32)
    ended = mail(shop, "Your membership has ended")
    mail(shop, "Membership ended", to=MERCHANT)
    assert access(shop)["access"] is False and access(shop)["status"] == "canceled"

    # Every email once, and nothing else.
    shop.settle_deliveries()
    page.wait_for_timeout(300)
    member = sorted(m["Subject"].split(" — ")[0] for m in shop.smtp.to(CUSTOMER))
    assert member == sorted([
        "Welcome to Supporter Membership", renewal["Subject"].split(" — ")[0], failed["Subject"].split(" — ")[0],
        mail(shop, "receipt", count=2)["Subject"].split(" — ")[0], "Your link to your membership at Test Shop",
        scheduled["Subject"].split(" — ")[0], ended["Subject"].split(" — ")[0]])
    assert len({m["Subject"] for m in shop.smtp.to(CUSTOMER)}) == 7  # two receipts, two invoice numbers
    assert sorted(m["Subject"].split(":")[0] for m in shop.smtp.to(MERCHANT)) == ["Membership ended", "New member"]
