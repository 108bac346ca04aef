"""What paying a Checkout Session does: the objects it creates and the events
Stripe sends, for cards (pay, decline, 3-D Secure, Radar), delayed bank debits,
free orders and expiry. What each test card does is decided in `cards`;
this module turns the decision into Stripe objects. Callers hold `state.lock`.
"""

from __future__ import annotations

import copy
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from checkout_kit.emulator import cards, invoicing
from checkout_kit.emulator.expansion import first_page
from checkout_kit.emulator.objects import build, nested, new_id, now
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
class Customer:
    """What the customer typed on the hosted page, besides payment details."""

    email: str
    name: str
    shipping: dict[str, Any] | None = None  # {"name", "address": {...}}
    tax_ids: list[dict[str, Any]] = field(default_factory=list)  # [{"type": "eu_vat", "value": "DE…"}]


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


def _customer_for(state: State, session: dict[str, Any], who: Customer) -> str | None:
    if session["customer"]:
        return session["customer"]
    if session["mode"] == "subscription" or session.get("customer_creation") == "always" or \
            invoicing.wanted(session):  # an invoice is always addressed to a customer
        customer = add_customer(state, email=who.email, name=who.name or None, shipping=_shipping_of(who),
                                metadata={})
        session["customer"] = customer["id"]
    return session["customer"]


def _shipping_of(who: Customer) -> dict[str, Any] | None:
    if not who.shipping:
        return None
    return nested("charge", "shipping", name=who.shipping["name"], address=who.shipping["address"])


def _payment_intent(state: State, session: dict[str, Any], amount: int, description: str | None = None,
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


def _billing(who: Customer) -> dict[str, Any]:
    return nested("charge", "billing_details", email=who.email, name=who.name or None)


def _payment_method(state: State, who: Customer, customer: str | None, card: cards.Card | None,
                    account: str | None) -> dict[str, Any]:
    """The PaymentMethod the customer entered on the page (a card or a test bank account)."""
    if card is not None:
        details = {"type": "card", "card": nested(
            "payment_method", "card", brand=card.brand, last4=card.last4, exp_month=card.exp_month,
            exp_year=card.exp_year, country="US", funding="credit", display_brand=card.brand,
            fingerprint=_fingerprint(card.number), networks={"available": [card.brand], "preferred": None},
            checks={"address_line1_check": None, "address_postal_code_check": None,
                    "cvc_check": cards.lookup(card).checks.get("cvc_check", "pass")},
            three_d_secure_usage={"supported": card.brand != "amex"})}
    else:
        details = {"type": "us_bank_account", "us_bank_account": nested(
            "payment_method", "us_bank_account", account_holder_type="individual", account_type="checking",
            bank_name="STRIPE TEST BANK", last4=(account or "")[-4:], routing_number="110000000",
            fingerprint=_fingerprint(account or ""))}
    method = build("payment_method", id=new_id("pm_"), billing_details=_billing(who), customer=customer,
                   metadata={}, allow_redisplay="unspecified", **details)
    state.add(method)
    return method


def _fingerprint(number: str) -> str:
    """Stable per number, as Stripe's card fingerprints are."""
    return hashlib.sha256(number.encode()).hexdigest()[:16]


def _outcome(entry: cards.DocumentedCard | None, decline: cards.Decline | None, pending: bool = False) -> dict[str, Any] | None:
    if pending:
        return None
    risk = entry.risk_level if entry else "not_assessed"
    values: dict[str, Any] = {"risk_level": risk, "risk_score": cards.RISK_SCORES.get(risk)}
    if decline is None:
        values.update(network_status="approved_by_network", reason=None, seller_message="Payment complete.",
                      type="authorized")
    else:
        values.update(network_status=decline.network_status, reason=decline.outcome_reason,
                      seller_message=decline.seller_message, type=decline.outcome_type)
    return nested("charge", "outcome", **values)


def _charge_details(method: dict[str, Any], entry: cards.DocumentedCard | None, authenticated: bool) -> dict[str, Any]:
    if method["type"] == "card":
        pm = method["card"]
        card = nested("charge", "payment_method_details.card", brand=pm["brand"], last4=pm["last4"],
                      exp_month=pm["exp_month"], exp_year=pm["exp_year"], country=pm["country"],
                      funding=pm["funding"], fingerprint=pm["fingerprint"], network=pm["brand"],
                      checks=copy.deepcopy(pm["checks"]))
        if authenticated:
            card["three_d_secure"] = nested("charge", "payment_method_details.card.three_d_secure",
                                            authentication_flow="challenge", result="authenticated",
                                            version="2.2.0", electronic_commerce_indicator="05",
                                            transaction_id=new_id("", 32))
        return {"type": "card", "card": card}
    bank = method["us_bank_account"]
    return {"type": "us_bank_account", "us_bank_account": nested(
        "charge", "payment_method_details.us_bank_account", account_holder_type=bank["account_holder_type"],
        account_type=bank["account_type"], bank_name=bank["bank_name"], last4=bank["last4"],
        routing_number=bank["routing_number"], fingerprint=bank["fingerprint"])}


def _charge(state: State, pi: dict[str, Any], who: Customer, method: dict[str, Any], status: str,
            entry: cards.DocumentedCard | None = None, decline: cards.Decline | None = None,
            authenticated: bool = False) -> dict[str, Any]:
    charge_id = new_id("py_" if method["type"] == "us_bank_account" else "ch_")
    succeeded = status == "succeeded"
    charge = build(
        "charge", id=charge_id, amount=pi["amount"], currency=pi["currency"],
        amount_captured=pi["amount"] if succeeded else 0, amount_refunded=0, captured=succeeded,
        paid=succeeded, status=status, payment_intent=pi["id"], payment_method=method["id"],
        payment_method_details=_charge_details(method, entry, authenticated), customer=pi["customer"],
        description=pi["description"], billing_details=_billing(who),
        failure_code=decline.code if decline else None, failure_message=decline.message if decline else None,
        outcome=_outcome(entry, decline, pending=status == "pending"), receipt_email=pi["receipt_email"],
        receipt_number=None, receipt_url=f"https://pay.stripe.com/receipts/emulator/{charge_id}" if succeeded else None,
        refunds={"object": "list", "data": [], "has_more": False, "url": f"/v1/charges/{charge_id}/refunds"},
        refunded=False, disputed=False, shipping=_shipping_of(who), metadata=dict(pi["metadata"]),
        calculated_statement_descriptor="CHECKOUT KIT",
    )
    state.add(charge)
    pi["latest_charge"] = charge_id
    pi["payment_method"] = method["id"]
    if succeeded and entry and entry.effects:
        state.card_effects[charge_id] = dict(entry.effects)
    return charge


def _complete(state: State, session: dict[str, Any], who: Customer, payment_status: str) -> None:
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


def _period_seconds(recurring: dict[str, Any]) -> int:
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[recurring["interval"]]
    return days * 86400 * recurring["interval_count"]


def _plan(price: dict[str, Any]) -> dict[str, Any]:
    """The legacy `plan` view of a recurring price, which subscription items still carry."""
    recurring = price["recurring"]
    return build("plan", id=price["id"], active=price["active"], amount=price["unit_amount"],
                 amount_decimal=price["unit_amount_decimal"], billing_scheme=price["billing_scheme"],
                 created=price["created"], currency=price["currency"], interval=recurring["interval"],
                 interval_count=recurring["interval_count"], metadata=dict(price["metadata"]), meter=None,
                 nickname=price["nickname"], product=price["product"], tiers_mode=None, transform_usage=None,
                 trial_period_days=recurring["trial_period_days"], usage_type=recurring["usage_type"])


def _invoice_line(item: dict[str, Any], invoice_id: str, sub_id: str, sub_item: dict[str, Any] | None,
                  start: int, end: int) -> dict[str, Any]:
    price = item["price"]
    if sub_item is not None:
        parent = nested("line_item", "parent", type="subscription_item_details", subscription_item_details={
            "invoice_item": None, "proration": False, "proration_details": {"credited_items": None},
            "subscription": sub_id, "subscription_item": sub_item["id"]})
    else:  # a one-time price bought with a subscription is an invoice item on its first invoice
        parent = nested("line_item", "parent", type="invoice_item_details", invoice_item_details={
            "invoice_item": new_id("ii_"), "proration": False, "proration_details": {"credited_items": None},
            "subscription": sub_id})
    return build("line_item", id=new_id("il_"), amount=item["amount_total"], currency=item["currency"],
                 description=f"{item['quantity']} × {item['description']}", quantity=item["quantity"],
                 invoice=invoice_id, subscription=sub_id, parent=parent,
                 period={"start": start, "end": end if sub_item is not None else start},
                 pricing=nested("line_item", "pricing", type="price_details",
                                price_details={"price": price["id"], "product": price["product"]},
                                unit_amount_decimal=str(price["unit_amount"])),
                 subtotal=item["amount_subtotal"], discount_amounts=[], discountable=True, discounts=[],
                 metadata={})


def _subscribe(state: State, session: dict[str, Any], who: Customer, card: cards.Card, authenticated: bool) -> None:
    """Paying a subscription session: customer, subscription, paid invoice, payment."""
    customer = _customer_for(state, session, who)
    items = state.session_items[session["id"]]
    start = now()
    extras = state.session_extras.get(session["id"], {}).get("subscription_data", {})
    sub_id = new_id("sub_")
    recurring = next(i["price"]["recurring"] for i in items if i["price"]["recurring"])
    period_end = start + _period_seconds(recurring)
    sub_items = {i["id"]: build("subscription_item", id=new_id("si_", 14), price=copy.deepcopy(i["price"]),
                                plan=_plan(i["price"]), quantity=i["quantity"], subscription=sub_id, current_period_start=start,
                                current_period_end=period_end, created=start, tax_rates=[], discounts=[], metadata={})
                 for i in items if i["price"]["recurring"]}
    for sub_item in sub_items.values():
        state.add(sub_item)
    invoice_id = new_id("in_")
    lines = [_invoice_line(i, invoice_id, sub_id, sub_items.get(i["id"]), start, period_end) for i in items]
    state.invoice_lines[invoice_id] = lines
    amount = session["amount_total"]
    pi = _payment_intent(state, session, amount, "Subscription creation", customer)
    method = _payment_method(state, who, customer, card, None)
    entry = cards.lookup(card)
    charge = _charge(state, pi, who, method, "succeeded", entry, authenticated=authenticated)
    pi.update(status="succeeded", amount_received=amount)
    metadata = dict(extras.get("metadata") or {})
    subscription = build(
        "subscription", id=sub_id, customer=customer, status="active", currency=session["currency"],
        items={"object": "list", "data": [copy.deepcopy(s) for s in sub_items.values()], "has_more": False,
               "url": f"/v1/subscription_items?subscription={sub_id}"},
        latest_invoice=invoice_id, start_date=start, billing_cycle_anchor=start, created=start,
        default_payment_method=method["id"], collection_method="charge_automatically",
        cancel_at_period_end=False, metadata=metadata, description=None,
    )
    invoice = build(
        "invoice", id=invoice_id, customer=customer, customer_email=who.email, customer_name=who.name or None,
        status="paid", currency=session["currency"], amount_due=amount, amount_paid=amount, amount_remaining=0,
        amount_overpaid=0, amount_shipping=0, subtotal=session["amount_subtotal"],
        subtotal_excluding_tax=session["amount_subtotal"], total=amount, total_excluding_tax=amount,
        attempt_count=1, attempted=True, auto_advance=False, billing_reason="subscription_create",
        collection_method="charge_automatically", lines=first_page(lines, f"/v1/invoices/{invoice_id}/lines"),
        number=f"EMU-{len(state.objects['invoice']) + 1:04d}", period_start=start, period_end=start,
        parent=nested("invoice", "parent", type="subscription_details", subscription_details={
            "subscription": sub_id, "metadata": metadata, "subscription_proration_date": None}),
        status_transitions=nested("invoice", "status_transitions", finalized_at=start, paid_at=start),
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
    _after_payment(state, charge)


def _fail_pi(pi: dict[str, Any], decline: cards.Decline, method: dict[str, Any] | None, charge_id: str | None,
             error_type: str = "card_error") -> None:
    """The payment intent after a failed attempt: back to requires_payment_method, with the error."""
    pi["status"] = "requires_payment_method"
    pi["next_action"] = None
    pi["last_payment_error"] = nested(
        "payment_intent", "last_payment_error", type=error_type, code=decline.code, decline_code=decline.decline_code,
        message=decline.message, charge=charge_id, payment_method=copy.deepcopy(method) if method else None,
        payment_method_type=method["type"] if method else None,
        doc_url=f"https://stripe.com/docs/error-codes/{decline.code.replace('_', '-')}")


# ---- flows ----------------------------------------------------------------


def pay_with_card(state: State, session_id: str, card: cards.Card, who: Customer) -> Result:
    session = open_session(state, session_id)
    attempt = cards.attempt(card)
    if attempt.kind == cards.CHALLENGE:
        challenge_id = new_id("payatt_")
        if session["mode"] == "payment":
            pi = _payment_intent(state, session, session["amount_total"], customer=session["customer"])
            pi["status"] = "requires_action"
            pi["next_action"] = {"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect"}}
            state.emit("payment_intent.requires_action", pi)
        state.challenges[challenge_id] = {"session": session_id, "card": card, "who": who, "created": time.time()}
        return Result(CHALLENGE, challenge_id=challenge_id)
    return _settle_attempt(state, session, card, who, attempt, authenticated=False)


def _settle_attempt(state: State, session: dict[str, Any], card: cards.Card, who: Customer, attempt: cards.Attempt,
                    authenticated: bool) -> Result:
    if attempt.kind == cards.DECLINE and attempt.decline is not None:
        if session["mode"] == "payment":
            pi = _payment_intent(state, session, session["amount_total"], customer=session["customer"])
            method = _payment_method(state, who, None, card, None)
            charge = _charge(state, pi, who, method, "failed", cards.lookup(card), attempt.decline, authenticated)
            _fail_pi(pi, attempt.decline, method, charge["id"])
            state.emit("charge.failed", charge)
            state.emit("payment_intent.payment_failed", pi)
        return Result(DECLINED, message=attempt.message, decline_key=attempt.decline.key)
    return _succeed(state, session, card, who, authenticated)


def _succeed(state: State, session: dict[str, Any], card: cards.Card, who: Customer, authenticated: bool) -> Result:
    if session["amount_total"] == 0:
        _customer_for(state, session, who)
        _complete(state, session, who, "no_payment_required")
        return Result(PAID)
    if session["mode"] == "subscription":
        _subscribe(state, session, who, card, authenticated)
        return Result(PAID)
    customer = _customer_for(state, session, who)
    pi = _payment_intent(state, session, session["amount_total"], customer=customer)
    pi["customer"] = customer
    method = _payment_method(state, who, None, card, None)  # not saved to the customer in payment mode
    charge = _charge(state, pi, who, method, "succeeded", cards.lookup(card), authenticated=authenticated)
    pi.update(status="succeeded", amount_received=pi["amount"], last_payment_error=None, next_action=None)
    state.emit("charge.succeeded", charge)
    state.emit("payment_intent.succeeded", pi)
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
        _fail_pi(pi, failure, None, None, error_type="invalid_request_error")
        state.emit("payment_intent.payment_failed", pi)
    return session["id"], Result(DECLINED, message=failure.message, decline_key=failure.key)


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
    method = _payment_method(state, who, None, None, account)
    charge = _charge(state, pi, who, method, "pending")
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
                      outcome=_outcome(None, None))
        pi.update(status="succeeded", amount_received=pi["amount"])
        session["payment_status"] = "paid"
        state.emit("charge.succeeded", charge)
        state.emit("payment_intent.succeeded", pi)
        state.emit("checkout.session.async_payment_succeeded", session)
    else:
        charge.update(status="failed", failure_code=BANK_DECLINE.code, failure_message=BANK_DECLINE.message,
                      outcome=_outcome(None, BANK_DECLINE))
        method = state.objects["payment_method"].get(pi["payment_method"])
        _fail_pi(pi, BANK_DECLINE, method, charge["id"], error_type="invalid_request_error")
        state.emit("charge.failed", charge)
        state.emit("payment_intent.payment_failed", pi)
        state.emit("checkout.session.async_payment_failed", session)
    return outcome
