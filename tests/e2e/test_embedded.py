"""Embedded Checkout in Chromium: the payment form inside the owner's own page.

`site/pay-here.html` has a button with `data-checkout="embedded" data-mount="#checkout"`;
js/embedded-checkout.js asks /api/config which Stripe.js to load (offline: the emulator's
stand-in), and the form is framed from the emulator's origin into the page. Paying there
lands on success.html. Every page runs under the strict CSP, watched for violations.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import FrameLocator, Page, expect

from tests.core.conftest import CUSTOMER
from tests.e2e.flows import CARD_3DS, CARD_DECLINED, CARD_OK, expect_state, receipts_after_settling, row_texts
from tests.support.smtp import text_of


def open_embedded(page: Page, shop) -> FrameLocator:
    page.goto(shop.url + "/pay-here.html")
    page.get_by_role("button", name="Pay on this page").click()
    frame = page.frame_locator("#checkout iframe")
    expect(frame.locator("#total-amount")).to_have_text("$15.00")
    return frame


def pay_in(frame: FrameLocator, card: str) -> None:
    frame.locator("#email").fill(CUSTOMER)
    frame.locator("#billingName").fill("Jenny Rosen")
    frame.locator("#cardNumber").fill(card)
    frame.locator("#cardExpiry").fill("12 / 34")
    frame.locator("#cardCvc").fill("123")
    frame.locator("#submit").click()


def embedded_session(shop) -> str:
    sessions = [s for s in shop.emulator.state.objects["checkout.session"].values() if s["ui_mode"] == "embedded_page"]
    assert len(sessions) == 1
    return sessions[0]["id"]


def test_config_names_the_key_mode_and_the_stand_in(shop) -> None:
    with urllib.request.urlopen(shop.url + "/api/config") as answer:
        config = json.loads(answer.read())
    assert config == {"publishableKey": "pk_test_emulator", "mode": "test",
                      "stripeJs": f"{shop.emulator.url}/js/stripe.js"}


def test_pay_with_4242_inside_the_page_then_the_success_page(shop, page: Page) -> None:
    frame = open_embedded(page, shop)
    assert page.url == shop.url + "/pay-here.html"  # the buyer never left the page
    src = page.locator("#checkout iframe").get_attribute("src")
    assert src.startswith(f"{shop.emulator.url}/c/embedded/cs_test_") and "client_secret=" in src
    pay_in(frame, CARD_OK)
    page.wait_for_url(shop.url + "/success.html*")
    expect_state(page, "paid")
    assert row_texts(page) == [["The Static Shop Handbook", "1", "$15.00"]]
    session_id = embedded_session(shop)
    assert shop.wait_order(session_id).amount_total == 1500
    receipts = receipts_after_settling(shop)
    assert len(receipts) == 1 and "$15.00" in text_of(receipts[0])


def test_3d_secure_inside_the_frame(shop, page: Page) -> None:
    frame = open_embedded(page, shop)
    pay_in(frame, CARD_3DS)
    frame.get_by_role("button", name="Complete").click()
    page.wait_for_url(shop.url + "/success.html*")
    expect_state(page, "paid")
    assert shop.wait_order(embedded_session(shop)).status == "paid"


def test_a_decline_shows_in_the_frame_and_the_buyer_pays_again(shop, page: Page) -> None:
    frame = open_embedded(page, shop)
    pay_in(frame, CARD_DECLINED)
    expect(frame.get_by_role("alert")).to_contain_text("declined")
    assert page.url == shop.url + "/pay-here.html"
    assert shop.store.get_order(embedded_session(shop)) is None
    frame.locator("#cardNumber").fill(CARD_OK)
    frame.locator("#submit").click()
    page.wait_for_url(shop.url + "/success.html*")
    expect_state(page, "paid")


def test_the_emulator_frames_its_form_only_into_the_shop(shop) -> None:
    """The embedded page may be framed by the return_url's origin alone; a wrong secret gets nothing."""
    answer = shop.checkout({"priceId": "price_test_ebook", "uiMode": "embedded"})
    body = answer.json()
    assert set(body) == {"id", "clientSecret"} and body["clientSecret"].startswith(body["id"] + "_secret_")
    with urllib.request.urlopen(f"{shop.emulator.url}/c/embedded/{body['id']}?client_secret={body['clientSecret']}") as r:
        assert r.headers["Content-Security-Policy"].startswith(f"frame-ancestors {shop.url};")
        assert "X-Frame-Options" not in r.headers
    try:
        urllib.request.urlopen(f"{shop.emulator.url}/c/embedded/{body['id']}?client_secret=wrong")
        raise AssertionError("a wrong client secret opened the form")
    except urllib.error.HTTPError as err:
        assert err.code == 404
