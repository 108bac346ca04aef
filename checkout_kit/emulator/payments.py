"""What paying a Checkout Session does: the objects it creates and the events
Stripe sends, for cards (pay, decline, 3-D Secure), delayed bank debits, free
orders and expiry. Callers hold `state.lock`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from checkout_kit.emulator import cards
from checkout_kit.emulator.objects import build, new_id, now
from checkout_kit.emulator.state import State

PAID = "paid"
DECLINED = "declined"
CHALLENGE = "challenge"
PROCESSING = "processing"


class PaymentError(Exception):
    """The session cannot take a payment (expired, completed, unknown)."""


@dataclass
class Customer:
    """What the customer typed on the hosted page, besides payment details."""

    email: str
    name: str
    shipping: dict[str, Any] | None = None  # {"name", "address": {...}}


@dataclass
class Result:
    kind: str  # PAID, DECLINED, CHALLENGE or PROCESSING
    message: str | None = None
    challenge_id: str | None = None
    events: list[str] = field(default_factory=list)


def open_session(state: State, session_id: str) -> dict[str, Any]:
    session = state.objects["checkout.session"].get(session_id)
    if session is None:
        raise PaymentError("unknown")
    if session["status"] != "open":
        raise PaymentError(session["status"])
    return session


# ---- pieces ---------------------------------------------------------------


def _customer_for(state: State, session: dict[str, Any], who: Customer) -> str | None:
    if session["customer"]:
        return session["customer"]
    if session["mode"] == "subscription" or session.get("customer_creation") == "always":
        customer = build("customer", id=new_id("cus_", 14), email=who.email, name=who.name or None,
                         invoice_prefix=new_id("", 8).upper(), next_invoice_sequence=1,
                         shipping=_shipping_of(who))
        state.add(customer)
        state.emit("customer.created", customer)
        session["customer"] = customer["id"]
    return session["customer"]


def _shipping_of(who: Customer) -> dict[str, Any] | None:
    if not who.shipping:
        return None
    return {"name": who.shipping["name"], "address": who.shipping["address"], "phone": None,
            "carrier": None, "tracking_number": None}


def _payment_intent(state: State, session: dict[str, Any], amount: int, description: str | None = None,
                    customer: str | None = None) -> dict[str, Any]:
    """The session's payment intent, created on the first attempt (as Checkout does)."""
    if session["mode"] == "payment" and session["payment_intent"]:
        return state.objects["payment_intent"][session["payment_intent"]]
    pi_id = new_id("pi_")
    extras = state.session_extras.get(session["id"], {}).get("payment_intent_data", {})
    pi = build(
        "payment_intent", id=pi_id, amount=amount, currency=session["currency"],
        status="requires_payment_method", amount_received=0, amount_capturable=0,
        capture_method="automatic_async", confirmation_method="automatic",
        client_secret=f"{pi_id}_secret_{new_id('', 25)}", customer=customer,
        description=description or extras.get("description"), latest_charge=None,
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


def _payment_method_details(card: cards.Card | None, account: str | None) -> tuple[str, dict[str, Any]]:
    if card is not None:
        return new_id("pm_"), {"type": "card", "card": {
            "brand": card.brand, "last4": card.last4, "exp_month": card.exp_month,
            "exp_year": card.exp_year, "country": "US", "funding": "credit",
            "fingerprint": new_id("", 16), "network": card.brand,
            "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
            "three_d_secure": None, "wallet": None,
        }}
    return new_id("pm_"), {"type": "us_bank_account", "us_bank_account": {
        "account_holder_type": "individual", "account_type": "checking", "bank_name": "STRIPE TEST BANK",
        "last4": (account or "")[-4:], "routing_number": "110000000", "fingerprint": new_id("", 16),
    }}


def _charge(state: State, session: dict[str, Any], pi: dict[str, Any], who: Customer, status: str,
            card: cards.Card | None = None, account: str | None = None,
            failure: cards.Outcome | None = None) -> dict[str, Any]:
    pm_id, details = _payment_method_details(card, account)
    outcome = {"network_status": "approved_by_network", "reason": None, "risk_level": "normal",
               "risk_score": 20, "seller_message": "Payment complete.", "type": "authorized"}
    if status == "failed":
        outcome = {"network_status": "declined_by_network", "reason": failure.decline_code if failure else None,
                   "risk_level": "normal", "risk_score": 20,
                   "seller_message": "The bank did not return any further details with this decline.",
                   "type": "issuer_declined"}
    elif status == "pending":
        outcome = None
    charge_id = new_id("py_" if account else "ch_")
    charge = build(
        "charge", id=charge_id, amount=pi["amount"], currency=pi["currency"],
        amount_captured=pi["amount"] if status == "succeeded" else 0, captured=status == "succeeded",
        paid=status == "succeeded", status=status, payment_intent=pi["id"], payment_method=pm_id,
        payment_method_details=details, customer=pi["customer"], description=pi["description"],
        billing_details={"address": None, "email": who.email, "name": who.name or None, "phone": None,
                         "tax_id": None},
        failure_code=(failure.code if failure else None), failure_message=(failure.message if failure else None),
        outcome=outcome, receipt_email=pi["receipt_email"], receipt_number=None,
        receipt_url=f"https://pay.stripe.com/receipts/emulator/{charge_id}" if status == "succeeded" else None,
        shipping=_shipping_of(who), metadata=dict(pi["metadata"]), calculated_statement_descriptor="CHECKOUT KIT",
    )
    state.add(charge)
    pi["latest_charge"] = charge_id
    pi["payment_method"] = pm_id
    return charge


def _complete(state: State, session: dict[str, Any], who: Customer, payment_status: str) -> None:
    session["status"] = "complete"
    session["payment_status"] = payment_status
    session["url"] = None
    session["customer_details"] = {
        "address": (who.shipping or {}).get("address") or {"city": None, "country": None, "line1": None,
                                                            "line2": None, "postal_code": None, "state": None},
        "email": who.email, "name": who.name or None, "phone": None, "tax_exempt": "none",
        "tax_ids": [], "business_name": None, "individual_name": None,
    }
    if session["shipping_address_collection"]:
        session["collected_information"] = {"shipping_details": who.shipping, "business_name": None,
                                            "individual_name": None}
    state.challenges = {k: v for k, v in state.challenges.items() if v["session"] != session["id"]}
    state.emit("checkout.session.completed", session)


def _subscribe(state: State, session: dict[str, Any], who: Customer, card: cards.Card) -> None:
    """Paying a subscription session: customer, subscription, paid invoice, payment."""
    customer = _customer_for(state, session, who)
    items = state.session_items[session["id"]]
    start = now()
    extras = state.session_extras.get(session["id"], {}).get("subscription_data", {})
    sub_id = new_id("sub_")
    recurring = next(i["price"]["recurring"] for i in items if i["price"]["recurring"])
    period_end = start + _period_seconds(recurring)
    sub_items = [build("subscription_item", id=new_id("si_", 14), price=i["price"], quantity=i["quantity"],
                       subscription=sub_id, current_period_start=start, current_period_end=period_end,
                       created=start, tax_rates=[], discounts=[])
                 for i in items if i["price"]["recurring"]]
    invoice_id = new_id("in_")
    lines = [build("line_item", id=new_id("il_"), amount=i["amount_total"], currency=i["currency"],
                   description=f"{i['quantity']} × {i['description']}", quantity=i["quantity"],
                   invoice=invoice_id, subscription=sub_id,
                   period={"start": start, "end": period_end if i["price"]["recurring"] else start},
                   pricing={"type": "price_details", "price_details": {"price": i["price"]["id"],
                            "product": i["price"]["product"]}, "unit_amount_decimal": str(i["price"]["unit_amount"])},
                   subtotal=i["amount_subtotal"], discount_amounts=[], discountable=True, discounts=[])
             for i in items]
    amount = session["amount_total"]
    pi = _payment_intent(state, session, amount, "Subscription creation", customer)
    charge = _charge(state, session, pi, who, "succeeded", card=card)
    pi.update(status="succeeded", amount_received=amount)
    subscription = build(
        "subscription", id=sub_id, customer=customer, status="active", currency=session["currency"],
        items={"object": "list", "data": sub_items, "has_more": False, "url": f"/v1/subscription_items?subscription={sub_id}"},
        latest_invoice=invoice_id, start_date=start, billing_cycle_anchor=start, created=start,
        default_payment_method=pi["payment_method"], collection_method="charge_automatically",
        cancel_at_period_end=False, metadata=dict(extras.get("metadata") or {}), description=None,
    )
    invoice = build(
        "invoice", id=invoice_id, customer=customer, customer_email=who.email, customer_name=who.name or None,
        status="paid", currency=session["currency"], amount_due=amount, amount_paid=amount, amount_remaining=0,
        amount_overpaid=0, amount_shipping=0, subtotal=session["amount_subtotal"], subtotal_excluding_tax=session["amount_subtotal"],
        total=amount, total_excluding_tax=amount, attempt_count=1, attempted=True, auto_advance=False,
        billing_reason="subscription_create", collection_method="charge_automatically",
        lines={"object": "list", "data": lines, "has_more": False, "url": f"/v1/invoices/{invoice_id}/lines"},
        number=f"EMU-{len(state.objects['invoice']) + 1:04d}", period_start=start, period_end=start,
        subscription=sub_id,
        parent={"type": "subscription_details", "quote_details": None,
                "subscription_details": {"subscription": sub_id, "metadata": subscription["metadata"]}},
        status_transitions={"finalized_at": start, "paid_at": start, "marked_uncollectible_at": None, "voided_at": None},
        hosted_invoice_url=None, invoice_pdf=None, effective_at=start, ending_balance=0, starting_balance=0,
        webhooks_delivered_at=start, next_payment_attempt=None, receipt_number=None,
    )
    state.add(subscription)
    state.add(invoice)
    session.update(subscription=sub_id, invoice=invoice_id)
    state.emit("customer.subscription.created", subscription)
    for event_type in ("invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"):
        state.emit(event_type, invoice)
    state.emit("charge.succeeded", charge)
    state.emit("payment_intent.succeeded", pi)
    _complete(state, session, who, "paid")


def _period_seconds(recurring: dict[str, Any]) -> int:
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[recurring["interval"]]
    return days * 86400 * recurring["interval_count"]


def _fail_pi(state: State, pi: dict[str, Any], code: str, message: str, decline_code: str | None,
             charge_id: str | None) -> None:
    pi["status"] = "requires_payment_method"
    pi["last_payment_error"] = {
        "type": "card_error", "code": code, "decline_code": decline_code, "message": message,
        "charge": charge_id, "payment_method": {"id": pi["payment_method"], "object": "payment_method"}
        if pi["payment_method"] else None, "doc_url": None, "param": None,
    }


# ---- flows ----------------------------------------------------------------


def pay_with_card(state: State, session_id: str, card: cards.Card, who: Customer) -> Result:
    session = open_session(state, session_id)
    outcome = cards.outcome_for(card)
    if outcome.kind == cards.CHALLENGE:
        challenge_id = new_id("payatt_")
        if session["mode"] == "payment":
            pi = _payment_intent(state, session, session["amount_total"], customer=session["customer"])
            pi["status"] = "requires_action"
            pi["next_action"] = {"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect"}}
            state.emit("payment_intent.requires_action", pi)
        state.challenges[challenge_id] = {"session": session_id, "card": card, "who": who, "created": time.time()}
        return Result(CHALLENGE, challenge_id=challenge_id)
    if outcome.kind == cards.DECLINE:
        if session["mode"] == "payment":
            pi = _payment_intent(state, session, session["amount_total"], customer=session["customer"])
            charge = _charge(state, session, pi, who, "failed", card=card, failure=outcome)
            _fail_pi(state, pi, outcome.code or "card_declined", outcome.message or cards.DECLINED,
                     outcome.decline_code, charge["id"])
            state.emit("charge.failed", charge)
            state.emit("payment_intent.payment_failed", pi)
        return Result(DECLINED, message=outcome.message)
    return _succeed(state, session, card, who)


def _succeed(state: State, session: dict[str, Any], card: cards.Card, who: Customer) -> Result:
    if session["amount_total"] == 0:
        _customer_for(state, session, who)
        _complete(state, session, who, "no_payment_required")
        return Result(PAID)
    if session["mode"] == "subscription":
        _subscribe(state, session, who, card)
        return Result(PAID)
    customer = _customer_for(state, session, who)
    pi = _payment_intent(state, session, session["amount_total"], customer=customer)
    pi["customer"] = customer
    charge = _charge(state, session, pi, who, "succeeded", card=card)
    pi.update(status="succeeded", amount_received=pi["amount"], last_payment_error=None, next_action=None)
    state.emit("charge.succeeded", charge)
    state.emit("payment_intent.succeeded", pi)
    _complete(state, session, who, "paid")
    return Result(PAID)


def finish_challenge(state: State, challenge_id: str, approve: bool) -> tuple[str, Result]:
    """Resolve a 3-D Secure challenge; return the session id and what happened."""
    challenge = state.challenges.pop(challenge_id, None)
    if challenge is None:
        raise PaymentError("unknown")
    session = open_session(state, challenge["session"])
    if approve:
        return session["id"], _succeed(state, session, challenge["card"], challenge["who"])
    if session["mode"] == "payment" and session["payment_intent"]:
        pi = state.objects["payment_intent"][session["payment_intent"]]
        pi["next_action"] = None
        _fail_pi(state, pi, "payment_intent_authentication_failure", cards.MESSAGES["authentication_failed"],
                 None, None)
        state.emit("payment_intent.payment_failed", pi)
    return session["id"], Result(DECLINED, message=cards.MESSAGES["authentication_failed"])


def free_order(state: State, session_id: str, who: Customer) -> Result:
    """A session whose total is zero completes without payment details."""
    session = open_session(state, session_id)
    _customer_for(state, session, who)
    _complete(state, session, who, "no_payment_required")
    return Result(PAID)


def pay_with_bank(state: State, session_id: str, account: str, who: Customer, settle_after: float | None) -> Result:
    """A delayed method: the session completes unpaid and settles later."""
    session = open_session(state, session_id)
    if session["mode"] != "payment":
        raise PaymentError("bank debit is offered for one-time payments only")
    customer = _customer_for(state, session, who)
    pi = _payment_intent(state, session, session["amount_total"], customer=customer)
    charge = _charge(state, session, pi, who, "pending", account=account)
    pi.update(status="processing", processing={"type": "us_bank_account"}, payment_method_types=["us_bank_account"])
    state.emit("charge.pending", charge)
    state.emit("payment_intent.processing", pi)
    _complete(state, session, who, "unpaid")
    state.pending_settlements[session_id] = {
        "outcome": "failed" if account == cards.BANK_FAILS else "succeeded",
        "due": None if settle_after is None else time.time() + settle_after,
    }
    return Result(PROCESSING)


def settle(state: State, session_id: str, outcome: str | None = None) -> str:
    """Finish a pending bank debit with `outcome` (or the one its account number chose)."""
    pending = state.pending_settlements.pop(session_id, None)
    if pending is None:
        raise PaymentError("no pending payment for this session")
    outcome = outcome or pending["outcome"]
    session = state.objects["checkout.session"][session_id]
    pi = state.objects["payment_intent"][session["payment_intent"]]
    charge = state.objects["charge"][pi["latest_charge"]]
    pi["processing"] = None
    if outcome == "succeeded":
        charge.update(status="succeeded", paid=True, captured=True, amount_captured=charge["amount"],
                      outcome={"network_status": "approved_by_network", "reason": None, "risk_level": "not_assessed",
                               "seller_message": "Payment complete.", "type": "authorized"})
        pi.update(status="succeeded", amount_received=pi["amount"])
        session["payment_status"] = "paid"
        state.emit("charge.succeeded", charge)
        state.emit("payment_intent.succeeded", pi)
        state.emit("checkout.session.async_payment_succeeded", session)
    else:
        failure = cards.Outcome(cards.DECLINE, "insufficient_funds", "insufficient_funds",
                                "The customer's account has insufficient funds to cover this payment.")
        charge.update(status="failed", failure_code=failure.code, failure_message=failure.message)
        _fail_pi(state, pi, failure.code or "", failure.message or "", None, charge["id"])
        pi["last_payment_error"]["type"] = "invalid_request_error"
        state.emit("charge.failed", charge)
        state.emit("payment_intent.payment_failed", pi)
        state.emit("checkout.session.async_payment_failed", session)
    return outcome
