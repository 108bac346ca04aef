"""The catalog (`catalog.toml`): what may be sold, and how each product is fulfilled.

It is the allow-list: checkout only creates sessions for prices named here.
Loading validates everything and reports the exact key that is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from checkout_kit import offers as offers_module
from checkout_kit.offers import CatalogError, Offers, fail, whole

BUILTIN_FULFILLMENTS = ("download", "ticket", "subscription", "shipment", "course", "service")
WEBHOOK_FULFILLMENT = "webhook"  # the owner's system gets a signed `purchase.fulfilled` event
OWN_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")  # fullmatch: a kind of the shop's own, shown as given
# `fulfillment = "myshop.hooks:grant_role"`: a callable of the owner's, called after each sale.
CALLABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*")
INTERVALS = ("day", "week", "month", "year")
# Use fullmatch with these patterns: `$` alone also matches before a trailing newline ("usd\n").
PRODUCT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
PRODUCT_FIELDS = {"name", "description", "fulfillment", "prices", "min_quantity", "max_quantity",
                  "allow_promotion_codes", "shipping_countries", "automatic_tax", "images",
                  "shipping_rates", "invoice", "stock"}
# Where a download's file comes from (`python -m checkout_kit check` says when a product has none).
DOWNLOAD_SOURCES = ("download_file", "download_object", "download_url")
DEFAULT_DOWNLOAD_LIMIT = 5
DEFAULT_DOWNLOAD_DAYS = 7
PRICE_FIELDS = {"id", "lookup_key", "unit_amount", "currency", "recurring", "interval_count", "nickname",
                "currency_options", "trial_period_days"}
MAX_TRIAL_DAYS = 730  # Stripe's limit for subscription_data.trial_period_days
SHOP_FIELDS = {"name", "support_email", "logo", "accent", "currency_display"}
CURRENCY_DISPLAYS = ("symbol", "code")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
# fullmatch patterns, compiled at import: on Netlify the import is in the memory snapshot, and
# compiling them (pure Python in `re`) was ~10 ms of an instance's first request.
LOGO = re.compile(r"(/|https://)[^\s\"'<>]*")
PRICE_ID = re.compile(r"price_[A-Za-z0-9_]+")
COUNTRY = re.compile(r"[A-Z]{2}")
HTTPS_URL = re.compile(r"https://[^\s/?#]+[^\s]*")
LOCAL_URL = re.compile(r"http://(127\.0\.0\.1|localhost)(:\d+)?(/[^\s]*)?")


@dataclass(frozen=True)
class Shop:
    """Who is selling, from `[shop]`: what the pages (filled in by the build and the dev server),
    the emails and the success page show. `SUPPORT_EMAIL` in the environment overrides
    `support_email` (see `Services.shop`)."""

    name: str = "Shop"
    support_email: str | None = None
    logo: str | None = None  # a path in the published site (/img/logo.svg) or an https:// URL
    accent: str = "#3b3bd4"  # buttons, links and the browser's theme colour; white text sits on it
    currency_display: str = "symbol"  # "symbol" ($15.00) or "code" (15.00 USD)

    def with_support_email(self, override: str | None) -> "Shop":
        """The identity with SUPPORT_EMAIL (the environment's, where replies go) winning over [shop]'s."""
        override = (override or "").strip()
        return replace(self, support_email=override) if override else self


@dataclass(frozen=True)
class Price:
    product_key: str
    id: str | None
    lookup_key: str | None
    unit_amount: int | None
    currency: str
    recurring: str | None  # interval, or None for one-time
    interval_count: int = 1
    trial_period_days: int | None = None  # a free trial before the first charge (recurring prices only)
    currency_options: tuple[tuple[str, int], ...] = ()  # other currencies' amounts: (("eur", 1400),)

    def currencies(self) -> tuple[str, ...]:
        return (self.currency, *(c for c, _ in self.currency_options))

    @property
    def ref(self) -> str:
        return self.id or f"lookup:{self.lookup_key}"


@dataclass(frozen=True)
class Product:
    key: str
    name: str
    description: str
    fulfillment: str
    prices: tuple[Price, ...]
    min_quantity: int = 1
    max_quantity: int = 99
    allow_promotion_codes: bool = False
    shipping_countries: tuple[str, ...] = ()
    automatic_tax: bool = False
    shipping_rates: tuple[str, ...] = ()  # keys of [shipping_rates.*] the buyer chooses from
    invoice: bool = False  # an invoice for one-time purchases of it (or [checkout] invoice for all)
    stock: int | None = None  # how many may ever be sold (None: no limit)
    # Fulfillment details beyond the type (download_file, access_url, venue…): checked where the
    # kit reads them (`_details`), the rest kept as given for kinds of the shop's own.
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    shop: Shop
    products: dict[str, Product]
    offers: Offers = field(default_factory=Offers)  # coupons, shipping rates, currencies, invoices

    @property
    def shop_name(self) -> str:
        return self.shop.name

    def __post_init__(self) -> None:
        by_id: dict[str, Price] = {}
        by_lookup: dict[str, Price] = {}
        for product in self.products.values():
            for price in product.prices:
                if price.id:
                    if price.id in by_id:
                        raise CatalogError(f"price id {price.id} appears twice", f"products.{product.key}")
                    by_id[price.id] = price
                if price.lookup_key:
                    if price.lookup_key in by_lookup:
                        raise CatalogError(f"lookup_key {price.lookup_key!r} appears twice", f"products.{product.key}")
                    by_lookup[price.lookup_key] = price
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_lookup", by_lookup)

    def price_by_id(self, price_id: str) -> Price | None:
        return self._by_id.get(price_id)  # type: ignore[attr-defined]

    def price_by_lookup_key(self, key: str) -> Price | None:
        return self._by_lookup.get(key)  # type: ignore[attr-defined]

    def prices(self) -> list[Price]:
        return [p for product in self.products.values() for p in product.prices]

    def product_for(self, price: Price) -> Product:
        return self.products[price.product_key]


def _shop(raw: Any) -> Shop:
    if raw is None:
        return Shop()
    if not isinstance(raw, dict):
        raise fail("shop", "must be a table: [shop] with name = \"Your Shop\"")
    unknown = set(raw) - SHOP_FIELDS
    if unknown:
        raise fail("shop", f"unknown field(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(SHOP_FIELDS))})")
    name = raw.get("name", "Shop")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise fail("shop", "name must be the shop's name, 1 to 100 characters")
    email = raw.get("support_email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        raise fail("shop", f"support_email must be an address like help@example.com (got {email!r})")
    logo = raw.get("logo")
    if logo is not None and (not isinstance(logo, str) or not LOGO.fullmatch(logo)):
        raise fail("shop", "logo must be a path in your site like /img/logo.svg, or an https:// URL")
    accent = raw.get("accent", Shop.accent)
    if not isinstance(accent, str) or not HEX_COLOUR.fullmatch(accent):
        raise fail("shop", f"accent must be a colour like \"#3b3bd4\" (got {accent!r})")
    display = raw.get("currency_display", Shop.currency_display)
    if display not in CURRENCY_DISPLAYS:
        raise fail("shop", f"currency_display must be one of {', '.join(CURRENCY_DISPLAYS)}")
    return Shop(name=name.strip(), support_email=email or None, logo=logo or None, accent=accent.lower(),
                currency_display=display)


def _price(key: str, n: int, raw: Any) -> Price:
    where = f"products.{key}.prices[{n}]"
    if not isinstance(raw, dict):
        raise fail(where, "each price is a table")
    unknown = set(raw) - PRICE_FIELDS
    if unknown:
        raise fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    price_id = raw.get("id")
    lookup = raw.get("lookup_key")
    if not price_id and not lookup:
        raise fail(where, "needs an id (price_…) or a lookup_key")
    if price_id is not None and (not isinstance(price_id, str) or not PRICE_ID.fullmatch(price_id)):
        raise fail(where, f"id must look like price_…, got {price_id!r}")
    if lookup is not None and (not isinstance(lookup, str) or not 0 < len(lookup) <= 200):
        raise fail(where, "lookup_key must be a non-empty string")
    recurring = raw.get("recurring")
    if recurring is not None and recurring not in INTERVALS:
        raise fail(where, f"recurring must be one of {', '.join(INTERVALS)}")
    currency = offers_module.currency_code(raw.get("currency", "usd"), where)
    amount = raw.get("unit_amount")
    options = offers_module.amounts_by_currency(raw.get("currency_options", {}), where)
    if any(code == currency.lower() for code, _ in options):
        raise fail(where, "currency_options repeats the price's own currency")
    trial = raw.get("trial_period_days")
    if trial is not None:
        if recurring is None:
            raise fail(where, "trial_period_days needs a recurring price")
        trial = whole(trial, where, "trial_period_days", 1)
        if trial > MAX_TRIAL_DAYS:
            raise fail(where, f"trial_period_days must be at most {MAX_TRIAL_DAYS}")
    return Price(
        product_key=key, id=price_id, lookup_key=lookup,
        unit_amount=None if amount is None else whole(amount, where, "unit_amount"),
        currency=currency.lower(), recurring=recurring,
        interval_count=whole(raw.get("interval_count", 1), where, "interval_count", 1),
        trial_period_days=trial,
        currency_options=options,
    )


def _https(value: Any, where: str, name: str) -> str:
    """An https:// URL (http:// only for this machine, for development and tests)."""
    if not isinstance(value, str) or not (HTTPS_URL.fullmatch(value) or LOCAL_URL.fullmatch(value)):
        raise fail(where, f"{name} must be an https:// URL (got {value!r})")
    return value


def _details(where: str, fulfillment: str, details: dict[str, Any]) -> dict[str, Any]:
    """Check the fulfillment details the kit reads; normalise them to JSON-able values."""
    checked = dict(details)
    for name in ("download_url", "access_url", "course_url", "booking_url", "webhook_url"):
        if name in checked:
            checked[name] = _https(checked[name], where, name)
    # download_file is checked by `python -m checkout_kit check` (inside downloads/, present) and again
    # when served (a path that leaves downloads/ is never opened).
    if "download_object" in checked and (not isinstance(checked["download_object"], str)
                                         or not 0 < len(checked["download_object"].strip("/")) <= 1024):
        raise fail(where, f"download_object must be the object's key in your bucket, like \"books/handbook.pdf\" "
                           f"(got {checked['download_object']!r})")
    for name, low in (("download_limit", 1), ("download_days", 1)):
        if name in checked:
            checked[name] = whole(checked[name], where, name, low)
    if "venue" in checked and (not isinstance(checked["venue"], str) or not checked["venue"].strip()):
        raise fail(where, "venue must be text, like \"Room 2, 1 Main St\"")
    if "starts_at" in checked:
        starts = checked["starts_at"]
        if not isinstance(starts, dt.datetime) or starts.tzinfo is None:
            raise fail(where, "starts_at must be a date and time with its offset, like 2026-05-03T19:00:00+02:00")
        checked["starts_at"] = starts.isoformat()
    if fulfillment == WEBHOOK_FULFILLMENT and not checked.get("webhook_url"):
        raise fail(where, "fulfillment = \"webhook\" needs webhook_url, where the signed event is posted")
    return checked


def parse(data: dict[str, Any]) -> Catalog:
    products: dict[str, Product] = {}
    raw_products = data.get("products")
    if not isinstance(raw_products, dict) or not raw_products:
        raise CatalogError("catalog.toml: add at least one [products.<key>] table")
    for key, raw in raw_products.items():
        where = f"products.{key}"
        if not isinstance(key, str) or not PRODUCT_KEY.fullmatch(key):
            raise fail(where, "product keys are lowercase letters, digits, - and _ (at most 40)")
        if not isinstance(raw, dict):
            raise fail(where, "must be a table")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(where, "name is required")
        fulfillment = raw.get("fulfillment", "service")
        if not isinstance(fulfillment, str) or not (OWN_NAME.fullmatch(fulfillment) or CALLABLE.fullmatch(fulfillment)):
            raise fail(where, f"fulfillment must be one of {', '.join(BUILTIN_FULFILLMENTS)}, webhook, a callable "
                               "of yours (\"myshop.hooks:grant_access\") or a lowercase name of your own")
        prices = raw.get("prices")
        if not isinstance(prices, list) or not prices:
            raise fail(where, "needs at least one [[products.%s.prices]] entry" % key)
        min_q = whole(raw.get("min_quantity", 1), where, "min_quantity", 1)
        max_q = whole(raw.get("max_quantity", 99), where, "max_quantity", 1)
        if min_q > max_q:
            raise fail(where, "min_quantity is above max_quantity")
        countries = raw.get("shipping_countries", [])
        if not isinstance(countries, list) or any(not isinstance(c, str) or not COUNTRY.fullmatch(c) for c in countries):
            raise fail(where, "shipping_countries is a list of two-letter codes like [\"US\", \"CA\"]")
        rates = raw.get("shipping_rates", [])
        if not isinstance(rates, list) or any(r not in data.get("shipping_rates", {}) for r in rates):
            raise fail(where, "shipping_rates lists keys of [shipping_rates.*] tables")
        for flag in ("allow_promotion_codes", "automatic_tax", "invoice"):
            if not isinstance(raw.get(flag, False), bool):
                raise fail(where, f"{flag} must be true or false")
        parsed_prices = tuple(_price(key, n, p) for n, p in enumerate(prices))
        stock = None if raw.get("stock") is None else whole(raw["stock"], where, "stock")
        details = _details(where, fulfillment, {k: v for k, v in raw.items() if k not in PRODUCT_FIELDS})
        products[key] = Product(
            key=key, name=name.strip(), description=str(raw.get("description", "")), fulfillment=fulfillment,
            prices=parsed_prices, min_quantity=min_q, max_quantity=max_q,
            allow_promotion_codes=raw.get("allow_promotion_codes", False), shipping_countries=tuple(countries),
            automatic_tax=raw.get("automatic_tax", False), shipping_rates=tuple(rates),
            invoice=raw.get("invoice", False), stock=stock, details=details,
        )
    offers = offers_module.parse(data, set(products))
    return Catalog(shop=_shop(data.get("shop")), products=products, offers=offers)


def find_catalog(path: str = "catalog.toml") -> Path:
    """The catalog file: as given, else beside the package (serverless bundles run elsewhere)."""
    candidate = Path(path)
    if candidate.is_file() or candidate.is_absolute():
        return candidate
    beside = Path(__file__).resolve().parent.parent / path
    return beside if beside.is_file() else candidate


def load(path: str = "catalog.toml") -> Catalog:
    file = find_catalog(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{file}: no catalog file; copy the demo catalog.toml and edit it") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{file}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:  # a directory, no permission: still one clear catalog error, not a trace
        raise CatalogError(f"{file}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{file}: not valid TOML ({exc})") from None
    return parse(data)
