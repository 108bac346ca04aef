"""Every documented test card does what Stripe's testing page says, through the
control route (the hosted page's own code path); a few also through Chromium
in test_hosted_page.py.

The expectations below are written from Stripe's testing page, independently
of `cards.TEST_CARDS`, so a wrong table entry fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from checkout_kit.emulator import cards
from tests.emulator.conftest import control, new_session

DECLINED = "Your card was declined."


@dataclass(frozen=True)
class Expect:
    result: str  # "paid" or "declined" (after 3-D Secure when `challenge`)
    challenge: bool = False
    code: str | None = None
    decline_code: str | None = None
    message: str | None = None
    outcome: str = "authorized"  # charge.outcome.type
    risk: str = "normal"
    effects: dict[str, str] = field(default_factory=dict)


def declined(code: str, decline_code: str | None, message: str = DECLINED, **kw: Any) -> Expect:
    return Expect("declined", code=code, decline_code=decline_code, message=message, outcome="issuer_declined", **kw)


BLOCKED = Expect("declined", code="card_declined", decline_code="fraudulent", message=DECLINED, outcome="blocked",
                 risk="highest")
EXPECTED: dict[str, Expect] = {
    "4242424242424242": Expect("paid"), "4000056655665556": Expect("paid"), "5555555555554444": Expect("paid"),
    "2223003122003222": Expect("paid"), "5200828282828210": Expect("paid"), "378282246310005": Expect("paid"),
    "6011111111111117": Expect("paid"),
    "4000000000000002": declined("card_declined", "generic_decline"),
    "4000000000009995": declined("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "4000000000009987": declined("card_declined", "lost_card"),
    "4000000000009979": declined("card_declined", "stolen_card"),
    "4000000000000069": declined("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": declined("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
    "4000000000000119": declined("processing_error", "processing_error",
                                 "An error occurred while processing your card. Try again in a little bit."),
    "4000000000006975": declined("card_declined", "card_velocity_exceeded", "Your card was declined for making "
                                 "repeated attempts too frequently or exceeding its amount limit."),
    "4000000000000341": declined("card_declined", "generic_decline"),
    "4000000000000101": declined("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
    "4000002760003184": Expect("paid", challenge=True), "4000002500003155": Expect("paid", challenge=True),
    "4000003800000446": Expect("paid", challenge=True), "4000000000003220": Expect("paid", challenge=True),
    "4000000000003063": Expect("paid", challenge=True),
    "4000008260003178": declined("card_declined", "insufficient_funds", "Your card has insufficient funds.",
                                 challenge=True),
    "4000008400001629": declined("card_declined", "generic_decline", challenge=True),
    "4000000000003055": Expect("paid"),
    "4100000000000019": BLOCKED, "4000000000004954": BLOCKED,
    "4000000000009235": Expect("paid", risk="elevated"),
    "4000000000000259": Expect("paid", effects={"dispute": "fraudulent"}),
    "4000000000002685": Expect("paid", effects={"dispute": "product_not_received"}),
    "4000000000001976": Expect("paid", effects={"dispute": "inquiry"}),
    "4000000000005423": Expect("paid", effects={"early_fraud_warning": "fraudulent"}),
    "4000000000005126": Expect("paid", effects={"refund_failure": "expired_or_canceled_card"}),
}


def test_every_emulated_card_is_tested_and_documented():
    assert set(cards.TEST_CARDS) == set(EXPECTED)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "emulator.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\d+)` \| ([^|]+) \|", docs, re.M)}
    assert {n: c.name for n, c in cards.TEST_CARDS.items()} == {n: name.strip() for n, name in rows.items()}


def pay(emulator, client, price_id: str, number: str) -> tuple[Any, dict[str, Any]]:
    session = new_session(client, price_id)
    answer = control(emulator, f"sessions/{session.id}/pay", {"card": number, "cvc": "1234" if number.startswith("37") else "123"})
    return session, answer


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_card_behaves_as_documented(emulator, client, catalog, number):
    want = EXPECTED[number]
    session, answer = pay(emulator, client, catalog["ebook"].id, number)
    if want.challenge:
        assert answer["result"] == "challenge"
        pending = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
        assert pending.status == "open" and pending.payment_intent.status == "requires_action"
        answer = control(emulator, f"challenges/{answer['challenge']}", {"approve": True})
    else:
        assert answer["result"] != "challenge"
    done = client.v1.checkout.sessions.retrieve(session.id, params={
        "expand": ["payment_intent.latest_charge", "payment_intent.payment_method"]})
    pi = done.payment_intent
    charge = pi.latest_charge
    assert charge.payment_method_details.card.last4 == number[-4:]
    assert (charge.outcome.type, charge.outcome.risk_level) == (want.outcome, want.risk)
    secure = charge.payment_method_details.card.three_d_secure
    assert (secure.result if secure else None) == ("authenticated" if want.challenge else None)
    if want.result == "paid":
        assert answer["result"] == "paid"
        assert (done.status, done.payment_status, pi.status, charge.status) == ("complete", "paid", "succeeded", "succeeded")
        assert charge.outcome.network_status == "approved_by_network"
        assert charge.outcome.seller_message == "Payment complete."
        assert control(emulator, f"charges/{charge.id}")["effects"] == want.effects
    else:
        assert (answer["result"], answer["message"]) == ("declined", want.message)
        assert (done.status, done.payment_status, pi.status) == ("open", "unpaid", "requires_payment_method")
        error = pi.last_payment_error
        assert (error.type, error.code, error.decline_code, error.message) == (
            "card_error", want.code, want.decline_code, want.message)
        assert error.charge == charge.id and error.payment_method.card.last4 == number[-4:]
        assert (charge.status, charge.failure_code, charge.paid) == ("failed", want.code, False)
        expected_network = "not_sent_to_network" if want.outcome == "blocked" else "declined_by_network"
        assert charge.outcome.network_status == expected_network and charge.outcome.seller_message
        assert control(emulator, f"charges/{charge.id}")["effects"] == {}


def test_failing_the_challenge_is_an_authentication_failure(emulator, client, catalog):
    session, answer = pay(emulator, client, catalog["ebook"].id, "4000002760003184")
    failed = control(emulator, f"challenges/{answer['challenge']}", {"approve": False})
    assert failed == {"result": "declined", "message": cards.AUTHENTICATION_FAILED}
    pi = client.v1.payment_intents.retrieve(client.v1.checkout.sessions.retrieve(session.id).payment_intent)
    assert pi.status == "requires_payment_method" and pi.next_action is None
    assert pi.last_payment_error.code == "payment_intent_authentication_failure"
    assert control(emulator, f"sessions/{session.id}/pay", {})["result"] == "paid"  # the session stays usable


@pytest.mark.parametrize("number", ["4111111111111111", "4000000000000077", "5105105105105100"])
def test_other_valid_numbers_pay(emulator, client, catalog, number):
    _, answer = pay(emulator, client, catalog["ebook"].id, number)
    assert answer["result"] == "paid"


@pytest.mark.parametrize("number", ["4242424242424241", "4000000000000003", "5555555555554443"])
def test_numbers_failing_luhn_are_refused_before_charging(emulator, client, catalog, number):
    session, answer = pay(emulator, client, catalog["ebook"].id, number)
    assert answer == {"result": "invalid", "field": "cardNumber", "code": "invalid_number",
                      "message": "Your card number is invalid."}
    assert client.v1.checkout.sessions.retrieve(session.id).payment_intent is None


def test_declines_in_subscription_mode_keep_the_session_open(emulator, client, catalog):
    session = new_session(client, catalog["monthly"].id, mode="subscription")
    answer = control(emulator, f"sessions/{session.id}/pay", {"card": "4000000000000341"})
    assert (answer["result"], answer["message"]) == ("declined", DECLINED)
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert client.v1.subscriptions.list().data == []
