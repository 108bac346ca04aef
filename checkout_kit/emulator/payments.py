"""What paying a Checkout Session does: the objects it creates and the events
Stripe sends, for cards (pay, decline, 3-D Secure, Radar), delayed bank debits,
free orders and expiry. What each test card does is decided in `cards`;
this module turns the decision into Stripe objects. Callers hold `state.lock`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from checkout_kit.emulator import billing, cards, charges, invoicing
from checkout_kit.emulator.objects import build, nested, new_id
from checkout_kit.emulator.resources import discounts
from checkout_kit.emulator.resources.customers import add_customer
from checkout_kit.emulator.state import State

PAID = "paid"
DECLINED = "declined"
CHALLENGE = "challenge"
PROCESSING = "processing"


class PaymentError(Exception):
    """The session cannot take a payment (expired, completed, unknown)."""


@dataclass
class Result:
    kind: str  # PAID, DECLINED, CHALLENGE or PROCESSING
    message: str | None = None
    challenge_id: str | None = None
    decline_key: str | None = None  # cards.Decline.key of a decline


def open_session(state: State, session_id: str) -> dict[str, Any]:
    session = state.objects["checkout.session"].get(session_id)
    if session is None:
        raise PaymentError("unknown")
    if session["status"] != "open":
        raise PaymentError(session["status"])
    return session


# ---- pieces ---------------------------------------------------------------


def _customer_for(state: State, session: dict[str, Any], who: charges.Customer) -> str | None:
    if session["customer"]:
        return session["customer"]
    if session["mode"] == "subscription" or session.get("customer_creation") == "always" or \
            invoicing.wanted(session):  # an invoice is always addressed to a customer
        customer = add_customer(state, email=who.email, name=who.name or None, shipping=charges.shipping_of(who),
                                metadata={})
        session["customer"] = customer["id"]
    return session["customer"]


def _payment_intent(state: State, session: dict[str, Any], amount: int,
                    customer: str | None = None) -> dict[str, Any]:
    """The session's payment intent, created on the first attempt (as Checkout does)."""
    if session["mode"] == "payment" and session["payment_intent"]:
        pi = state.objects["payment_intent"][session["payment_intent"]]
        pi["amount"] = amount  # the buyer may have changed a code, a shipping option or the address since
        return pi
    pi_id = new_id("pi_")
    extras = state.session_extras.get(session["id"], {}).get("payment_intent_data", {})
    pi = build(
        "payment_intent", id=pi_id, amount=amount, currency=session["currency"],
        status="requires_payment_method", amount_received=0, amount_capturable=0,
        amount_details=nested("payment_intent", "amount_details"),
        capture_method="automatic_async", confirmation_method="automatic",
        client_secret=f"{pi_id}_secret_{new_id('', 25)}", customer=customer,
        description=extras.get("description"), latest_charge=None,
        payment_method=None, payment_method_types=session["payment_method_types"],
        metadata=dict(extras.get("metadata") or {}),
        receipt_email=extras.get("receipt_email"), setup_future_usage=None,
        automatic_payment_methods=None,
    )
    state.add(pi)
    if session["mode"] == "payment":
        session["payment_intent"] = pi_id
    state.emit("payment_intent.created", pi)
    return pi


def _complete(state: State, session: dict[str, Any], who: charges.Customer, payment_status: str) -> None:
    session["status"] = "complete"
    session["payment_status"] = payment_status
    session["url"] = None
    address = (who.shipping or {}).get("address") or {"city": None, "country": None, "line1": None,
                                                      "line2": None, "postal_code": None, "state": None}
    session["customer_details"] = nested("checkout.session", "customer_details", address=address, email=who.email,
                                         name=who.name or None, tax_exempt="none",
                                         tax_ids=[dict(t) for t in who.tax_ids])
    if session["shipping_address_collection"]:
        session["collected_information"] = {
            "business_name": None, "individual_name": None,
            "shipping_details": nested("checkout.session", "collected_information.shipping_details",
                                        **who.shipping) if who.shipping else None}
    state.challenges = {k: v for k, v in state.challenges.items() if v["session"] != session["id"]}
    discounts.redeem(state, session["discounts"] or [])
    state.emit("checkout.session.completed", session)


def trial_days(state: State, session: dict[str, Any]) -> int | None:
    """The trial a subscription session starts (`subscription_data.trial_period_days`), if any."""
    if session["mode"] != "subscription":
        return None
    days = state.session_extras.get(session["id"], {}).get("subscription_data", {}).get("trial_period_days")
    return int(days) if days else None


def collects_card(state: State, session: dict[str, Any]) -> bool:
    """Whether the page asks for payment details: when something is due, and for a subscription
    unless `payment_method_collection` is `if_required` and nothing is due today (a free trial)."""
    if session["amount_total"] > 0:
        return True
    return session["mode"] == "subscription" and session["payment_method_collection"] != "if_required"


def _subscribe(state: State, session: dict[str, Any], who: charges.Customer, card: cards.Card | None,
               authenticated: bool) -> None:
    """Paying a subscription session: customer, saved card, subscription, first invoice paid."""
    customer = _customer_for(state, session, who)
    assert customer is not None
    method = charges.payment_method(state, who, customer, card, None) if card is not None else None
    if method is not None:  # saved for the renewals, as Checkout does in subscription mode
        state.objects["customer"][customer]["invoice_settings"]["default_payment_method"] = method["id"]
        state.emit("payment_method.attached", method)
    extras = state.session_extras.get(session["id"], {}).get("subscription_data", {})
    sub, invoice = billing.start(
        state, customer=customer, currency=session["currency"], lines=state.session_items[session["id"]],
        metadata=dict(extras.get("metadata") or {}), payment_method=method["id"] if method else None,
        trial_days=trial_days(state, session), trial_settings=extras.get("trial_settings") or None,
        description=extras.get("description") or None, due_today=session["amount_total"])
    if invoice["status"] == "open":
        billing.collect(state, invoice, method["id"] if method else None, off_session=False,
                        authenticated=authenticated)
    session.update(subscription=sub["id"], invoice=invoice["id"])
    _complete(state, session, who, "paid" if session["amount_total"] else "no_payment_required")
    intent = state.objects["payment_intent"].get(state.invoice_intents.get(invoice["id"], ""))
    charge = state.objects["charge"].get(intent.get("latest_charge") or "") if intent else None
    if charge:  # a dispute card disputes a membership's first payment too
        _after_payment(state, charge)


# ---- flows ----------------------------------------------------------------


def pay_with_card(state: State, session_id: str, card: cards.Card, who: charges.Customer) -> Result:
    session = open_session(state, session_id)
    # Nothing due today (a trial): the card is only saved for later, as a SetupIntent would.
    attempt = cards.setup_attempt(card) if session["amount_total"] == 0 else cards.attempt(card)
    if attempt.kind == cards.CHALLENGE:
        challenge_id = new_id("payatt_")
        if session["mode"] == "payment":
            pi = _payment_intent(state, session, session["amount_total"], customer=session["customer"])
            charges.require_action(state, pi)
        state.challenges[challenge_id] = {"session": session_id, "card": card, "who": who, "created": time.time()}
        return Result(CHALLENGE, challenge_id=challenge_id)
    return _settle_attempt(state, session, card, who, attempt, authenticated=False)


def _settle_attempt(state: State, session: dict[str, Any], card: cards.Card, who: charges.Customer, attempt: cards.Attempt,
                    authenticated: bool) -> Result:
    if attempt.kind == cards.DECLINE and attempt.decline is not None:
        if session["mode"] == "payment":
            pi = _payment_intent(state, session, session["amount_total"], customer=session["customer"])
            method = charges.payment_method(state, who, None, card, None)
            charges.record_decline(state, pi, who, method, cards.lookup(card.number), attempt.decline, authenticated)
        return Result(DECLINED, message=attempt.message, decline_key=attempt.decline.key)
    return _succeed(state, session, card, who, authenticated)


def _succeed(state: State, session: dict[str, Any], card: cards.Card, who: charges.Customer, authenticated: bool) -> Result:
    if session["mode"] == "subscription":
        _subscribe(state, session, who, card, authenticated)
        return Result(PAID)
    if session["amount_total"] == 0:
        _customer_for(state, session, who)
        _complete(state, session, who, "no_payment_required")
        return Result(PAID)
    customer = _customer_for(state, session, who)
    pi = _payment_intent(state, session, session["amount_total"], customer=customer)
    pi["customer"] = customer
    method = charges.payment_method(state, who, None, card, None)  # not saved to the customer in payment mode
    charge = charges.record_success(state, pi, who, method, cards.lookup(card.number), authenticated)
    if invoicing.wanted(session):
        invoicing.issue(state, session, customer, who.email, who.name or None, who.tax_ids)
    _complete(state, session, who, "paid")
    _after_payment(state, charge)
    return Result(PAID)


def _after_payment(state: State, charge: dict[str, Any]) -> None:
    """What a test card does once paid: the dispute cards are disputed."""
    from checkout_kit.emulator.resources.disputes import open_dispute

    effect = state.card_effects.get(charge["id"], {}).get("dispute")
    if effect:
        open_dispute(state, charge, effect)


def finish_challenge(state: State, challenge_id: str, approve: bool) -> tuple[str, Result]:
    """Resolve a 3-D Secure challenge; return the session id and what happened.

    Completing it runs the attempt again as authenticated: most cards then pay,
    some decline (4000008260003178: insufficient funds after authentication).
    """
    challenge = state.challenges.pop(challenge_id, None)
    if challenge is None:
        raise PaymentError("unknown")
    session = open_session(state, challenge["session"])
    if approve:
        attempt = cards.attempt(challenge["card"], authenticated=True)
        return session["id"], _settle_attempt(state, session, challenge["card"], challenge["who"], attempt,
                                              authenticated=True)
    failure = cards.AUTHENTICATION_FAILURE
    if session["mode"] == "payment" and session["payment_intent"]:
        pi = state.objects["payment_intent"][session["payment_intent"]]
        charges.fail_intent(pi, failure, None, None, error_type="invalid_request_error")
        state.emit("payment_intent.payment_failed", pi)
    return session["id"], Result(DECLINED, message=failure.message, decline_key=failure.key)


def free_order(state: State, session_id: str, who: charges.Customer) -> Result:
    """A session whose total is zero completes without payment details (a free trial too, when the
    session collects a payment method only if required)."""
    session = open_session(state, session_id)
    if session["mode"] == "subscription":
        _subscribe(state, session, who, None, authenticated=False)
        return Result(PAID)
    _customer_for(state, session, who)
    _complete(state, session, who, "no_payment_required")
    return Result(PAID)


def pay_with_bank(state: State, session_id: str, account: str, who: charges.Customer, settle_after: float | None) -> Result:
    """A delayed method: the session completes unpaid and settles later."""
    session = open_session(state, session_id)
    if session["mode"] != "payment":
        raise PaymentError("bank debit is offered for one-time payments only")
    customer = _customer_for(state, session, who)
    pi = _payment_intent(state, session, session["amount_total"], customer=customer)
    method = charges.payment_method(state, who, None, None, account)
    charge = charges.record_charge(state, pi, who, method, "pending")
    pi.update(status="processing", payment_method_types=["us_bank_account"])
    state.emit("charge.pending", charge)
    state.emit("payment_intent.processing", pi)
    _complete(state, session, who, "unpaid")
    state.pending_settlements[session_id] = {
        "outcome": "failed" if account == cards.BANK_FAILS else "succeeded",
        "due": None if settle_after is None else time.time() + settle_after,
    }
    return Result(PROCESSING)


BANK_DECLINE = cards.Decline("insufficient_funds", None,
                             "The customer's account has insufficient funds to cover this payment.")


def settle(state: State, session_id: str, outcome: str | None = None) -> str:
    """Finish a pending bank debit with `outcome` (or the one its account number chose)."""
    pending = state.pending_settlements.pop(session_id, None)
    if pending is None:
        raise PaymentError("no pending payment for this session")
    outcome = outcome or pending["outcome"]
    session = state.objects["checkout.session"][session_id]
    pi = state.objects["payment_intent"][session["payment_intent"]]
    charge = state.objects["charge"][pi["latest_charge"]]
    if outcome == "succeeded":
        charge.update(status="succeeded", paid=True, captured=True, amount_captured=charge["amount"],
                      outcome=charges.outcome(None, None))
        pi.update(status="succeeded", amount_received=pi["amount"])
        session["payment_status"] = "paid"
        state.emit("charge.succeeded", charge)
        state.emit("payment_intent.succeeded", pi)
        state.emit("checkout.session.async_payment_succeeded", session)
    else:
        charge.update(status="failed", failure_code=BANK_DECLINE.code, failure_message=BANK_DECLINE.message,
                      outcome=charges.outcome(None, BANK_DECLINE))
        method = state.objects["payment_method"].get(pi["payment_method"])
        charges.fail_intent(pi, BANK_DECLINE, method, charge["id"], error_type="invalid_request_error")
        state.emit("charge.failed", charge)
        state.emit("payment_intent.payment_failed", pi)
        state.emit("checkout.session.async_payment_failed", session)
    return outcome
