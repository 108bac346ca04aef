"""The official stripe SDK drives the emulator's API exactly as it would drive Stripe."""

from __future__ import annotations

import time
import urllib.request

import pytest
import stripe

from checkout_kit.stripe_version import API_VERSION
from tests.emulator.conftest import control, new_session


def test_pinned_api_version_matches_the_sdk():
    assert API_VERSION == stripe.api_version


class TestAuth:
    def test_any_test_key_sees_the_same_account(self, emulator, client):
        product = client.v1.products.create(params={"name": "Shared"})
        other = stripe.StripeClient("sk_test_someone_else", base_addresses={"api": emulator.url})
        assert other.v1.products.retrieve(product.id).name == "Shared"

    def test_live_key_is_refused(self, emulator):
        live = stripe.StripeClient("sk_live_abc", base_addresses={"api": emulator.url})
        with pytest.raises(stripe.AuthenticationError) as info:
            live.v1.products.list()
        assert info.value.http_status == 401
        assert "live" in info.value.user_message

    def test_missing_key_is_401(self, emulator):
        req = urllib.request.Request(f"{emulator.url}/v1/products")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req)
        assert info.value.code == 401
        assert b'"type": "invalid_request_error"' in info.value.read()

    def test_publishable_key_is_not_a_secret_key(self, emulator):
        bad = stripe.StripeClient("pk_test_abc", base_addresses={"api": emulator.url})
        with pytest.raises(stripe.AuthenticationError):
            bad.v1.products.list()


class TestProductsAndPrices:
    def test_create_retrieve_update_list_products(self, client):
        product = client.v1.products.create(params={"name": "Guide", "description": "A book", "metadata": {"sku": "b1"}})
        assert product.id.startswith("prod_") and product.active and product.metadata["sku"] == "b1"
        updated = client.v1.products.update(product.id, params={"name": "Guide 2e", "metadata": {"sku": ""}})
        assert updated.name == "Guide 2e" and "sku" not in updated.metadata.to_dict()
        client.v1.products.update(product.id, params={"active": False})
        assert [p.id for p in client.v1.products.list(params={"active": False}).data] == [product.id]
        assert client.v1.products.list(params={"active": True}).data == []

    def test_product_with_chosen_id_and_duplicate(self, client):
        client.v1.products.create(params={"id": "prod_ebook", "name": "E-book"})
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.products.create(params={"id": "prod_ebook", "name": "Again"})
        assert info.value.code == "resource_already_exists"

    def test_one_time_and_recurring_prices(self, catalog):
        assert catalog["ebook"].type == "one_time" and catalog["ebook"].recurring is None
        monthly = catalog["monthly"]
        assert monthly.type == "recurring"
        assert monthly.recurring.interval == "month" and monthly.recurring.interval_count == 1
        assert monthly.unit_amount == 900 and monthly.currency == "usd"

    def test_lookup_keys_filter_and_transfer(self, client, catalog):
        found = client.v1.prices.list(params={"lookup_keys": ["ebook"]}).data
        assert [p.id for p in found] == [catalog["ebook"].id]
        product = client.v1.products.create(params={"name": "E-book v2"})
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.prices.create(params={"product": product.id, "unit_amount": 1800, "currency": "usd",
                                            "lookup_key": "ebook"})
        assert info.value.param == "lookup_key"
        moved = client.v1.prices.create(params={"product": product.id, "unit_amount": 1800, "currency": "usd",
                                                "lookup_key": "ebook", "transfer_lookup_key": True})
        assert [p.id for p in client.v1.prices.list(params={"lookup_keys": ["ebook"]}).data] == [moved.id]
        assert client.v1.prices.retrieve(catalog["ebook"].id).lookup_key is None

    def test_price_filters_and_deactivation(self, client, catalog):
        recurring = client.v1.prices.list(params={"type": "recurring"}).data
        assert {p.id for p in recurring} == {catalog["monthly"].id, catalog["yearly"].id}
        client.v1.prices.update(catalog["shirt"].id, params={"active": False})
        active = {p.id for p in client.v1.prices.list(params={"active": True, "limit": 100}).data}
        assert catalog["shirt"].id not in active and catalog["ebook"].id in active

    def test_price_with_inline_product_data(self, client):
        price = client.v1.prices.create(params={"product_data": {"name": "Sticker"}, "unit_amount": 300, "currency": "EUR"})
        assert price.currency == "eur"
        assert client.v1.products.retrieve(price.product).name == "Sticker"

    def test_validation_errors_name_the_param(self, client, catalog):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.prices.create(params={"product": catalog["ebook"].product, "unit_amount": "ten", "currency": "usd"})
        assert info.value.param == "unit_amount" and info.value.http_status == 400
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.prices.create(params={"product": "prod_missing", "unit_amount": 1, "currency": "usd"})
        assert info.value.code == "resource_missing" and info.value.param == "product"
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.products.create(params={"name": "x", "colour": "red"})
        assert info.value.code == "parameter_unknown"

    def test_missing_object_is_404(self, client):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.prices.retrieve("price_missing")
        assert info.value.http_status == 404 and info.value.code == "resource_missing"

    def test_pagination(self, client):
        ids = [client.v1.customers.create(params={"email": f"c{i}@example.com"}).id for i in range(5)]
        first = client.v1.customers.list(params={"limit": 2})
        assert [c.id for c in first.data] == ids[::-1][:2] and first.has_more
        second = client.v1.customers.list(params={"limit": 2, "starting_after": first.data[-1].id})
        assert [c.id for c in second.data] == ids[::-1][2:4]
        everything = [c.id for c in client.v1.customers.list(params={"limit": 2}).auto_paging_iter()]
        assert everything == ids[::-1]

    def test_customers(self, client):
        customer = client.v1.customers.create(params={"email": "ada@example.com", "name": "Ada"})
        assert customer.id.startswith("cus_")
        assert client.v1.customers.update(customer.id, params={"name": "Ada L."}).name == "Ada L."
        assert [c.id for c in client.v1.customers.list(params={"email": "ada@example.com"}).data] == [customer.id]
        with pytest.raises(stripe.InvalidRequestError):
            client.v1.customers.create(params={"email": "not-an-email"})


class TestCheckoutSessions:
    def test_payment_session_amounts_and_url(self, emulator, client, catalog):
        session = new_session(client, catalog["shirt"].id, 3, customer_email="bo@example.com",
                              client_reference_id="order-7", metadata={"kit": "checkout-kit"})
        assert session.id.startswith("cs_test_") and session.object == "checkout.session"
        assert session.mode == "payment" and session.status == "open" and session.payment_status == "unpaid"
        assert session.amount_subtotal == session.amount_total == 7500 and session.currency == "usd"
        assert session.url == f"{emulator.url}/c/pay/{session.id}"
        assert session.customer_email == "bo@example.com" and session.client_reference_id == "order-7"
        assert session.metadata["kit"] == "checkout-kit"
        assert session.payment_intent is None and session.subscription is None
        assert 23 * 3600 < session.expires_at - time.time() <= 24 * 3600

    def test_line_items_list_and_expand(self, client, catalog):
        session = client.v1.checkout.sessions.create(params={
            "mode": "payment", "success_url": "https://shop.example/s",
            "line_items": [{"price": catalog["ebook"].id, "quantity": 1}, {"price": catalog["shirt"].id, "quantity": 2}],
        })
        items = client.v1.checkout.sessions.line_items.list(session.id).data
        assert [(i.description, i.quantity, i.amount_total) for i in items] == [
            ("Field Guide (e-book)", 1, 1500), ("T-shirt", 2, 5000)]
        assert items[0].price.id == catalog["ebook"].id and items[0].object == "item"
        expanded = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items.data.price.product"]})
        assert expanded.line_items.data[1].price.product.name == "T-shirt"
        assert session.amount_total == 6500

    def test_subscription_session(self, client, catalog):
        session = new_session(client, catalog["monthly"].id, mode="subscription")
        assert session.mode == "subscription" and session.amount_total == 900

    def test_mode_rules(self, client, catalog):
        with pytest.raises(stripe.InvalidRequestError, match="recurring price"):
            new_session(client, catalog["monthly"].id, mode="payment")
        with pytest.raises(stripe.InvalidRequestError, match="at least one recurring"):
            new_session(client, catalog["ebook"].id, mode="subscription")
        with pytest.raises(stripe.InvalidRequestError, match="billing intervals"):
            client.v1.checkout.sessions.create(params={
                "mode": "subscription", "success_url": "https://shop.example/s",
                "line_items": [{"price": catalog["monthly"].id, "quantity": 1}, {"price": catalog["yearly"].id, "quantity": 1}]})
        eur = client.v1.prices.create(params={"product": catalog["ebook"].product, "unit_amount": 100, "currency": "eur"})
        with pytest.raises(stripe.InvalidRequestError, match="same currency"):
            client.v1.checkout.sessions.create(params={
                "mode": "payment", "success_url": "https://shop.example/s",
                "line_items": [{"price": catalog["ebook"].id, "quantity": 1}, {"price": eur.id, "quantity": 1}]})

    def test_missing_or_inactive_price_is_an_invalid_request(self, client, catalog):
        with pytest.raises(stripe.InvalidRequestError) as info:
            new_session(client, "price_does_not_exist")
        assert info.value.http_status == 400 and info.value.code == "resource_missing"
        assert info.value.param == "line_items[0][price]"
        client.v1.prices.update(catalog["ebook"].id, params={"active": False})
        with pytest.raises(stripe.InvalidRequestError) as info:
            new_session(client, catalog["ebook"].id)
        assert info.value.param == "line_items[0][price]" and "not active" in info.value.user_message

    def test_bad_params(self, client, catalog):
        for bad, param in [({"success_url": "javascript:alert(1)"}, "success_url"),
                           ({"customer_email": "nope"}, "customer_email"),
                           ({"expires_at": int(time.time()) + 60}, "expires_at")]:
            with pytest.raises(stripe.InvalidRequestError) as info:
                new_session(client, catalog["ebook"].id, **bad)
            assert info.value.param == param
        with pytest.raises(stripe.InvalidRequestError) as info:
            new_session(client, catalog["ebook"].id, 0)
        assert info.value.param == "line_items[0][quantity]"

    def test_options_are_recorded(self, client, catalog):
        session = new_session(client, catalog["shirt"].id, allow_promotion_codes=True,
                              shipping_address_collection={"allowed_countries": ["US", "CA"]},
                              expires_at=int(time.time()) + 3600)
        assert session.allow_promotion_codes is True
        assert session.shipping_address_collection.allowed_countries == ["US", "CA"]
        assert abs(session.expires_at - (time.time() + 3600)) < 5

    def test_embedded_ui_mode(self, client, catalog):
        session = client.v1.checkout.sessions.create(params={
            "mode": "payment", "ui_mode": "embedded_page", "return_url": "https://shop.example/r?session_id={CHECKOUT_SESSION_ID}",
            "line_items": [{"price": catalog["ebook"].id, "quantity": 1}]})
        assert session.url is None and session.client_secret.startswith(session.id)

    def test_expire_and_list(self, client, catalog):
        session = new_session(client, catalog["ebook"].id)
        expired = client.v1.checkout.sessions.expire(session.id)
        assert expired.status == "expired" and expired.url is None
        with pytest.raises(stripe.InvalidRequestError, match="open"):
            client.v1.checkout.sessions.expire(session.id)
        listed = client.v1.checkout.sessions.list(params={"status": "expired"}).data
        assert [s.id for s in listed] == [session.id]

    def test_idempotency_key_replays_and_conflicts(self, client, catalog):
        params = {"mode": "payment", "success_url": "https://shop.example/s",
                  "line_items": [{"price": catalog["ebook"].id, "quantity": 1}]}
        first = client.v1.checkout.sessions.create(params=params, options={"idempotency_key": "req-1"})
        again = client.v1.checkout.sessions.create(params=params, options={"idempotency_key": "req-1"})
        assert first.id == again.id
        assert again.last_response.headers.get("Idempotent-Replayed") == "true"
        with pytest.raises(stripe.IdempotencyError):
            client.v1.checkout.sessions.create(params={**params, "client_reference_id": "x"},
                                               options={"idempotency_key": "req-1"})


class TestPayingCreatesObjects:
    def test_card_payment_creates_intent_and_charge(self, emulator, client, catalog):
        session = new_session(client, catalog["ebook"].id, 2)
        assert control(emulator, f"sessions/{session.id}/pay", {"card": "4242424242424242", "email": "al@example.com",
                                                                  "name": "Al"})["result"] == "paid"
        paid = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent.latest_charge"]})
        assert paid.status == "complete" and paid.payment_status == "paid"
        assert paid.customer_details.email == "al@example.com" and paid.customer_details.name == "Al"
        pi = paid.payment_intent
        assert pi.status == "succeeded" and pi.amount == pi.amount_received == 3000
        assert pi.latest_charge.paid and pi.latest_charge.payment_method_details.card.last4 == "4242"
        assert client.v1.payment_intents.retrieve(pi.id).id == pi.id
        assert client.v1.charges.retrieve(pi.latest_charge.id).amount == 3000
        assert [s.id for s in client.v1.checkout.sessions.list(params={"payment_intent": pi.id}).data] == [session.id]

    def test_subscription_payment_creates_customer_subscription_invoice(self, emulator, client, catalog):
        session = new_session(client, catalog["monthly"].id, mode="subscription")
        assert control(emulator, f"sessions/{session.id}/pay", {"email": "m@example.com"})["result"] == "paid"
        done = client.v1.checkout.sessions.retrieve(session.id)
        assert done.status == "complete" and done.payment_status == "paid"
        sub = client.v1.subscriptions.retrieve(done.subscription)
        assert sub.status == "active" and sub.customer == done.customer
        assert sub["items"].data[0].price.id == catalog["monthly"].id
        invoice = client.v1.invoices.retrieve(sub.latest_invoice)
        assert invoice.status == "paid" and invoice.amount_paid == 900 and invoice.customer == sub.customer
        assert client.v1.customers.retrieve(done.customer).email == "m@example.com"

    def test_shipping_details_are_collected(self, emulator, client, catalog):
        session = new_session(client, catalog["shirt"].id, shipping_address_collection={"allowed_countries": ["US"]})
        shipping = {"shippingName": "Jo Doe", "shippingAddressLine1": "1 Main St", "shippingLocality": "Springfield",
                    "shippingPostalCode": "12345", "shippingCountry": "US"}
        assert control(emulator, f"sessions/{session.id}/pay", {"shipping": shipping})["result"] == "paid"
        details = client.v1.checkout.sessions.retrieve(session.id).collected_information.shipping_details
        assert details.name == "Jo Doe" and details.address.city == "Springfield" and details.address.country == "US"

    def test_zero_total_needs_no_payment(self, emulator, client):
        free = client.v1.prices.create(params={"product_data": {"name": "Sample"}, "unit_amount": 0, "currency": "usd"})
        session = new_session(client, free.id)
        assert control(emulator, f"sessions/{session.id}/pay", {})["result"] == "paid"
        assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "no_payment_required"

    def test_paying_a_closed_session_is_refused(self, emulator, client, catalog):
        session = new_session(client, catalog["ebook"].id)
        client.v1.checkout.sessions.expire(session.id)
        assert control(emulator, f"sessions/{session.id}/pay", {})["status"] == 409


class TestEvents:
    def test_list_filter_and_retrieve(self, emulator, client, catalog):
        session = new_session(client, catalog["ebook"].id)
        control(emulator, f"sessions/{session.id}/pay", {})
        completed = client.v1.events.list(params={"type": "checkout.session.completed"}).data
        assert len(completed) == 1
        event = client.v1.events.retrieve(completed[0].id)
        assert event.data.object.id == session.id and event.api_version == API_VERSION
        assert event.livemode is False and event.object == "event"
        newest = client.v1.events.list(params={"limit": 3}).data
        assert newest[0].type == "checkout.session.completed"
        assert newest[0].created >= newest[-1].created
        wildcard = {e.type for e in client.v1.events.list(params={"type": "checkout.session.*"}).data}
        assert wildcard == {"checkout.session.completed"}
        page = client.v1.events.list(params={"limit": 1, "starting_after": newest[0].id}).data
        assert page[0].id == newest[1].id

    def test_unknown_route_is_a_stripe_404(self, client):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.raw_request("get", "/v1/nonsense")
        assert info.value.http_status == 404
