"""A buyer in Chromium types a promotion code, chooses a shipping option and pays with tax:
the hosted page, the success page, the receipt and the stored order show the same amounts."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from checkout_kit.money import format_amount
from tests.core.conftest import CUSTOMER, FIXTURES, Shop, shop_env, start_shop
from tests.e2e.flows import CARD_OK, expect_state, receipts_after_settling, row_texts
from tests.support.smtp import SmtpServer, text_of


@pytest.fixture
def pay_shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    s = start_shop(shop_env(f"sqlite:///{tmp_path}/orders.db", smtp,
                            CATALOG_PATH=str(FIXTURES / "catalog-payments.toml")), smtp)
    yield s
    s.dev.stop()


def test_code_shipping_and_tax_agree_on_every_page(pay_shop: Shop, page: Page) -> None:
    shop = pay_shop
    started = shop.checkout({"priceId": "price_pay_kit", "quantity": 2}).json()
    page.goto(started["url"])
    expect(page.locator("#amount-total")).to_have_text("$55.00")  # 2 × 25.00 + Standard 5.00
    page.fill("#promotionCode", "FIVER")
    page.locator("#apply-code").click()
    expect(page.locator("#applied-code")).to_contain_text("FIVER")
    expect(page.locator("#amount-discount")).to_have_text("-$5.00")
    page.fill("#email", CUSTOMER)
    page.fill("#shippingName", "Jana Roth")
    page.select_option("#shippingCountry", "DE")
    page.fill("#shippingAddressLine1", "Torstr. 1")
    page.fill("#shippingLocality", "Berlin")
    page.fill("#shippingPostalCode", "10115")
    page.get_by_label("Express", exact=False).check()
    page.fill("#cardNumber", CARD_OK)
    page.fill("#cardExpiry", "12 / 34")
    page.fill("#cardCvc", "123")
    page.fill("#billingName", "Jana Roth")
    page.locator("#submit").click()
    expect_state(page, "paid")

    session = shop.emulator.state.objects["checkout.session"][started["id"]]
    details = session["total_details"]
    # 50.00 - 5.00 + Express 15.00; DE 19%: 8.55 + 2.85
    assert (details["amount_discount"], details["amount_shipping"], details["amount_tax"], session["amount_total"]) == \
        (500, 1500, 1140, 7140)
    shown = {row: page.locator(f'[data-total-row="{row}"] td').inner_text() for row in
             ("subtotal", "discount", "shipping", "tax")}
    assert shown == {"subtotal": "$50.00", "discount": "-$5.00", "shipping": "$15.00", "tax": "$11.40"}
    expect(page.locator('[data-field="total"]')).to_have_text("$71.40")
    assert row_texts(page) == [["Repair Kit", "2", "$50.00"]]  # lines before discount and tax add up to the subtotal
    expect(page.locator('[data-total-row="discount"] th')).to_contain_text("FIVER")
    expect(page.locator('[data-total-row="shipping"] th')).to_contain_text("Express")

    receipt = text_of(receipts_after_settling(shop)[0])
    for line in ("2 × Repair Kit  $50.00", "Subtotal: $50.00", "Discount (FIVER): -$5.00", "Shipping (Express): $15.00", "Tax: $11.40",
                 "Total paid: $71.40"):
        assert line in receipt, (line, receipt)
    totals = shop.store.get_order(started["id"]).totals
    assert (totals.amount_subtotal, totals.amount_discount, totals.amount_shipping, totals.amount_tax) == \
        (50_00, 5_00, 15_00, 11_40)
    assert format_amount(session["amount_total"], "usd") == "$71.40"
