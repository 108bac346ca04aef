"""The Checkout Session parameters that come from the catalog's offers and the
buyer's choices beyond the cart: currency, discounts, shipping rates,
invoices, and embedded Checkout. Pure: `build_session_params` merges these
into the cart's parameters; the only lookup (a promotion code's id) is done
by the caller through the gateway and passed in.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from checkout_kit.catalog import Catalog, Product
from checkout_kit.config import Settings

CURRENCY = re.compile(r"[a-z]{3}")
PROMOTION_CODE = re.compile(r"[A-Za-z0-9_-]{3,200}")
UI_MODES = {"hosted": "hosted_page", "embedded": "embedded_page"}
MAX_SHIPPING_OPTIONS = 5


def offered_currencies(catalog: Catalog, prices: Sequence[Any]) -> tuple[str, ...]:
    """The currencies this cart may be paid in: [checkout] currencies (or the prices' own), each of
    which every price has (its own currency or a currency_options entry)."""
    wanted = catalog.offers.currencies or tuple(dict.fromkeys(p.currency for p in prices))
    return tuple(c for c in wanted if all(c in p.currencies() for p in prices))


def choose_currency(catalog: Catalog, prices: Sequence[Any], requested: str | None) -> str:
    """The cart's currency; raises ValueError with a message for the buyer when it is not on offer."""
    offered = offered_currencies(catalog, prices)
    if requested is None:
        own = {p.currency for p in prices}
        if len(own) == 1:
            return own.pop()
        if offered:
            return offered[0]
        raise ValueError("Items in one checkout must share a currency.")
    if requested not in offered:
        listed = ", ".join(c.upper() for c in offered) or "none"
        raise ValueError(f"This cart cannot be paid in {requested.upper()} (offered: {listed}).")
    return requested


def shipping_options(catalog: Catalog, products: Sequence[Product], currency: str) -> list[dict[str, Any]]:
    """Inline `shipping_rate_data` for the products' rates, in catalog order; only those priced in `currency`."""
    keys = list(dict.fromkeys(k for p in products for k in p.shipping_rates))
    options = []
    for key in keys:
        rate = catalog.offers.shipping_rates[key]
        if rate.amount_in(currency) is None:
            continue
        fixed: dict[str, Any] = {"amount": rate.amount, "currency": rate.currency}
        if rate.currency_options:
            fixed["currency_options"] = {c: {"amount": a} for c, a in rate.currency_options}
        data: dict[str, Any] = {"type": "fixed_amount", "display_name": rate.name, "fixed_amount": fixed,
                                "metadata": {"kit_shipping_rate": key}}
        if rate.min_days or rate.max_days:
            data["delivery_estimate"] = {
                end: {"unit": "business_day", "value": days}
                for end, days in (("minimum", rate.min_days), ("maximum", rate.max_days)) if days}
        options.append({"shipping_rate_data": data})
    return options[:MAX_SHIPPING_OPTIONS]


def invoice_params(catalog: Catalog, products: Sequence[Product], shop_name: str) -> dict[str, Any]:
    """`invoice_creation` and `tax_id_collection` when the shop or a product asks for invoices."""
    offers = catalog.offers
    if not (offers.invoice or any(p.invoice for p in products)):
        return {}
    from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE  # checkout imports this module

    data: dict[str, Any] = {"description": f"Your purchase from {shop_name}",
                            "metadata": {KIT_METADATA_KEY: KIT_METADATA_VALUE}}
    if offers.invoice_footer:
        data["footer"] = offers.invoice_footer
    if offers.invoice_fields:
        data["custom_fields"] = [{"name": n, "value": v} for n, v in offers.invoice_fields]
    return {"invoice_creation": {"enabled": True, "invoice_data": data}, "tax_id_collection": {"enabled": True}}


def extra_params(catalog: Catalog, settings: Settings, products: Sequence[Product], prices: Sequence[Any],
                 mode: str, currency: str, ui_mode: str, promotion_code_id: str | None) -> dict[str, Any]:
    """Everything beyond the cart: currency, discounts, shipping options, invoices and the UI mode."""
    params: dict[str, Any] = {}
    if any(currency != p.currency for p in prices):
        params["currency"] = currency
    if promotion_code_id:
        params["discounts"] = [{"promotion_code": promotion_code_id}]
    if mode == "payment":
        options = shipping_options(catalog, products, currency)
        if options:
            params["shipping_options"] = options
        params.update(invoice_params(catalog, products, catalog.shop_name))
    if ui_mode == "embedded_page":
        params["ui_mode"] = "embedded_page"
        params["return_url"] = settings.success_url
    return params
