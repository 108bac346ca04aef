"""Refunds and disputes through the official SDK: full and partial refunds change the charge as
Stripe's do and send `refund.created` then `charge.refunded`; the "refund fails" card's refund
fails later (`refund.failed`, the amount back on the charge); the dispute cards are disputed
after payment (`charge.dispute.created`), and disputes close (`charge.dispute.closed`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe

from checkout_kit.emulator import cards
from tests.emulator.conftest import control, new_session
from tests.support.stripe_shapes import problems


def paid_charge(emulator: Any, client: stripe.StripeClient, price_id: str, card: str = "4242424242424242") -> Any:
    session = new_session(client, price_id)
    assert control(emulator, f"sessions/{session.id}/pay", {"card": card})["result"] == "paid"
    intent = client.v1.payment_intents.retrieve(client.v1.checkout.sessions.retrieve(session.id).payment_intent)
    return client.v1.charges.retrieve(intent.latest_charge)


def event_types(receiver: Any, wanted: set[str], count: int) -> list[dict[str, Any]]:
    got = receiver.wait_for(lambda rs: len([r for r in rs if json.loads(r.body)["type"] in wanted]) >= count)
    return [json.loads(r.body) for r in got if json.loads(r.body)["type"] in wanted]


def test_partial_then_full_refund_move_the_charge(emulator, client, catalog, receiver):
    charge = paid_charge(emulator, client, catalog["ebook"].id)
    first = client.v1.refunds.create(params={"payment_intent": charge.payment_intent, "amount": 500,
                                             "reason": "requested_by_customer"})
    assert (first.status, first.amount, first.charge, first.reason) == ("succeeded", 500, charge.id,
                                                                        "requested_by_customer")
    after = client.v1.charges.retrieve(charge.id, params={"expand": ["refunds"]})
    assert (after.amount_refunded, after.refunded) == (500, False)
    rest = client.v1.refunds.create(params={"charge": charge.id})  # no amount: what is left
    assert rest.amount == 1000
    after = client.v1.charges.retrieve(charge.id)
    assert (after.amount_refunded, after.refunded) == (1500, True)
    assert [r.id for r in after.refunds.data] == [rest.id, first.id]
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"charge": charge.id, "amount": 1})
    assert info.value.code == "charge_already_refunded"
    assert [r.id for r in client.v1.refunds.list(params={"charge": charge.id}).data] == [rest.id, first.id]
    assert client.v1.refunds.retrieve(first.id).amount == 500
    # In the order Stripe sends them (the account's event list), and delivered to the endpoint.
    events = [e.to_dict() for e in reversed(client.v1.events.list(params={
        "types": ["refund.created", "charge.refunded"]}).data)]
    assert [e["type"] for e in events] == ["refund.created", "charge.refunded"] * 2
    assert [e["data"]["object"]["amount_refunded"] for e in events if e["type"] == "charge.refunded"] == [500, 1500]
    delivered = event_types(receiver, {"refund.created", "charge.refunded"}, 4)
    assert sorted(e["id"] for e in delivered) == sorted(e["id"] for e in events)
    assert all(problems(e) == [] for e in delivered)


def test_a_refund_cannot_exceed_what_is_left(emulator, client, catalog):
    charge = paid_charge(emulator, client, catalog["ebook"].id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"charge": charge.id, "amount": 1501})
    assert info.value.param == "amount" and "greater than unrefunded amount" in info.value.user_message
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"charge": charge.id, "reason": "because"})
    assert client.v1.charges.retrieve(charge.id).amount_refunded == 0


def test_the_refund_fails_card_refund_fails_later(emulator, client, catalog, receiver):
    charge = paid_charge(emulator, client, catalog["ebook"].id, "4000000000005126")
    refund = client.v1.refunds.create(params={"charge": charge.id})
    assert refund.status == "succeeded" and client.v1.charges.retrieve(charge.id).refunded is True
    control(emulator, f"refunds/{refund.id}/fail", {})
    failed = client.v1.refunds.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "expired_or_canceled_card")
    charge = client.v1.charges.retrieve(charge.id)
    assert (charge.amount_refunded, charge.refunded) == (0, False)
    events = list(reversed(client.v1.events.list(params={"types": ["refund.updated", "refund.failed"]}).data))
    assert [e.type for e in events] == ["refund.updated", "refund.failed"]
    assert events[0].data.previous_attributes["status"] == "succeeded"
    event_types(receiver, {"refund.updated", "refund.failed"}, 2)


def test_the_refund_fails_card_fails_by_itself_after_the_settle_delay(emulator, client, catalog, receiver):
    charge = paid_charge(emulator, client, catalog["ebook"].id, "4000000000005126")
    emulator.settle_after = 0.2  # as `make dev` runs it: the refund fails a moment later, without a control call
    refund = client.v1.refunds.create(params={"charge": charge.id})
    assert refund.status == "succeeded"
    event_types(receiver, {"refund.failed"}, 1)
    assert client.v1.refunds.retrieve(refund.id).status == "failed"
    assert client.v1.charges.retrieve(charge.id).amount_refunded == 0


@pytest.mark.parametrize("card,reason,status", [
    ("4000000000000259", "fraudulent", "needs_response"),
    ("4000000000002685", "product_not_received", "needs_response"),
    ("4000000000001976", "general", "warning_needs_response"),
])
def test_dispute_cards_are_disputed_after_payment(emulator, client, catalog, receiver, card, reason, status):
    assert cards.TEST_CARDS[card].effects["dispute"]
    charge = paid_charge(emulator, client, catalog["ebook"].id, card)
    [dispute] = client.v1.disputes.list(params={"charge": charge.id}).data
    assert (dispute.reason, dispute.status, dispute.amount, dispute.payment_intent) == (
        reason, status, 1500, charge.payment_intent)
    assert dispute.evidence_details.due_by > charge.created
    assert client.v1.charges.retrieve(charge.id).disputed is True
    [created] = event_types(receiver, {"charge.dispute.created"}, 1)
    assert created["data"]["object"]["id"] == dispute.id and problems(created) == []
    closed = control(emulator, f"disputes/{dispute.id}/close", {"outcome": "won"})
    assert closed["status"] == ("won" if status == "needs_response" else "warning_closed")
    [event] = event_types(receiver, {"charge.dispute.closed"}, 1)
    assert event["data"]["object"]["status"] == closed["status"]


def test_an_ordinary_card_is_not_disputed_and_a_dispute_can_be_accepted(emulator, client, catalog):
    plain = paid_charge(emulator, client, catalog["ebook"].id)
    assert client.v1.disputes.list(params={"charge": plain.id}).data == []
    disputed = paid_charge(emulator, client, catalog["ebook"].id, "4000000000000259")
    [dispute] = client.v1.disputes.list(params={"payment_intent": disputed.payment_intent}).data
    updated = client.v1.disputes.update(dispute.id, params={"evidence": {"uncategorized_text": "Delivered"},
                                                            "metadata": {"case": "1"}})
    assert updated.evidence.uncategorized_text == "Delivered" and updated.metadata["case"] == "1"
    lost = client.v1.disputes.close(dispute.id)
    assert lost.status == "lost"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.disputes.close(dispute.id)
