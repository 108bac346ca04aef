"""The emulator's objects start from Stripe's own examples, reconciled to the pinned SDK.

Stripe's fixtures (`tests/fixtures/stripe/fixtures3.json`, MIT) are in the
repository, so these tests always run. The package ships the copy derived
from them (`stripe_fixtures.json`) and the parameter names per route
(`sdk_params.json`); both must be what `python -m checkout_kit.emulator.refresh`
makes from the pinned SDK.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checkout_kit.emulator import objects, params, refresh, sdk_types
from tests.emulator.conftest import control, new_session

STRIPE_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stripe"


def stripe_fixtures() -> dict[str, dict[str, Any]]:
    return json.loads((STRIPE_FIXTURES / "fixtures3.json").read_text())["resources"]


def test_stripe_fixtures_carry_their_licence():
    licence = (STRIPE_FIXTURES / "LICENSE").read_text()
    assert "MIT" in licence and "Stripe" in licence
    assert set(refresh.KINDS) <= set(stripe_fixtures())


def test_shipped_fixtures_are_stripes_reconciled_to_the_sdk():
    """Regenerate with `python -m checkout_kit.emulator.refresh` when this fails after an SDK bump."""
    assert objects.fixtures() == refresh.fixtures_data(stripe_fixtures())


def test_shipped_param_names_are_the_sdks():
    assert params.schemas() == refresh.params_data()


def test_reconciling_keeps_stripes_values_and_applies_the_sdk():
    """Where the fixture and the SDK disagree the SDK wins; elsewhere Stripe's example is kept."""
    stripe_invoice = stripe_fixtures()["invoice"]
    shipped = objects.fixtures()["invoice"]
    assert "subscription" in stripe_invoice and "subscription" not in shipped  # moved to parent.subscription_details
    assert shipped["amount_due"] == stripe_invoice["amount_due"]
    declared = set(sdk_types.fields(sdk_types.resource_class("checkout.session")))
    assert set(objects.fixtures()["checkout.session"]) == declared - {"line_items"}  # line_items: only on expand


@pytest.fixture
def emitted(emulator, client, catalog) -> dict[str, dict[str, Any]]:
    """One object of each type the emulator makes, produced by real flows."""
    customer = client.v1.customers.create(params={"email": "f@example.com"})
    pay = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{pay.id}/pay", {})
    sub = new_session(client, catalog["monthly"].id, mode="subscription")
    control(emulator, f"sessions/{sub.id}/pay", {})
    paid = client.v1.checkout.sessions.retrieve(pay.id, params={"expand": ["payment_intent"]})
    subscription = client.v1.subscriptions.retrieve(client.v1.checkout.sessions.retrieve(sub.id).subscription)
    invoice = client.v1.invoices.retrieve(subscription.latest_invoice)
    found = {
        "product": client.v1.products.retrieve(catalog["ebook"].product),
        "price": catalog["ebook"],
        "customer": customer,
        "checkout.session": client.v1.checkout.sessions.retrieve(pay.id),
        "item": client.v1.checkout.sessions.line_items.list(pay.id).data[0],
        "payment_intent": paid.payment_intent,
        "payment_method": client.v1.payment_methods.retrieve(paid.payment_intent.payment_method),
        "charge": client.v1.charges.retrieve(paid.payment_intent.latest_charge),
        "subscription": subscription,
        "subscription_item": subscription["items"].data[0],
        "invoice": invoice,
        "line_item": invoice.lines.data[0],
        "event": client.v1.events.list(params={"limit": 1}).data[0],
        "webhook_endpoint": client.v1.webhook_endpoints.create(params={"url": "https://shop.example/hook",
                                                                       "enabled_events": ["*"]}),
    }
    return {kind: obj.to_dict() for kind, obj in found.items()}


KINDS = ["product", "price", "customer", "checkout.session", "item", "payment_intent", "payment_method", "charge",
         "subscription", "subscription_item", "invoice", "line_item", "event", "webhook_endpoint"]


@pytest.mark.parametrize("kind", KINDS)
def test_object_has_every_fixture_field_the_sdk_declares(kind, emitted):
    cls = sdk_types.resource_class(kind)
    declared = set(sdk_types.fields(cls))
    expected = {f for f in stripe_fixtures()[kind] if f in declared and not sdk_types.absent_unless(cls, f)}
    missing = sorted(expected - set(emitted[kind]))
    assert not missing, f"{kind} lacks Stripe fields: {missing}"
    assert emitted[kind]["object"] == kind


def test_placeholder_values_do_not_leak(emitted):
    """Fixture sample values (huge amounts, example.com URLs) are replaced by real ones."""
    session = emitted["checkout.session"]
    assert session["shipping_cost"] is None and session["total_details"]["amount_discount"] == 0
    assert "example.com" not in json.dumps(emitted["price"], default=str) and emitted["price"]["transform_quantity"] is None
    assert emitted["payment_method"]["metadata"] == {} and emitted["payment_method"]["card"]["wallet"] is None
