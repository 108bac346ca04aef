"""Every emulated object carries every top-level field of Stripe's own example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checkout_kit.emulator import objects
from tests.emulator.conftest import control, new_session

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "stripe-reference" / "fixtures3.json"


def shared_fixtures() -> dict[str, dict[str, Any]]:
    if SHARED.exists():
        return json.loads(SHARED.read_text())["resources"]
    pytest.skip(f"Stripe's fixtures are not beside the repository ({SHARED})")


def reference() -> dict[str, dict[str, Any]]:
    """Stripe's fixtures from ../shared when present, else the copy shipped in the package."""
    return json.loads(SHARED.read_text())["resources"] if SHARED.exists() else objects.fixtures()


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
        "charge": client.v1.charges.retrieve(paid.payment_intent.latest_charge),
        "subscription": subscription,
        "subscription_item": subscription["items"].data[0],
        "invoice": invoice,
        "line_item": invoice.lines.data[0],
        "event": client.v1.events.list(params={"limit": 1}).data[0],
    }
    return {kind: obj.to_dict() for kind, obj in found.items()}


KINDS = ["product", "price", "customer", "checkout.session", "item", "payment_intent", "charge",
         "subscription", "subscription_item", "invoice", "line_item", "event"]


@pytest.mark.parametrize("kind", KINDS)
def test_object_has_every_fixture_field(kind, emitted):
    expected = set(reference()[kind])
    missing = sorted(expected - set(emitted[kind]))
    assert not missing, f"{kind} lacks Stripe fields: {missing}"
    assert emitted[kind]["object"] == kind


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_fixture_copy_matches_stripes(kind):
    """The data file in the package (used in a plain clone) is Stripe's, unchanged."""
    assert objects.fixtures()[kind] == shared_fixtures()[kind]


def test_placeholder_values_do_not_leak(emitted):
    """Fixture sample values (huge amounts, example.com URLs) are replaced by real ones."""
    session = emitted["checkout.session"]
    assert session["shipping_cost"] is None and session["total_details"]["amount_discount"] == 0
    assert "example.com" not in json.dumps(emitted["price"], default=str) and emitted["price"]["transform_quantity"] is None
