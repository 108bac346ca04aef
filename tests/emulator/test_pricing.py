"""Discounts, shipping rates, tax and currencies on Checkout Sessions, through the official SDK.

Each case pays the session as a buyer would (the control route runs the hosted page's
own form handling) and checks the amounts Stripe's objects would carry: per-line
discounts and tax, `total_details`, `shipping_cost`, and the identity
total = subtotal - discount + shipping + tax.
"""

from __future__ import annotations

import time

import pytest
import stripe

from checkout_kit.emulator import tax_table
from tests.emulator.conftest import control, new_session


def lines(client, session_id):
    return client.v1.checkout.sessions.line_items.list(session_id).data


def balanced(s) -> bool:
    t = s.total_details
    return s.amount_total == s.amount_subtotal - t.amount_discount + t.amount_shipping + t.amount_tax


def test_percent_coupon_on_create_discounts_each_line(client, catalog):
    coupon = client.v1.coupons.create(params={"percent_off": 25, "duration": "once", "name": "Quarter off"})
    s = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://x.example/s", "discounts": [{"coupon": coupon.id}],
        "line_items": [{"price": catalog["ebook"].id, "quantity": 1}, {"price": catalog["shirt"].id, "quantity": 2}]})
    assert (s.amount_subtotal, s.total_details.amount_discount, s.amount_total) == (6500, 1625, 4875)
    assert [(li.amount_subtotal, li.amount_discount, li.amount_total) for li in lines(client, s.id)] == \
        [(1500, 375, 1125), (5000, 1250, 3750)]
    assert s.discounts[0].coupon == coupon.id and balanced(s)


def test_amount_coupon_restricted_to_a_product_touches_only_that_line(client, catalog):
    shirt_product = catalog["shirt"].product
    coupon = client.v1.coupons.create(params={"amount_off": 700, "currency": "usd",
                                              "applies_to": {"products": [shirt_product]}})
    s = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://x.example/s", "discounts": [{"coupon": coupon.id}],
        "line_items": [{"price": catalog["ebook"].id, "quantity": 1}, {"price": catalog["shirt"].id, "quantity": 1}]})
    assert [li.amount_discount for li in lines(client, s.id)] == [0, 700]
    assert s.amount_total == 1500 + 2500 - 700
    shown = client.v1.coupons.retrieve(coupon.id, params={"expand": ["applies_to"]})
    assert shown.applies_to.products == [shirt_product]
    with pytest.raises(stripe.InvalidRequestError) as info:  # nothing in the cart it applies to
        new_session(client, catalog["ebook"].id, discounts=[{"coupon": coupon.id}])
    assert info.value.code == "coupon_not_applicable"


def test_promotion_code_typed_on_the_page_is_counted_and_runs_out(emulator, client, catalog):
    coupon = client.v1.coupons.create(params={"percent_off": 10, "duration": "forever"})
    promo = client.v1.promotion_codes.create(params={"promotion": {"type": "coupon", "coupon": coupon.id},
                                                     "code": "SPRING10", "max_redemptions": 1})
    s = new_session(client, catalog["shirt"].id, allow_promotion_codes=True)
    assert control(emulator, f"sessions/{s.id}/pay", {"promotion_code": "spring10"})["result"] == "paid"
    paid = client.v1.checkout.sessions.retrieve(s.id)
    assert paid.total_details.amount_discount == 250 and paid.amount_total == 2250
    assert paid.discounts[0].promotion_code == promo.id
    assert client.v1.promotion_codes.retrieve(promo.id).times_redeemed == 1
    assert client.v1.coupons.retrieve(coupon.id).times_redeemed == 1
    again = new_session(client, catalog["shirt"].id, allow_promotion_codes=True)
    answer = control(emulator, f"sessions/{again.id}/pay", {"promotion_code": "SPRING10"})
    assert answer["result"] == "invalid" and answer["field"] == "promotionCode"
    assert client.v1.promotion_codes.list(params={"code": "spring10"}).data[0].id == promo.id


def test_expired_and_exhausted_coupons_are_refused(client, catalog):
    soon = client.v1.coupons.create(params={"percent_off": 5, "redeem_by": int(time.time()) + 2})
    once = client.v1.coupons.create(params={"percent_off": 5, "max_redemptions": 1})
    once_session = new_session(client, catalog["ebook"].id, discounts=[{"coupon": once.id}])
    assert once_session.total_details.amount_discount == 75
    time.sleep(2.2)
    with pytest.raises(stripe.InvalidRequestError) as info:
        new_session(client, catalog["ebook"].id, discounts=[{"coupon": soon.id}])
    assert info.value.param == "discounts[0][coupon]"
    assert client.v1.coupons.retrieve(soon.id).valid is False
    with pytest.raises(stripe.InvalidRequestError):
        new_session(client, catalog["ebook"].id, discounts=[{"coupon": once.id}], allow_promotion_codes=True)


def test_repeating_coupon_needs_months_and_percent_xor_amount(client):
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.coupons.create(params={"percent_off": 5, "duration": "repeating"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.coupons.create(params={"percent_off": 5, "amount_off": 100, "currency": "usd"})
    c = client.v1.coupons.create(params={"percent_off": 5, "duration": "repeating", "duration_in_months": 3})
    assert (c.duration, c.duration_in_months) == ("repeating", 3)


def test_shipping_options_default_to_the_first_and_the_buyer_chooses(emulator, client, catalog):
    express = client.v1.shipping_rates.create(params={
        "display_name": "Express", "type": "fixed_amount", "fixed_amount": {"amount": 1500, "currency": "usd"},
        "delivery_estimate": {"minimum": {"unit": "business_day", "value": 1},
                              "maximum": {"unit": "business_day", "value": 2}}})
    s = new_session(client, catalog["shirt"].id, shipping_address_collection={"allowed_countries": ["US"]},
                    shipping_options=[{"shipping_rate_data": {"display_name": "Standard", "type": "fixed_amount",
                                                              "fixed_amount": {"amount": 500, "currency": "usd"}}},
                                      {"shipping_rate": express.id}])
    assert [o.shipping_amount for o in s.shipping_options] == [500, 1500]
    assert s.shipping_cost.amount_total == 500 and s.amount_total == 3000
    answer = control(emulator, f"sessions/{s.id}/pay", {"shipping_rate": express.id, "shipping": {
        "shippingName": "Jo", "shippingAddressLine1": "1 Main St", "shippingLocality": "Town",
        "shippingPostalCode": "12345", "shippingCountry": "US"}})
    assert answer["result"] == "paid"
    paid = client.v1.checkout.sessions.retrieve(s.id, params={"expand": ["payment_intent"]})
    assert paid.shipping_cost.shipping_rate == express.id and paid.total_details.amount_shipping == 1500
    assert paid.amount_total == 4000 == paid.payment_intent.amount and balanced(paid)


def test_automatic_tax_uses_the_documented_table_on_lines_and_shipping(emulator, client, catalog):
    coupon = client.v1.coupons.create(params={"amount_off": 500, "currency": "usd"})
    s = new_session(client, catalog["shirt"].id, 2, automatic_tax={"enabled": True},
                    discounts=[{"coupon": coupon.id}], shipping_address_collection={"allowed_countries": ["DE"]},
                    shipping_options=[{"shipping_rate_data": {"display_name": "Post", "type": "fixed_amount",
                                                              "fixed_amount": {"amount": 1000, "currency": "usd"}}}])
    assert s.automatic_tax.status == "requires_location_inputs" and s.total_details.amount_tax == 0
    control(emulator, f"sessions/{s.id}/pay", {"shipping": {
        "shippingName": "Jo", "shippingAddressLine1": "Str 1", "shippingLocality": "Berlin",
        "shippingPostalCode": "10115", "shippingCountry": "DE"}})
    paid = client.v1.checkout.sessions.retrieve(s.id)
    # DE is 19%: (5000 - 500) * 19% = 855 on the line, 1000 * 19% = 190 on shipping
    assert (paid.total_details.amount_tax, paid.shipping_cost.amount_tax) == (1045, 190)
    assert paid.amount_total == 5000 - 500 + 1000 + 1045 and balanced(paid)
    line = lines(client, s.id)[0]
    assert (line.amount_tax, line.taxes[0].rate.id, line.taxes[0].rate.percentage) == (855, "txr_emuDE", 19.0)
    assert client.v1.tax_rates.retrieve("txr_emuDE").display_name == tax_table.LABEL
    assert paid.automatic_tax.status == "complete"


def test_tax_country_from_the_billing_country_when_no_shipping_is_asked(emulator, client, catalog):
    s = new_session(client, catalog["ebook"].id, automatic_tax={"enabled": True})
    control(emulator, f"sessions/{s.id}/pay", {"country": "GB"})
    assert client.v1.checkout.sessions.retrieve(s.id).total_details.amount_tax == 300  # 20% of 1500
    other = new_session(client, catalog["ebook"].id, automatic_tax={"enabled": True})
    control(emulator, f"sessions/{other.id}/pay", {"country": "BR"})  # not in the table: no tax
    assert client.v1.checkout.sessions.retrieve(other.id).amount_total == 1500


def test_currency_options_price_the_session_and_a_missing_currency_is_refused(client, catalog):
    product = catalog["ebook"].product
    price = client.v1.prices.create(params={"product": product, "unit_amount": 1500, "currency": "usd",
                                            "currency_options": {"eur": {"unit_amount": 1400},
                                                                 "jpy": {"unit_amount": 2200}}})
    eur = new_session(client, price.id, 2, currency="eur")
    assert (eur.currency, eur.amount_total) == ("eur", 2800)
    assert lines(client, eur.id)[0].currency == "eur"
    assert new_session(client, price.id, currency="jpy").amount_total == 2200
    with pytest.raises(stripe.InvalidRequestError) as info:
        new_session(client, price.id, currency="gbp")
    assert info.value.code == "currency_unavailable" and info.value.param == "line_items[0][price]"


def test_rounding_is_half_up_and_integer():
    assert tax_table.percent_of(1999, 19.0) == 380  # 379.81
    assert tax_table.percent_of(10, 5.0) == 1  # 0.5 rounds up
    assert tax_table.half_up(1, 2) == 1 and tax_table.half_up(1, 3) == 0


def test_the_seed_keeps_a_price_as_created_unless_asked_to_reprice_it(emulator, client):
    product = {"id": "prod_seeded", "name": "Poster"}
    price = {"id": "price_seeded", "product": "prod_seeded", "currency": "usd", "unit_amount": 1200,
             "lookup_key": "poster", "currency_options": {"eur": {"unit_amount": 1100}}}
    assert control(emulator, "seed", {"products": [product], "prices": [price]})["prices"] == ["price_seeded"]
    dearer = {**price, "unit_amount": 1900}
    # Stripe's prices never change: a plain seed leaves it, and so does a reprice with the same terms.
    assert control(emulator, "seed", {"prices": [dearer]})["repriced"] == []
    assert control(emulator, "seed", {"prices": [price], "reprice": True})["repriced"] == []
    assert client.v1.prices.retrieve("price_seeded").unit_amount == 1200
    # Asked to (the dev shop following catalog.toml): new terms, same id, lookup key and place in lists.
    assert control(emulator, "seed", {"prices": [dearer], "reprice": True})["repriced"] == ["price_seeded"]
    again = client.v1.prices.retrieve("price_seeded", params={"expand": ["currency_options"]})
    assert (again.unit_amount, again.lookup_key, again.currency_options["eur"].unit_amount) == (1900, "poster", 1100)
    euros = {**dearer, "currency_options": {"eur": {"unit_amount": 1700}}}
    assert control(emulator, "seed", {"prices": [euros], "reprice": True})["repriced"] == ["price_seeded"]
    assert client.v1.prices.retrieve("price_seeded", params={"expand": ["currency_options"]}) \
        .currency_options["eur"].unit_amount == 1700
    assert [p.id for p in client.v1.prices.list().data] == ["price_seeded"]
    # Terms Stripe would refuse are refused, and the price stays as it was.
    refused = control(emulator, "seed", {"prices": [{**price, "unit_amount": 150000000}], "reprice": True})
    assert refused["status"] == 400
    assert client.v1.prices.retrieve("price_seeded").unit_amount == 1900
    assert [p.id for p in client.v1.prices.list().data] == ["price_seeded"]
