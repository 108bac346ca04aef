"""Creating a Checkout Session from a buyer's request.

`parse_json` / `parse_form` turn a request body into a `CartRequest` (pure,
strict), `build_session_params` turns it into Stripe's parameters using only
the catalog (pure), and `create_session` does the one Stripe call. An order
exists only once a session completes; the one write here is a stock hold, for
carts with a product that has a `stock` (see `stock.py`).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, Mapping

from checkout_kit.catalog import Catalog, Price
from checkout_kit.config import Settings
from checkout_kit import session_options
from checkout_kit.mail import valid_address
from checkout_kit.stripe_gateway import INVALID_PRICE, Gateway, GatewayError

log = logging.getLogger("checkout_kit.checkout")

KIT_METADATA_KEY = "kit"
KIT_METADATA_VALUE = "checkout-kit"
MAX_LINES = 20
MAX_QUANTITY = 999
REFERENCE = re.compile(r"[A-Za-z0-9_.:-]{1,200}")  # fullmatch: "$" would accept a trailing newline
FORM_QUANTITY = re.compile(r"[0-9]{1,9}")


def is_kit(obj: dict[str, Any]) -> bool:
    """Made by the kit (its sessions, and the subscriptions, charges and portal configuration that
    carry its mark): other apps on the same Stripe account have their own."""
    return (obj.get("metadata") or {}).get(KIT_METADATA_KEY) == KIT_METADATA_VALUE


class CheckoutError(Exception):
    """A request the shop refuses, with the HTTP status and a message for the buyer."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad(code: str, message: str) -> CheckoutError:
    return CheckoutError(400, code, message)


@dataclass(frozen=True)
class CartLine:
    price: Price
    quantity: int


@dataclass(frozen=True)
class CartRequest:
    lines: tuple[CartLine, ...]
    customer_email: str | None = None
    client_reference_id: str | None = None
    currency: str | None = None  # the buyer's choice among the offered currencies
    promotion_code: str | None = None  # a code to apply (looked up in Stripe), instead of the code field
    ui_mode: str = "hosted_page"  # or "embedded_page": Checkout mounted in the shop's own page


def _quantity(value: Any, where: str) -> int:
    """A JSON integer within bounds. Callers pass 1 when the field is absent; an explicit null is refused."""
    # bool is an int in Python; JSON true must not buy one item.
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad("invalid_quantity", f"{where}quantity must be a whole number.")
    if not 1 <= value <= MAX_QUANTITY:
        raise bad("invalid_quantity", f"{where}quantity must be between 1 and {MAX_QUANTITY}.")
    return value


def _price(catalog: Catalog, price_id: Any, lookup_key: Any, where: str) -> Price:
    if (price_id is None) == (lookup_key is None):
        raise bad("invalid_body", f"{where}give either priceId or lookupKey.")
    if price_id is not None:
        if not isinstance(price_id, str) or not price_id.startswith("price_"):
            raise bad("unknown_price", f"{where}priceId must look like price_….")
        price = catalog.price_by_id(price_id)
    else:
        if not isinstance(lookup_key, str) or not lookup_key:
            raise bad("unknown_price", f"{where}lookupKey must be a non-empty string.")
        price = catalog.price_by_lookup_key(lookup_key)
    if price is None:
        raise bad("unknown_price", "That item is not for sale here.")
    return price


def _merge(catalog: Catalog, pairs: list[tuple[Price, int]]) -> tuple[CartLine, ...]:
    """Merge repeated prices, then check each product's quantity bounds on the totals."""
    merged: dict[str, int] = {}
    prices: dict[str, Price] = {}
    for price, quantity in pairs:
        merged[price.ref] = merged.get(price.ref, 0) + quantity
        prices[price.ref] = price
    per_product: dict[str, int] = {}
    for ref, quantity in merged.items():
        key = prices[ref].product_key
        per_product[key] = per_product.get(key, 0) + quantity
    for key, total in per_product.items():
        product = catalog.products[key]
        if not product.min_quantity <= total <= product.max_quantity:
            if product.min_quantity == product.max_quantity:
                allowed = f"exactly {product.min_quantity}"
            else:
                allowed = f"between {product.min_quantity} and {product.max_quantity}"
            raise bad("quantity_out_of_range", f"You can buy {allowed} of {product.name}.")
    return tuple(CartLine(prices[ref], quantity) for ref, quantity in merged.items())


def _optional_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    email = data.get("customerEmail")
    if email is not None and not is_buyer_email(email):
        raise bad("invalid_email", "customerEmail must be one email address, like ann@example.com.")
    reference = data.get("clientReferenceId")
    if reference is not None and (not isinstance(reference, str) or not REFERENCE.fullmatch(reference)):
        raise bad("invalid_reference", "clientReferenceId may hold up to 200 letters, digits and _ . : -")
    currency = data.get("currency")
    if currency is not None and (not isinstance(currency, str) or
                                 not session_options.CURRENCY.fullmatch(currency.lower())):
        raise bad("invalid_currency", "currency must be a three-letter code such as usd.")
    code = data.get("promotionCode")
    if code is not None and (not isinstance(code, str) or not session_options.PROMOTION_CODE.fullmatch(code)):
        raise bad("invalid_promotion_code", "promotionCode is 3 to 200 letters, digits, - and _.")
    ui_mode = data.get("uiMode", "hosted")
    if ui_mode not in session_options.UI_MODES:
        raise bad("invalid_ui_mode", "uiMode is hosted or embedded.")
    return {"customer_email": email.strip() if email else None, "client_reference_id": reference,
            "currency": currency.lower() if currency else None, "promotion_code": code,
            "ui_mode": session_options.UI_MODES[ui_mode]}


def is_buyer_email(value: Any) -> bool:
    """One plain address with a dotted domain: `a,b@example.com` (two recipients to SMTP) is not."""
    return isinstance(value, str) and valid_address(value.strip()) and "." in value.strip().rpartition("@")[2]


TOP_FIELDS = {"priceId", "lookupKey", "quantity", "items", "customerEmail", "clientReferenceId", "currency",
              "promotionCode", "uiMode"}
ITEM_FIELDS = {"priceId", "lookupKey", "quantity"}


def parse_json(data: Any, catalog: Catalog) -> CartRequest:
    if not isinstance(data, dict):
        raise bad("invalid_body", "The request body must be a JSON object.")
    unknown = set(data) - TOP_FIELDS
    if unknown:
        raise bad("invalid_body", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    if "items" in data:
        if any(k in data for k in ("priceId", "lookupKey", "quantity")):
            raise bad("invalid_body", "Send either items or priceId/lookupKey, not both.")
        items = data["items"]
        if not isinstance(items, list) or not items:
            raise bad("invalid_body", "items must be a non-empty list.")
        if len(items) > MAX_LINES:
            raise bad("invalid_body", f"At most {MAX_LINES} items per checkout.")
        pairs = []
        for n, item in enumerate(items):
            where = f"items[{n}]: "
            if not isinstance(item, dict):
                raise bad("invalid_body", f"{where}each item must be an object.")
            extra = set(item) - ITEM_FIELDS
            if extra:
                raise bad("invalid_body", f"{where}unknown field(s): {', '.join(sorted(extra))}.")
            pairs.append((_price(catalog, item.get("priceId"), item.get("lookupKey"), where),
                          _quantity(item.get("quantity", 1), where)))
    else:
        pairs = [(_price(catalog, data.get("priceId"), data.get("lookupKey"), ""),
                  _quantity(data.get("quantity", 1), ""))]
    return CartRequest(_merge(catalog, pairs), **_optional_fields(data))


def parse_form(form: Mapping[str, str], catalog: Catalog) -> CartRequest:
    """The no-JavaScript form post: priceId or lookupKey, and quantity as text."""
    raw_quantity = (form.get("quantity") or "1").strip()
    currency = (form.get("currency") or "").strip().lower() or None
    if currency is not None and not session_options.CURRENCY.fullmatch(currency):
        raise bad("invalid_currency", "currency must be a three-letter code such as usd.")
    # Not str.isdigit(): it accepts "²" (which int() rejects) and 5,000-digit numbers (which int() refuses).
    if not FORM_QUANTITY.fullmatch(raw_quantity):
        raise bad("invalid_quantity", "quantity must be a whole number.")
    price = _price(catalog, form.get("priceId") or None, form.get("lookupKey") or None, "")
    return CartRequest(_merge(catalog, [(price, _quantity(int(raw_quantity), ""))]), currency=currency)


def build_session_params(cart: CartRequest, catalog: Catalog, settings: Settings,
                         resolved: Mapping[str, str] | None = None,
                         promotion_code_id: str | None = None, hold: str | None = None,
                         expires_at: int | None = None) -> dict[str, Any]:
    """Stripe's parameters for this cart. `resolved` maps lookup keys to price ids found in Stripe;
    `promotion_code_id` is the id of the buyer's `promotionCode`, when one was given and found;
    `hold` is the stock hold the session carries (it expires at `expires_at`, with the hold)."""
    resolved = resolved or {}
    prices = [line.price for line in cart.lines]
    try:
        currency = session_options.choose_currency(catalog, prices, cart.currency)
    except ValueError as exc:
        code = "mixed_currency" if cart.currency is None else "currency_unavailable"
        raise bad(code, str(exc)) from None
    cadences = {(line.price.recurring, line.price.interval_count) for line in cart.lines if line.price.recurring}
    if len(cadences) > 1:
        raise bad("mixed_interval", "Subscriptions in one checkout must share a billing interval.")
    mode = "subscription" if cadences else "payment"
    products = [catalog.product_for(line.price) for line in cart.lines]
    summary = ",".join(f"{line.price.product_key}:{line.quantity}" for line in cart.lines)
    metadata = {KIT_METADATA_KEY: KIT_METADATA_VALUE, "kit_items": summary[:500]}
    if hold:
        metadata["kit_hold"] = hold
    line_items = []
    for line in cart.lines:
        price_id = line.price.id or resolved.get(line.price.lookup_key or "")
        if not price_id:
            raise bad("unknown_price", "That item is not available for sale right now.")
        line_items.append({"price": price_id, "quantity": line.quantity})
    params: dict[str, Any] = {
        "mode": mode,
        "line_items": line_items,
        "success_url": settings.success_url,
        "cancel_url": settings.cancel_url,
        "metadata": metadata,
    }
    if cart.ui_mode == "embedded_page":  # the embedded form returns to return_url instead
        del params["success_url"], params["cancel_url"]
    if mode == "payment":
        params["payment_intent_data"] = {"metadata": metadata}
    else:
        params["subscription_data"] = {"metadata": metadata}
        # One trial per subscription: the longest any of its plans offers.
        trials = [line.price.trial_period_days for line in cart.lines if line.price.trial_period_days]
        if trials:
            params["subscription_data"]["trial_period_days"] = max(trials)
    if cart.customer_email:
        params["customer_email"] = cart.customer_email
    if cart.client_reference_id:
        params["client_reference_id"] = cart.client_reference_id
    if any(p.allow_promotion_codes for p in products) and not promotion_code_id:
        params["allow_promotion_codes"] = True  # Stripe takes a code field or a discount, not both
    countries = sorted({c for p in products for c in p.shipping_countries})
    if countries:
        params["shipping_address_collection"] = {"allowed_countries": countries}
    if any(p.automatic_tax for p in products):
        params["automatic_tax"] = {"enabled": True}
    params.update(session_options.extra_params(catalog, settings, products, prices, mode, currency, cart.ui_mode,
                                               promotion_code_id))
    if expires_at:
        params["expires_at"] = expires_at
    return params


def _sold_out(exc: Any, catalog: Catalog, services: Any) -> CheckoutError:
    from checkout_kit import stock

    left = stock.left(services)
    parts = []
    for key in exc.product_keys:
        remaining = left.get(key, {}).get("left", 0)
        name = catalog.products[key].name
        parts.append(f"{name} is sold out" if remaining == 0 else f"only {remaining} of {name} left")
    message = "; ".join(parts)
    return CheckoutError(409, "sold_out", message[:1].upper() + message[1:] + ".")


def create_session(cart: CartRequest, catalog: Catalog, settings: Settings, gateway: Gateway,
                   services: Any = None) -> dict[str, Any]:
    """Create the Checkout Session; returns Stripe's session. Raises CheckoutError or GatewayError.

    With `services`, a cart holding products with a `stock` first takes them from it (a 409 when
    they do not fit), and gives them back if Stripe does not create the session.
    """
    lookups = [line.price.lookup_key for line in cart.lines if not line.price.id and line.price.lookup_key]
    resolved: dict[str, str] = {}
    if lookups:
        for price in gateway.prices_by_lookup_keys(lookups):  # type: ignore[attr-defined]
            if price.get("active"):
                resolved[price["lookup_key"]] = price["id"]
    promotion_code_id = None
    if cart.promotion_code:
        promotion_code_id = gateway.find_promotion_code(cart.promotion_code)  # type: ignore[attr-defined]
        if promotion_code_id is None:
            raise bad("invalid_promotion_code", "That code is not valid.")
    hold, expires_at = None, None
    if services is not None:
        from checkout_kit import stock

        if stock.wanted(cart.lines, catalog):
            # Stripe wants at least 30 minutes from its own clock: a little margin for ours.
            expires_at = int(time.time()) + settings.checkout_expires_minutes * 60 + 30
            try:
                hold = stock.hold(services, cart.lines, expires_at)
            except stock.SoldOut as exc:
                raise _sold_out(exc, catalog, services) from None
    try:
        params = build_session_params(cart, catalog, settings, resolved, promotion_code_id, hold, expires_at)
        # A fresh key per request: a retry of this call is deduplicated, two purchases never are.
        session = gateway.create_checkout_session(params, idempotency_key=f"kit-{uuid.uuid4()}")
    except (GatewayError, CheckoutError) as exc:
        if hold:
            stock.give_back(services, hold)
        if isinstance(exc, GatewayError) and exc.kind == INVALID_PRICE:
            raise CheckoutError(400, "price_unavailable", exc.message) from None
        if isinstance(exc, GatewayError) and (exc.param or "").startswith("discounts"):  # expired, used up…
            raise bad("invalid_promotion_code", "That code cannot be used for this order.") from None
        raise
    return session


def record_intent(store: Any, session: dict[str, Any]) -> None:
    """Note that a checkout started (id, amount, currency; no personal data), for conversion.

    The one write on the create path besides the rate limiter, and best effort: a database
    hiccup here must not cost the buyer their checkout, and nothing waits for its answer (on
    Netlify it is finished after the response).
    """
    try:
        store.record_intent(session["id"], session.get("amount_total"), session.get("currency"),
                            bool(session.get("livemode")))
    except Exception as exc:
        log.warning("checkout session %s not recorded for the numbers: %s", session.get("id"), type(exc).__name__)


def answer(session: dict[str, Any]) -> dict[str, str]:
    """What the browser gets back: the Checkout URL to go to, or (embedded) the client secret to mount."""
    if session.get("ui_mode") == "embedded_page":
        return {"id": session["id"], "clientSecret": session["client_secret"]}
    return {"id": session["id"], "url": session["url"]}
