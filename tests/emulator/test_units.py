"""Pure pieces of the emulator: form decoding, test-card rules, signatures, money."""

from __future__ import annotations

import time

import pytest

from checkout_kit.emulator import cards
from checkout_kit.emulator.errors import StripeError
from checkout_kit.emulator.formdata import decode
from checkout_kit.money import format_amount


def test_decode_nested_lists_and_dicts():
    pairs = [("line_items[0][price]", "price_a"), ("line_items[0][quantity]", "2"),
             ("line_items[1][price]", "price_b"), ("metadata[kit]", "x"), ("expand[]", "a"), ("expand[]", "b"),
             ("lookup_keys[0]", "k1"), ("lookup_keys[1]", "k2")]
    assert decode(pairs) == {
        "line_items": [{"price": "price_a", "quantity": "2"}, {"price": "price_b"}],
        "metadata": {"kit": "x"}, "expand": ["a", "b"], "lookup_keys": ["k1", "k2"],
    }


def test_decode_orders_indices_numerically():
    pairs = [(f"items[{i}]", str(i)) for i in (10, 2, 0, 1, 3, 4, 5, 6, 7, 8, 9)]
    assert decode(pairs) == {"items": [str(i) for i in range(11)]}


def test_decode_rejects_garbled_names():
    with pytest.raises(StripeError):
        decode([("a]b[", "1")])


@pytest.mark.parametrize("number,kind", [
    ("4242424242424242", cards.PAY), ("4000000000000002", cards.DECLINE), ("4000002760003184", cards.CHALLENGE),
    ("4111111111111111", cards.PAY),  # any other valid number pays, as in Stripe test mode
])
def test_outcomes(number, kind):
    assert cards.attempt(cards.parse_card(number, "12/34", "123")).kind == kind


@pytest.mark.parametrize("number,expiry,cvc,code", [
    ("", "12/34", "123", "incomplete_number"),
    ("4242 4242 4242 4241", "12/34", "123", "invalid_number"),  # fails Luhn: refused before any charge
    ("4242424242424242", "13/34", "123", "invalid_expiry_month"),
    ("4242424242424242", "1/20", "123", "invalid_expiry_year_past"),
    ("4242424242424242", "12/34", "12", "incomplete_cvc"),
    ("378282246310005", "12/34", "123", "incomplete_cvc"),  # amex wants four digits
])
def test_form_errors(number, expiry, cvc, code):
    with pytest.raises(cards.FormError) as info:
        cards.parse_card(number, expiry, cvc, today=time.gmtime(1_800_000_000))
    assert info.value.code == code


def test_card_details():
    card = cards.parse_card("5555 5555 5555 4444", "04 / 2031", "999")
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("mastercard", "4444", 4, 2031)


@pytest.mark.parametrize("amount,currency,text", [
    (1999, "usd", "$19.99"), (500, "jpy", "¥500"), (123456, "eur", "€1,234.56"), (1000, "pln", "10.00 PLN"),
    (1500, "kwd", "1.500 KWD"),
])
def test_format_amount(amount, currency, text):
    assert format_amount(amount, currency) == text
