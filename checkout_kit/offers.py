"""What the catalog says about prices beyond the products themselves: coupons
and their promotion codes, shipping rates, the currencies offered, and
invoices for one-time purchases.

`catalog.toml` tables (all optional; docs/payments.md shows each):

    [checkout]
    currencies = ["usd", "eur"]      # offered; the first is the default
    invoice = true                   # an invoice for every one-time purchase
    invoice_footer = "VAT reg. …"
    invoice_fields = [{ name = "PO", value = "…" }]

    [coupons.launch]                 # the key is the coupon's id in Stripe
    name = "Launch week"
    percent_off = 20                 # or amount_off = 500 with currency = "usd"
    duration = "once"                # once, forever, repeating (+ duration_in_months)
    max_redemptions = 100
    redeem_by = 2027-01-31           # a TOML date or date-time
    products = ["ebook"]             # restrict to these product keys
    codes = ["LAUNCH20"]             # promotion codes buyers type

    [shipping_rates.standard]
    name = "Standard"
    amount = 500
    currency = "usd"
    currency_options = { eur = 450 }
    min_days = 3
    max_days = 5

Parsing is pure and reports the exact key that is wrong, like the catalog's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

CURRENCY = re.compile(r"[a-z]{3}")
CODE = re.compile(r"[A-Za-z0-9_-]{3,200}")
COUPON_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")
DURATIONS = ("once", "forever", "repeating")


class CatalogError(ValueError):
    """The catalog file is missing or wrong; the message says where (`where` is the TOML table, when known).
    Defined here, where the catalog's parts are parsed first; `checkout_kit.catalog` exports it."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Coupon:
    key: str
    name: str | None
    percent_off: float | None
    amount_off: int | None
    currency: str | None
    duration: str = "once"
    duration_in_months: int | None = None
    max_redemptions: int | None = None
    redeem_by: int | None = None
    products: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShippingRate:
    key: str
    name: str
    amount: int
    currency: str
    currency_options: tuple[tuple[str, int], ...] = ()
    min_days: int | None = None
    max_days: int | None = None

    def amount_in(self, currency: str) -> int | None:
        if currency == self.currency:
            return self.amount
        return dict(self.currency_options).get(currency)


@dataclass(frozen=True)
class Offers:
    coupons: dict[str, Coupon] = field(default_factory=dict)
    shipping_rates: dict[str, ShippingRate] = field(default_factory=dict)
    currencies: tuple[str, ...] = ()  # empty: each price's own currency only
    invoice: bool = False
    invoice_footer: str | None = None
    invoice_fields: tuple[tuple[str, str], ...] = ()


def fail(where: str, problem: str) -> CatalogError:
    """The error for a problem in the catalog's table `where` (`make check` shows that table's line)."""
    return CatalogError(f"catalog.toml [{where}]: {problem}", where)


def whole(value: Any, where: str, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(where, f"{name} must be a whole number ≥ {minimum}")
    return value


def currency_code(value: Any, where: str, name: str = "currency") -> str:
    """A three-letter currency code, lower-cased."""
    if not isinstance(value, str) or not CURRENCY.fullmatch(value.lower()):
        raise fail(where, f"{name} must be a three-letter code such as usd")
    return value.lower()


def amounts_by_currency(value: Any, where: str,
                        name: str = "currency_options") -> tuple[tuple[str, int], ...]:
    """`{ eur = 450, gbp = 400 }` -> (("eur", 450), ("gbp", 400))."""
    if not isinstance(value, dict):
        raise fail(where, f"{name} is a table like {{ eur = 450 }}")
    return tuple((currency_code(code, where, f"{name} key {code!r}"),
                  whole(amount, where, f"{name}.{code}")) for code, amount in value.items())


def _timestamp(value: Any, where: str) -> int:
    if isinstance(value, dt.datetime):
        return int((value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).timestamp())
    if isinstance(value, dt.date):
        return int(dt.datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=dt.timezone.utc).timestamp())
    raise fail(where, "redeem_by is a TOML date like 2027-01-31")


COUPON_FIELDS = {"name", "percent_off", "amount_off", "currency", "duration", "duration_in_months",
                 "max_redemptions", "redeem_by", "products", "codes"}


def _coupon(key: str, raw: Any, product_keys: set[str]) -> Coupon:
    where = f"coupons.{key}"
    if not COUPON_KEY.fullmatch(key) or not isinstance(raw, dict):
        raise fail(where, "a coupon is a table whose key is letters, digits, - and _")
    unknown = set(raw) - COUPON_FIELDS
    if unknown:
        raise fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    if ("percent_off" in raw) == ("amount_off" in raw):
        raise fail(where, "give percent_off or amount_off (with currency), not both")
    percent = amount = currency = None
    if "percent_off" in raw:
        percent = raw["percent_off"]
        if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 < percent <= 100:
            raise fail(where, "percent_off is a number above 0 and at most 100")
        percent = float(percent)
    else:
        amount = whole(raw["amount_off"], where, "amount_off", 1)
        currency = currency_code(raw.get("currency"), where)
    duration = raw.get("duration", "once")
    if duration not in DURATIONS:
        raise fail(where, f"duration is one of {', '.join(DURATIONS)}")
    months = None
    if duration == "repeating":
        months = whole(raw.get("duration_in_months"), where, "duration_in_months", 1)
    products = raw.get("products", [])
    if not isinstance(products, list) or any(p not in product_keys for p in products):
        raise fail(where, f"products lists product keys of this catalog ({', '.join(sorted(product_keys))})")
    codes = raw.get("codes", [])
    if not isinstance(codes, list) or any(not isinstance(c, str) or not CODE.fullmatch(c) for c in codes):
        raise fail(where, "codes is a list of codes of 3 to 200 letters, digits, - and _")
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or not 0 < len(name) <= 40):
        raise fail(where, "name is text of at most 40 characters")
    return Coupon(
        key=key, name=name, percent_off=percent, amount_off=amount, currency=currency, duration=duration,
        duration_in_months=months,
        max_redemptions=whole(raw["max_redemptions"], where, "max_redemptions", 1)
        if "max_redemptions" in raw else None,
        redeem_by=_timestamp(raw["redeem_by"], where) if "redeem_by" in raw else None,
        products=tuple(products), codes=tuple(codes))


RATE_FIELDS = {"name", "amount", "currency", "currency_options", "min_days", "max_days"}


def _shipping_rate(key: str, raw: Any) -> ShippingRate:
    where = f"shipping_rates.{key}"
    if not isinstance(raw, dict):
        raise fail(where, "must be a table")
    unknown = set(raw) - RATE_FIELDS
    if unknown:
        raise fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise fail(where, "name is required (what the buyer sees, e.g. \"Standard\")")
    low = whole(raw["min_days"], where, "min_days", 1) if "min_days" in raw else None
    high = whole(raw["max_days"], where, "max_days", 1) if "max_days" in raw else None
    if low and high and low > high:
        raise fail(where, "min_days is above max_days")
    return ShippingRate(key=key, name=name.strip(), amount=whole(raw.get("amount"), where, "amount"),
                        currency=currency_code(raw.get("currency", "usd"), where),
                        currency_options=amounts_by_currency(raw.get("currency_options", {}), where),
                        min_days=low, max_days=high)


CHECKOUT_FIELDS = {"currencies", "invoice", "invoice_footer", "invoice_fields"}


def parse(data: dict[str, Any], product_keys: set[str]) -> Offers:
    raw = data.get("checkout", {})
    if not isinstance(raw, dict):
        raise fail("checkout", "must be a table")
    unknown = set(raw) - CHECKOUT_FIELDS
    if unknown:
        raise fail("checkout", f"unknown field(s) {', '.join(sorted(unknown))}")
    currencies = raw.get("currencies", [])
    if not isinstance(currencies, list):
        raise fail("checkout", "currencies is a list like [\"usd\", \"eur\"]")
    if not isinstance(raw.get("invoice", False), bool):
        raise fail("checkout", "invoice must be true or false")
    footer = raw.get("invoice_footer")
    if footer is not None and (not isinstance(footer, str) or len(footer) > 5000):
        raise fail("checkout", "invoice_footer is text")
    fields = raw.get("invoice_fields", [])
    if not isinstance(fields, list) or len(fields) > 4 or any(
            not isinstance(f, dict) or set(f) != {"name", "value"} or not all(
                isinstance(v, str) and 0 < len(v) <= (40 if k == "name" else 140) for k, v in f.items())
            for f in fields):
        raise fail("checkout", "invoice_fields is up to 4 { name = \"…\", value = \"…\" } (40/140 characters)")
    coupons = data.get("coupons", {})
    rates = data.get("shipping_rates", {})
    if not isinstance(coupons, dict) or not isinstance(rates, dict):
        raise fail("coupons", "coupons and shipping_rates are tables of tables")
    parsed_coupons = {k: _coupon(k, v, product_keys) for k, v in coupons.items()}
    seen: dict[str, str] = {}
    for coupon in parsed_coupons.values():
        for code in coupon.codes:
            if code.lower() in seen:
                raise fail(f"coupons.{coupon.key}", f"code {code} is also a code of {seen[code.lower()]}")
            seen[code.lower()] = coupon.key
    return Offers(
        coupons=parsed_coupons,
        shipping_rates={k: _shipping_rate(k, v) for k, v in rates.items()},
        currencies=tuple(currency_code(c, "checkout", "currencies") for c in currencies),
        invoice=raw.get("invoice", False), invoice_footer=footer,
        invoice_fields=tuple((f["name"], f["value"]) for f in fields))
