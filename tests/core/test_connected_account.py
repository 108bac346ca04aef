"""Selling on a connected account (STRIPE_ACCOUNT): every Stripe call carries the
Stripe-Account header, and the webhook acts on that account's events only.

The emulator keeps each account's objects apart, so a call that forgot the header
would not find the session, and an order recorded here proves the whole path
(create, pay, event, re-read, fulfill) used the connected account.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.core.conftest import Shop

SELLER = "acct_1SellerTest"


@pytest.fixture
def seller_shop(make_shop: Any) -> Shop:
    return make_shop(STRIPE_ACCOUNT=SELLER)


def test_a_sale_on_the_connected_account_is_recorded(seller_shop: Shop) -> None:
    shop = seller_shop
    session_id = shop.new_session("price_test_ebook")
    seller_state = shop.emulator.accounts[SELLER]
    assert session_id in seller_state.objects["checkout.session"]
    assert session_id not in shop.emulator.state.objects["checkout.session"]  # nothing on the platform
    assert shop.pay(session_id)["result"] == "paid"
    order = shop.wait_order(session_id)
    assert order.amount_total == 1500
    shop.smtp.wait_for(lambda _: len(shop.receipts()) == 1)
    completed = [e for e in seller_state.objects["event"].values() if e["type"] == "checkout.session.completed"]
    assert [e["account"] for e in completed] == [SELLER]


def test_events_of_other_accounts_are_acknowledged_and_ignored(seller_shop: Shop) -> None:
    shop = seller_shop
    session_id = shop.new_session("price_test_ebook")
    shop.emulator.deliverer.endpoints.clear()  # deliver by hand below, as Stripe would to this endpoint
    shop.pay(session_id)
    event = next(e for e in shop.emulator.accounts[SELLER].objects["event"].values()
                 if e["type"] == "checkout.session.completed")
    for account in ("acct_1SomeoneElse", None):  # another connected account; the platform itself
        other = copy.deepcopy(event)
        other["id"] = f"evt_other_{account}"
        other["account"] = account
        answer = shop.deliver(other)
        assert answer.status == 200 and answer.json()["outcome"] == "ignored"
    assert shop.store.get_order(session_id) is None
    assert shop.deliver(event).json()["outcome"] == "fulfilled"
    assert shop.store.get_order(session_id).status == "paid"


def test_without_stripe_account_connect_events_are_not_the_shops(shop: Shop) -> None:
    session_id = shop.new_session("price_test_ebook")
    shop.emulator.deliverer.endpoints.clear()
    shop.pay(session_id)
    event = next(e for e in shop.emulator.state.objects["event"].values() if e["type"] == "checkout.session.completed")
    foreign = dict(event, id="evt_connect_1", account="acct_1Somebody")
    assert shop.deliver(foreign).json()["outcome"] == "ignored"
    assert shop.deliver(event).json()["outcome"] == "fulfilled"


def test_stripe_account_must_look_like_an_account_id() -> None:
    from checkout_kit.config import ConfigError, from_env
    with pytest.raises(ConfigError) as info:
        from_env({"STRIPE_ACCOUNT": "my-shop"})
    assert info.value.variable == "STRIPE_ACCOUNT"
    assert from_env({"STRIPE_ACCOUNT": SELLER}).stripe_account == SELLER
