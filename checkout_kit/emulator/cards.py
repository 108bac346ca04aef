"""Stripe's documented test cards and what each one does, in one table.

Pure decisions: given what the customer typed, say whether the card details
are valid, and what a payment attempt with the card does — pay, ask for
3-D Secure, or decline (and how, down to the error codes and the charge's
`outcome`). The numbers, codes and messages are the ones Stripe documents for
test mode (docs.stripe.com/testing); docs/emulator.md lists the table.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

PAY = "pay"
DECLINE = "decline"
CHALLENGE = "challenge"


@dataclass(frozen=True)
class Card:
    """Card details as typed on the page (already validated by `parse_card`)."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str
    brand: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True)
class Decline:
    """How a declined attempt looks: the error on the payment intent and the charge's outcome."""

    code: str  # last_payment_error.code / charge.failure_code
    decline_code: str | None
    message: str
    outcome_type: str = "issuer_declined"  # charge.outcome.type
    network_status: str = "declined_by_network"
    reason: str | None = None  # charge.outcome.reason (defaults to the decline code)
    seller_message: str | None = None

    @property
    def outcome_reason(self) -> str | None:
        return self.reason or self.decline_code

    @property
    def key(self) -> str:
        """The most specific code, which names the decline in the hosted page's `?error=`."""
        return self.decline_code or self.code


@dataclass(frozen=True)
class DocumentedCard:
    """One documented test card: what Stripe says it does, and how the emulator plays it."""

    number: str
    name: str  # Stripe's name for the scenario
    documented: str  # what Stripe's testing page says it does (shown in docs/emulator.md)
    decline: Decline | None = None  # declined when charged (after authentication, if any)
    authenticate: bool = False  # asks for 3-D Secure on this (on-session) payment
    risk_level: str = "normal"  # charge.outcome.risk_level
    effects: dict[str, str] = field(default_factory=dict)  # what follows the payment (disputes, refunds)
    checks: dict[str, str] = field(default_factory=dict)  # payment_method_details.card.checks overrides
    charge_only: bool = False  # saving it for later works; only charging it declines (…0341)
    authenticate_off_session: bool = False  # asks for 3-D Secure even when charged without the customer


@dataclass(frozen=True)
class Attempt:
    """What one payment attempt does: PAY, DECLINE or CHALLENGE (with the decline, if any)."""

    kind: str
    decline: Decline | None = None

    @property
    def message(self) -> str | None:
        return self.decline.message if self.decline else None


@dataclass(frozen=True)
class FormError(ValueError):
    """The card details are incomplete or invalid: shown at once, no charge is made."""

    field: str
    code: str
    message: str


DECLINED = "Your card was declined."
AUTHENTICATION_FAILED = ("We are unable to authenticate your payment method. Please choose a different payment "
                         "method and try again.")
INVALID_NUMBER = "Your card number is invalid."


def _issuer(decline_code: str, message: str = DECLINED, code: str = "card_declined") -> Decline:
    seller = ("The bank did not return any further details with this decline." if decline_code == "generic_decline"
              else f"The bank returned the decline code `{decline_code}`.")
    return Decline(code, decline_code, message, seller_message=seller)


# Radar blocks before the card network is asked; Stripe shows the customer a plain decline.
RADAR_BLOCK = Decline("card_declined", "fraudulent", DECLINED, outcome_type="blocked",
                      network_status="not_sent_to_network", reason="highest_risk_level",
                      seller_message="Stripe blocked this payment as too risky.")
INSUFFICIENT_FUNDS = _issuer("insufficient_funds", "Your card has insufficient funds.")
GENERIC = _issuer("generic_decline")

_CARDS = [
    # Cards that pay (brands), as Stripe lists them.
    DocumentedCard("4242424242424242", "Visa", "Succeeds."),
    DocumentedCard("4000056655665556", "Visa (debit)", "Succeeds."),
    DocumentedCard("5555555555554444", "Mastercard", "Succeeds."),
    DocumentedCard("2223003122003222", "Mastercard (2-series)", "Succeeds."),
    DocumentedCard("5200828282828210", "Mastercard (debit)", "Succeeds."),
    DocumentedCard("378282246310005", "American Express", "Succeeds; 3-D Secure is not supported."),
    DocumentedCard("6011111111111117", "Discover", "Succeeds."),
    # Declines.
    DocumentedCard("4000000000000002", "Generic decline", "Declined: card_declined, generic_decline.", GENERIC),
    DocumentedCard("4000000000009995", "Insufficient funds decline", "Declined: card_declined, insufficient_funds.",
             INSUFFICIENT_FUNDS),
    DocumentedCard("4000000000009987", "Lost card decline", "Declined: card_declined, lost_card.", _issuer("lost_card")),
    DocumentedCard("4000000000009979", "Stolen card decline", "Declined: card_declined, stolen_card.",
             _issuer("stolen_card")),
    DocumentedCard("4000000000000069", "Expired card decline", "Declined: expired_card.",
             _issuer("expired_card", "Your card has expired.", code="expired_card")),
    DocumentedCard("4000000000000127", "Incorrect CVC decline", "Declined: incorrect_cvc.",
             _issuer("incorrect_cvc", "Your card's security code is incorrect.", code="incorrect_cvc"),
             checks={"cvc_check": "fail"}),
    DocumentedCard("4000000000000119", "Processing error decline", "Declined: processing_error.",
             _issuer("processing_error", "An error occurred while processing your card. Try again in a little bit.",
                     code="processing_error")),
    DocumentedCard("4000000000006975", "Exceeding velocity limit decline",
             "Declined: card_declined, card_velocity_exceeded.",
             _issuer("card_velocity_exceeded", "Your card was declined for making repeated attempts too frequently "
                                               "or exceeding its amount limit.")),
    DocumentedCard("4000000000000341", "Decline after attaching",
             "Attaching it to a customer succeeds; charging it fails: card_declined, generic_decline.", GENERIC,
             charge_only=True),
    DocumentedCard("4000000000000101", "CVC check fails",
             "The cvc_check fails; the default Radar rule declines the payment: incorrect_cvc.",
             _issuer("incorrect_cvc", "Your card's security code is incorrect.", code="incorrect_cvc"),
             checks={"cvc_check": "fail"}),
    # 3-D Secure (Checkout payments are on-session, so these ask for authentication).
    DocumentedCard("4000002760003184", "Always authenticate", "Requires authentication on every payment.",
             authenticate=True, authenticate_off_session=True),
    DocumentedCard("4000002500003155", "Authenticate unless set up",
             "Requires authentication on-session (and off-session unless set up).", authenticate=True),
    DocumentedCard("4000003800000446", "Already set up", "Requires authentication for on-session payments.",
             authenticate=True),
    DocumentedCard("4000000000003220", "3DS2 required", "3-D Secure 2 authentication must be completed.",
             authenticate=True),
    DocumentedCard("4000000000003063", "3DS required", "3-D Secure authentication must be completed.",
             authenticate=True),
    DocumentedCard("4000008260003178", "Insufficient funds after authentication",
             "Requires authentication, then declines: card_declined, insufficient_funds.", INSUFFICIENT_FUNDS,
             authenticate=True),
    DocumentedCard("4000008400001629", "Decline after authentication",
             "Requires authentication, then declines: card_declined.", GENERIC, authenticate=True),
    DocumentedCard("4000000000003055", "3DS supported", "3-D Secure is supported but not required: pays without it."),
    # Radar.
    DocumentedCard("4100000000000019", "Always blocked", "Risk level highest; Radar always blocks it.", RADAR_BLOCK,
             risk_level="highest"),
    DocumentedCard("4000000000004954", "Highest risk",
             "Risk level highest; blocked by the default Radar rule (block if highest risk).", RADAR_BLOCK,
             risk_level="highest"),
    DocumentedCard("4000000000009235", "Elevated risk", "Risk level elevated; pays.", risk_level="elevated"),
    # Disputes and refunds (the dispute and refund objects come later; the charge records what will happen).
    DocumentedCard("4000000000000259", "Fraudulent dispute", "Pays, then is disputed as fraudulent.",
             effects={"dispute": "fraudulent"}),
    DocumentedCard("4000000000002685", "Product not received dispute", "Pays, then is disputed as product not received.",
             effects={"dispute": "product_not_received"}),
    DocumentedCard("4000000000001976", "Inquiry", "Pays, then is disputed as an inquiry.", effects={"dispute": "inquiry"}),
    DocumentedCard("4000000000005423", "Early fraud warning", "Pays, then receives an early fraud warning.",
             effects={"early_fraud_warning": "fraudulent"}),
    DocumentedCard("4000000000005126", "Refund fails",
             "Pays; a refund succeeds at first, then fails with failure_reason expired_or_canceled_card.",
             effects={"refund_failure": "expired_or_canceled_card"}),
]
TEST_CARDS: dict[str, DocumentedCard] = {card.number: card for card in _CARDS}
RISK_SCORES = {"normal": 20, "elevated": 70, "highest": 85}

# Stripe's ACH test account numbers: the payment succeeds or fails after a delay.
BANK_SUCCEEDS = "000123456789"
BANK_FAILS = "000111111113"


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_of(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in ("34", "37"):
        return "amex"
    if number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        return "mastercard"
    if number.startswith("6011") or number.startswith("65"):
        return "discover"
    return "unknown"


def parse_card(number: str, expiry: str, cvc: str, today: time.struct_time | None = None) -> Card:
    """Validate the card fields as the hosted page does before any charge; raise FormError."""
    digits = re.sub(r"[\s-]", "", number or "")
    if not digits:
        raise FormError("cardNumber", "incomplete_number", "Your card number is incomplete.")
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or not luhn_ok(digits):
        # Stripe's form refuses a number failing the Luhn check (4242424242424241) before charging.
        raise FormError("cardNumber", "invalid_number", INVALID_NUMBER)
    m = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not m:
        raise FormError("cardExpiry", "incomplete_expiry", "Your card's expiration date is incomplete.")
    month, year = int(m.group(1)), int(m.group(2))
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        raise FormError("cardExpiry", "invalid_expiry_month", "Your card's expiration month is invalid.")
    today = today or time.gmtime()
    if (year, month) < (today.tm_year, today.tm_mon):
        raise FormError("cardExpiry", "invalid_expiry_year_past", "Your card's expiration year is in the past.")
    brand = brand_of(digits)
    cvc = (cvc or "").strip()
    if not cvc.isdigit() or len(cvc) != (4 if brand == "amex" else 3):
        raise FormError("cardCvc", "incomplete_cvc", "Your card's security code is incomplete.")
    return Card(digits, month, year, cvc, brand)


def lookup(number: str) -> DocumentedCard:
    """The table's entry for this number; any other valid number pays, as in Stripe's test mode."""
    return TEST_CARDS.get(number) or DocumentedCard(number, "Other valid number", "Succeeds.")


AUTHENTICATION_FAILURE = Decline("payment_intent_authentication_failure", None, AUTHENTICATION_FAILED)


def message_for(key: str) -> str | None:
    """The customer-facing message of a decline, by its `key` (for the page's `?error=`)."""
    known = [AUTHENTICATION_FAILURE] + [c.decline for c in TEST_CARDS.values() if c.decline]
    return next((d.message for d in known if d.key == key), None)


def attempt(card: Card, authenticated: bool = False) -> Attempt:
    """What a payment attempt does, before or after the customer completed 3-D Secure."""
    entry = lookup(card.number)
    if entry.authenticate and not authenticated:
        return Attempt(CHALLENGE)
    if entry.decline:
        return Attempt(DECLINE, entry.decline)
    return Attempt(PAY)


def setup_attempt(card: Card) -> Attempt:
    """Saving a card for later (a trial's Checkout, the customer portal): it fails as a charge would,
    except for cards that decline only when charged (…0341 attaches). No 3-D Secure is played."""
    entry = lookup(card.number)
    if entry.decline and not entry.charge_only:
        return Attempt(DECLINE, entry.decline)
    return Attempt(PAY)


def off_session_attempt(card: Card) -> Attempt:
    """A charge made without the customer (a renewal, a retry): a card that asks for authentication
    on every payment needs the customer back (CHALLENGE); a saved card that authenticated when it
    was set up pays or declines as its number says."""
    entry = lookup(card.number)
    if entry.authenticate_off_session:
        return Attempt(CHALLENGE)
    if entry.decline:
        return Attempt(DECLINE, entry.decline)
    return Attempt(PAY)
