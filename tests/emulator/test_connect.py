"""Connected accounts: the Stripe-Account header selects an account with its own objects,
its events say which account they belong to, and Connect endpoints hear only those."""

from __future__ import annotations

import json

import pytest
import stripe

from tests.emulator.conftest import control


def test_each_account_has_its_own_objects(emulator, client):
    mine = client.v1.products.create(params={"name": "Platform poster"})
    theirs = client.v1.products.create(params={"name": "Their poster"}, options={"stripe_account": "acct_seller1"})
    platform_ids = {p.id for p in client.v1.products.list().data}
    seller_ids = {p.id for p in client.v1.products.list(options={"stripe_account": "acct_seller1"}).data}
    assert mine.id in platform_ids and theirs.id not in platform_ids
    assert seller_ids == {theirs.id}
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.products.retrieve(theirs.id)  # not the platform's


def test_a_connected_sale_sends_events_naming_the_account(emulator, client, receiver):
    seller = {"stripe_account": "acct_seller2"}
    price = client.v1.prices.create(params={"product_data": {"name": "Print"}, "unit_amount": 800, "currency": "usd"},
                                    options=seller)
    session = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://shop.example/s", "line_items": [{"price": price.id, "quantity": 1}]},
        options=seller)
    assert control(emulator, f"sessions/{session.id}/pay", {})["result"] == "paid"
    assert client.v1.checkout.sessions.retrieve(session.id, options=seller).payment_status == "paid"
    events = client.v1.events.list(params={"type": "checkout.session.completed"}, options=seller).data
    assert [e.account for e in events] == ["acct_seller2"]
    assert client.v1.events.list(params={"type": "checkout.session.completed"}).data == []  # platform: none
    def completed(received):
        return [e for e in (json.loads(r.body) for r in received) if e["type"] == "checkout.session.completed"]
    delivered = completed(receiver.wait_for(lambda got: bool(completed(got))))
    assert [e["account"] for e in delivered] == ["acct_seller2"]


def test_connect_endpoints_hear_connected_accounts_and_account_endpoints_their_own(emulator, client):
    platform_hook = client.v1.webhook_endpoints.create(params={"url": "http://127.0.0.1:9/platform",
                                                               "enabled_events": ["product.created"]})
    connect_hook = client.v1.webhook_endpoints.create(params={"url": "http://127.0.0.1:9/connect", "connect": True,
                                                              "enabled_events": ["product.created"]})
    client.v1.products.create(params={"name": "P"})
    client.v1.products.create(params={"name": "C"}, options={"stripe_account": "acct_seller3"})
    heard = {}
    for delivery in control(emulator, "deliveries")["data"]:
        heard.setdefault(delivery["endpoint"], set()).add(delivery["account"] or "platform")
    assert heard["http://127.0.0.1:9/platform"] == {"platform"}
    assert heard["http://127.0.0.1:9/connect"] == {"acct_seller3"}
    assert platform_hook.id != connect_hook.id


def test_a_malformed_account_is_refused_as_stripe_does(client):
    with pytest.raises(stripe.PermissionError) as info:
        client.v1.products.list(options={"stripe_account": "not-an-account"})
    assert info.value.http_status == 403
