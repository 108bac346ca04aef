"""Money moving: the payment methods a customer enters, the charges made with them, and what a
failed attempt leaves on its payment intent. Shared by Checkout (`payments`), subscription
billing (`billing`) and the customer portal, so a card behaves the same wherever it is used.
Callers hold `state.lock`.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any

from checkout_kit.emulator import cards
from checkout_kit.emulator.objects import build, nested, new_id
from checkout_kit.emulator.state import State


@dataclass
class Customer:
    """What the customer typed on the hosted page, besides payment details."""

    email: str
    name: str
    shipping: dict[str, Any] | None = None  # {"name", "address": {...}}
    tax_ids: list[dict[str, Any]] = field(default_factory=list)  # [{"type": "eu_vat", "value": "DE…"}]



def shipping_of(who: Customer) -> dict[str, Any] | None:
    if not who.shipping:
        return None
    return nested("charge", "shipping", name=who.shipping["name"], address=who.shipping["address"])



def billing_details(who: Customer) -> dict[str, Any]:
    return nested("charge", "billing_details", email=who.email, name=who.name or None)


def payment_method(state: State, who: Customer, customer: str | None, card: cards.Card | None,
                    account: str | None) -> dict[str, Any]:
    """The PaymentMethod the customer entered on the page (a card or a test bank account)."""
    if card is not None:
        details = {"type": "card", "card": nested(
            "payment_method", "card", brand=card.brand, last4=card.last4, exp_month=card.exp_month,
            exp_year=card.exp_year, country="US", funding="credit", display_brand=card.brand,
            fingerprint=fingerprint(card.number), networks={"available": [card.brand], "preferred": None},
            checks={"address_line1_check": None, "address_postal_code_check": None,
                    "cvc_check": cards.lookup(card.number).checks.get("cvc_check", "pass")},
            three_d_secure_usage={"supported": card.brand != "amex"})}
    else:
        details = {"type": "us_bank_account", "us_bank_account": nested(
            "payment_method", "us_bank_account", account_holder_type="individual", account_type="checking",
            bank_name="STRIPE TEST BANK", last4=(account or "")[-4:], routing_number="110000000",
            fingerprint=fingerprint(account or ""))}
    method = build("payment_method", id=new_id("pm_"), billing_details=billing_details(who), customer=customer,
                   metadata={}, allow_redisplay="unspecified", **details)
    state.add(method)
    if card is not None:  # what the card does when charged later (renewals) depends on its number
        state.card_numbers[method["id"]] = card.number
    return method


def fingerprint(number: str) -> str:
    """Stable per number, as Stripe's card fingerprints are."""
    return hashlib.sha256(number.encode()).hexdigest()[:16]


def outcome(entry: cards.DocumentedCard | None, decline: cards.Decline | None, pending: bool = False) -> dict[str, Any] | None:
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


def charge_details(method: dict[str, Any], entry: cards.DocumentedCard | None, authenticated: bool) -> dict[str, Any]:
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


def record_charge(state: State, pi: dict[str, Any], who: Customer, method: dict[str, Any], status: str,
            entry: cards.DocumentedCard | None = None, decline: cards.Decline | None = None,
            authenticated: bool = False) -> dict[str, Any]:
    charge_id = new_id("py_" if method["type"] == "us_bank_account" else "ch_")
    succeeded = status == "succeeded"
    charge = build(
        "charge", id=charge_id, amount=pi["amount"], currency=pi["currency"],
        amount_captured=pi["amount"] if succeeded else 0, amount_refunded=0, captured=succeeded,
        paid=succeeded, status=status, payment_intent=pi["id"], payment_method=method["id"],
        payment_method_details=charge_details(method, entry, authenticated), customer=pi["customer"],
        description=pi["description"], billing_details=billing_details(who),
        failure_code=decline.code if decline else None, failure_message=decline.message if decline else None,
        outcome=outcome(entry, decline, pending=status == "pending"), receipt_email=pi["receipt_email"],
        receipt_number=None, receipt_url=f"https://pay.stripe.com/receipts/emulator/{charge_id}" if succeeded else None,
        refunds={"object": "list", "data": [], "has_more": False, "url": f"/v1/charges/{charge_id}/refunds"},
        refunded=False, disputed=False, shipping=shipping_of(who), metadata=dict(pi["metadata"]),
        calculated_statement_descriptor="CHECKOUT KIT",
    )
    state.add(charge)
    pi["latest_charge"] = charge_id
    pi["payment_method"] = method["id"]
    if succeeded and entry and entry.effects:
        state.card_effects[charge_id] = dict(entry.effects)
    return charge



def fail_intent(pi: dict[str, Any], decline: cards.Decline, method: dict[str, Any] | None, charge_id: str | None,
             error_type: str = "card_error") -> None:
    """The payment intent after a failed attempt: back to requires_payment_method, with the error."""
    pi["status"] = "requires_payment_method"
    pi["next_action"] = None
    pi["last_payment_error"] = nested(
        "payment_intent", "last_payment_error", type=error_type, code=decline.code, decline_code=decline.decline_code,
        message=decline.message, charge=charge_id, payment_method=copy.deepcopy(method) if method else None,
        payment_method_type=method["type"] if method else None,
        doc_url=f"https://stripe.com/docs/error-codes/{decline.code.replace('_', '-')}")


def require_action(state: State, pi: dict[str, Any], **changes: Any) -> None:
    """The payment asks the customer for 3-D Secure: `payment_intent.requires_action`."""
    pi.update(status="requires_action", next_action={
        "type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect"}}, **changes)
    state.emit("payment_intent.requires_action", pi)


def record_decline(state: State, pi: dict[str, Any], who: Customer, method: dict[str, Any],
                   entry: cards.DocumentedCard | None, declined: cards.Decline, authenticated: bool) -> dict[str, Any]:
    """A declined card payment: the failed charge, the intent back to requires_payment_method,
    `charge.failed`, `payment_intent.payment_failed`."""
    charge = record_charge(state, pi, who, method, "failed", entry, declined, authenticated)
    fail_intent(pi, declined, method, charge["id"])
    state.emit("charge.failed", charge)
    state.emit("payment_intent.payment_failed", pi)
    return charge


def record_success(state: State, pi: dict[str, Any], who: Customer, method: dict[str, Any],
                   entry: cards.DocumentedCard | None, authenticated: bool) -> dict[str, Any]:
    """A card payment that goes through: the charge, the intent succeeded, `charge.succeeded`,
    `payment_intent.succeeded`."""
    charge = record_charge(state, pi, who, method, "succeeded", entry, authenticated=authenticated)
    pi.update(status="succeeded", amount_received=pi["amount"], last_payment_error=None, next_action=None)
    state.emit("charge.succeeded", charge)
    state.emit("payment_intent.succeeded", pi)
    return charge
