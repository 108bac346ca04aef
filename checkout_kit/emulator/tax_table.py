"""The emulator's fake tax: a fixed, documented rate per country.

NOT REAL TAX. Stripe Tax decides rates from product tax codes, registrations
and addresses; the emulator only needs something deterministic that changes
amounts, so tests and demos see tax on sessions, receipts and invoices. The
table (percent, tax type) is listed in docs/emulator.md; any other country is
"not_collecting" (0%). Exclusive tax: it is added on top of the discounted
line amounts and the shipping cost, rounded half up per line.
"""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.objects import build, now
from checkout_kit.emulator.state import State

# country -> (percent, Stripe tax_type). Round figures chosen to be easy to check by hand.
RATES: dict[str, tuple[float, str]] = {
    "US": (5.0, "sales_tax"), "CA": (13.0, "hst"), "GB": (20.0, "vat"), "DE": (19.0, "vat"),
    "FR": (20.0, "vat"), "NL": (21.0, "vat"), "IE": (23.0, "vat"), "AU": (10.0, "gst"),
    "JP": (10.0, "jct"), "NZ": (15.0, "gst"),
}
LABEL = "Emulated tax (not real)"


def rate_for(country: str | None) -> tuple[float, str] | None:
    return RATES.get((country or "").upper())


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator in integers, rounded half up (denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def percent_of(amount: int, percent: float) -> int:
    """`percent` of `amount` (smallest unit), rounded half up: the exclusive tax on it, or what a
    percent coupon takes off it. Integer maths: 5% of 2500 is 125."""
    hundredths = round(percent * 100)  # to two decimals (the table's percents have no more)
    return half_up(amount * hundredths, 10000)


def tax_rate_object(state: State, country: str) -> dict[str, Any]:
    """The tax_rate object for a country's row (created once per account, id stable per country)."""
    rate_id = f"txr_emu{country.upper()}"
    existing = state.objects["tax_rate"].get(rate_id)
    if existing is not None:
        return existing
    percent, tax_type = RATES[country.upper()]
    return state.add(build(
        "tax_rate", id=rate_id, active=True, country=country.upper(), created=now(),
        description="Fixed emulator rate, not real tax", display_name=LABEL, effective_percentage=percent,
        flat_amount=None, inclusive=False, jurisdiction=country.upper(), jurisdiction_level="country",
        metadata={}, percentage=percent, rate_type="percentage", state=None, tax_type=tax_type,
    ))
