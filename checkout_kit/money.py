"""Formatting amounts given in a currency's smallest unit, as Stripe sends them."""

from __future__ import annotations

# Stripe's zero-decimal currencies: amounts are whole units.
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
# Stripe treats these as three-decimal currencies.
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹", "krw": "₩", "cad": "CA$",
           "aud": "A$", "nzd": "NZ$", "chf": "CHF ", "sek": "SEK ", "nok": "NOK ", "dkk": "DKK "}


def decimals(currency: str) -> int:
    cur = currency.lower()
    if cur in ZERO_DECIMAL:
        return 0
    if cur in THREE_DECIMAL:
        return 3
    return 2


def format_amount(amount: int, currency: str, display: str = "symbol") -> str:
    """`1999, "usd"` -> `"$19.99"`; unknown currencies, or `display="code"` ([shop] currency_display),
    get their code: `"19.99 PLN"`, `"19.99 USD"`."""
    places = decimals(currency)
    sign = "-" if amount < 0 else ""
    value = abs(amount) / (10 ** places)
    number = f"{value:,.{places}f}"
    symbol = SYMBOLS.get(currency.lower()) if display == "symbol" else None
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {currency.upper()}"
