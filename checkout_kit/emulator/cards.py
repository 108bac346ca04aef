"""Stripe's documented test cards and what each one does.

Pure decisions: given what the customer typed, say whether the card is valid,
declined (and why), needs 3-D Secure, or pays. The numbers and messages are
the ones Stripe documents for test mode.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

PAY = "pay"
DECLINE = "decline"
CHALLENGE = "challenge"


@dataclass(frozen=True)
class Card:
    number: str
    exp_month: int
    exp_year: int
    cvc: str
    brand: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True)
class Outcome:
    kind: str  # PAY, DECLINE or CHALLENGE
    code: str | None = None  # Stripe error code (card_declined, expired_card…)
    decline_code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class FormError(ValueError):
    """The card details are incomplete or invalid: shown at once, no charge is made."""

    field: str
    code: str
    message: str


DECLINED = "Your card was declined."
MESSAGES = {
    "generic_decline": DECLINED,
    "insufficient_funds": "Your card has insufficient funds.",
    "lost_card": "Your card has been declined because it was reported lost.",
    "stolen_card": "Your card has been declined because it was reported stolen.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
    "incorrect_number": "Your card number is incorrect.",
    "authentication_failed": "We are unable to authenticate your payment method. Please choose a "
                             "different payment method and try again.",
}

# number -> outcome, as Stripe's testing docs list them.
TEST_CARDS: dict[str, Outcome] = {
    "4242424242424242": Outcome(PAY),
    "4000056655665556": Outcome(PAY),
    "5555555555554444": Outcome(PAY),
    "2223003122003222": Outcome(PAY),
    "5200828282828210": Outcome(PAY),
    "378282246310005": Outcome(PAY),
    "6011111111111117": Outcome(PAY),
    "4000000000000002": Outcome(DECLINE, "card_declined", "generic_decline", MESSAGES["generic_decline"]),
    "4000000000009995": Outcome(DECLINE, "card_declined", "insufficient_funds", MESSAGES["insufficient_funds"]),
    "4000000000009987": Outcome(DECLINE, "card_declined", "lost_card", MESSAGES["lost_card"]),
    "4000000000009979": Outcome(DECLINE, "card_declined", "stolen_card", MESSAGES["stolen_card"]),
    "4000000000000069": Outcome(DECLINE, "expired_card", "expired_card", MESSAGES["expired_card"]),
    "4000000000000127": Outcome(DECLINE, "incorrect_cvc", "incorrect_cvc", MESSAGES["incorrect_cvc"]),
    "4000000000000119": Outcome(DECLINE, "processing_error", "processing_error", MESSAGES["processing_error"]),
    "4000002760003184": Outcome(CHALLENGE),
    "4000002500003155": Outcome(CHALLENGE),
    "4000000000003220": Outcome(CHALLENGE),
}

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
    if not digits.isdigit() or not 13 <= len(digits) <= 19:
        raise FormError("cardNumber", "invalid_number", "Your card number is invalid.")
    if not luhn_ok(digits):
        raise FormError("cardNumber", "incorrect_number", MESSAGES["incorrect_number"])
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


def outcome_for(card: Card) -> Outcome:
    """What Stripe's test mode does with this card; unlisted valid numbers pay."""
    return TEST_CARDS.get(card.number, Outcome(PAY))
