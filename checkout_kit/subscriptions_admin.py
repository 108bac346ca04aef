"""Owner commands for memberships: `subscriptions list|cancel|change-plan|retry` and `setup-portal`.

`list` reads the kit's store (what the webhook recorded); the others ask Stripe to act and
print what Stripe answered. The member's emails and the store's rows follow from the events
Stripe then sends to the webhook, exactly as when the member acts in the portal, so there is
one path for every change. Nothing here prints a secret.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from checkout_kit import memberships
from checkout_kit.catalog import Catalog, Price
from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE, is_buyer_email, is_kit
from checkout_kit.config import ConfigError
from checkout_kit.money import format_amount
from checkout_kit.services import Services, shared
from checkout_kit.stripe_gateway import GatewayError

LIVE = ("trialing", "active", "past_due", "unpaid", "paused", "incomplete")
CANCEL_REASONS = ["too_expensive", "missing_features", "switched_service", "unused", "other"]


def _date(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d") if ts else "-"


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def _stripe() -> Services | None:
    from checkout_kit.admin import _services

    return _services()


def _refused(services: Services, exc: GatewayError) -> int:
    """Stripe could not be reached, refused the key, or refused the request: said plainly."""
    from checkout_kit.stripe_diagnosis import diagnose

    return _fail(diagnose(exc, services.settings).lines())


# ---- list ------------------------------------------------------------------------------


def list_members(status: str | None = None, as_json: bool = False) -> int:
    """Every membership the kit knows, newest first: who, which plan, state, until when, access."""
    try:
        services = shared()
        members = services.store.list_subscriptions(status)
    except ConfigError as exc:
        return _fail(f"Configuration problem — {exc}", 2)
    if as_json:
        import dataclasses
        import json

        print(json.dumps([{**dataclasses.asdict(m), "access": memberships.grants_access(m)} for m in members],
                         indent=2))
        return 0
    print(f"{'subscription':<30} {'email':<32} {'plan':<14} {'status':<10} {'period end':<10} "
          f"{'cancels':<10} access")
    for m in members:
        print(f"{m.id:<30} {(m.email or '-'):<32} {(m.product_key or m.price_id or '-'):<14} {m.status:<10} "
              f"{_date(m.current_period_end):<10} {_date(m.cancel_at) if m.cancel_at else '-':<10} "
              f"{'yes' if memberships.grants_access(m) else 'no'}")
    print(f"{len(members)} subscription(s){f' with status {status}' if status else ''}.")
    return 0


# ---- acting through Stripe ------------------------------------------------------------------


def resolve(services: Services, target: str) -> str | None:
    """A subscription id from `sub_…` or a member's email (their one live membership). Prints why not."""
    if target.startswith("sub_"):
        return target
    if not is_buyer_email(target):
        _fail(f"{target!r} is neither a subscription id (sub_…) nor an email address.", 2)
        return None
    live = [m for m in services.store.subscriptions_of(email=target) if m.status in LIVE]
    if not live:
        _fail(f"No live membership for {target} in the store (see `subscriptions list`).")
        return None
    if len(live) > 1:
        _fail(f"{target} has {len(live)} live memberships; name one: " + ", ".join(m.id for m in live), 2)
        return None
    return live[0].id


def _path(sub_id: str) -> str:
    return f"/v1/subscriptions/{quote(sub_id, safe='')}"


def cancel(target: str, now: bool = False) -> int:
    services = _stripe()
    if services is None:
        return 2
    sub_id = resolve(services, target)
    if sub_id is None:
        return 1 if "@" in target else 2
    try:
        if now:
            sub = services.gateway.request("DELETE", _path(sub_id), what="cancel subscription")
            print(f"Canceled {sub_id} now ({sub.get('status')}); the member gets the \"membership ended\" email.")
        else:
            sub = services.gateway.post(_path(sub_id), {"cancel_at_period_end": True})
            print(f"{sub_id} ends on {_date(sub.get('cancel_at'))}: no further charges, access until then; the "
                  f"member gets the \"cancellation scheduled\" email.")
    except GatewayError as exc:
        return _refused(services, exc)
    return 0


def _catalog_price(services: Services, ref: str) -> Price | None:
    catalog: Catalog = services.catalog
    return catalog.price_by_id(ref) or catalog.price_by_lookup_key(ref)


def _price_id(services: Services, price: Price) -> str | None:
    if price.id:
        return price.id
    found = services.gateway.prices_by_lookup_keys([price.lookup_key or ""])
    return found[0]["id"] if found else None


def change_plan(target: str, price_ref: str) -> int:
    """Move the member to another recurring price of the catalog, prorated as Stripe does by default."""
    services = _stripe()
    if services is None:
        return 2
    price = _catalog_price(services, price_ref)
    if price is None or not price.recurring:
        return _fail(f"{price_ref!r} is not a recurring price of catalog.toml (give its id or lookup key).", 2)
    sub_id = resolve(services, target)
    if sub_id is None:
        return 1 if "@" in target else 2
    try:
        new_id = _price_id(services, price)
        if new_id is None:
            return _fail(f"The price {price.ref} does not exist in Stripe: run `catalog push --write`.")
        current = services.gateway.request("GET", _path(sub_id), what="retrieve subscription")
        item = ((current.get("items") or {}).get("data") or [None])[0]
        if item is None:
            return _fail(f"{sub_id} has no items to change.")
        if (item.get("price") or {}).get("id") == new_id:
            print(f"{sub_id} is on {price.ref} already; nothing changed.")
            return 0
        sub = services.gateway.post(_path(sub_id), {"items": [{"id": item["id"], "price": new_id}]})
    except GatewayError as exc:
        return _refused(services, exc)
    product = services.catalog.product_for(price)
    amount = format_amount(price.unit_amount or 0, price.currency) if price.unit_amount is not None else "?"
    print(f"{sub_id} is now on {product.name} at {amount} per {price.recurring} ({new_id}).")
    same_cycle = (item.get("price") or {}).get("recurring", {}).get("interval") == price.recurring
    if same_cycle:
        print("Prorated: the unused time of the old plan is credited and the rest of this period charged on the "
              "next invoice.")
    else:
        print(f"A new billing cycle starts now: Stripe invoiced the new plan less the unused time "
              f"({sub.get('latest_invoice')}).")
    return 0


def retry(target: str) -> int:
    """Pay the open invoice (of a subscription, or the one named) now, with the default card."""
    services = _stripe()
    if services is None:
        return 2
    try:
        invoice_id = target
        if target.startswith("sub_"):
            sub = services.gateway.request("GET", _path(target), {"expand": ["latest_invoice"]},
                                           what="retrieve subscription")
            invoice = sub.get("latest_invoice") if isinstance(sub.get("latest_invoice"), dict) else None
            if invoice is None or invoice.get("status") != "open":
                print(f"Nothing to retry: the latest invoice of {target} is "
                      f"{(invoice or {}).get('status', 'missing')}.")
                return 0
            invoice_id = invoice["id"]
        elif not target.startswith("in_"):
            return _fail("Give a subscription (sub_…) or an invoice (in_…).", 2)
        paid = services.gateway.post(f"/v1/invoices/{quote(invoice_id, safe='')}/pay", {})
    except GatewayError as exc:
        if exc.status == 402:  # the card declined: Stripe's own words, and the invoice stays open
            return _fail(f"The payment did not go through: {exc.detail}")
        return _refused(services, exc)
    print(f"{invoice_id} is {paid.get('status')}: {format_amount(int(paid.get('amount_paid') or 0), paid.get('currency') or 'usd')} "
          f"charged.")
    return 0


# ---- setup-portal ---------------------------------------------------------------------------


def portal_configuration(catalog: Catalog, products: dict[str, tuple[str, list[str]]], site_url: str) -> dict[str, Any]:
    """The portal the kit needs (pure): members cancel at the end of the period, update their card,
    see their invoices, and switch between the plans of the catalog's products (`products`: catalog
    key -> (Stripe product id, recurring price ids)), prorated. Email updates stay off: the kit finds
    members by the email they subscribed with."""
    switchable = [{"product": product_id, "prices": prices} for product_id, prices in products.values() if prices]
    can_switch = sum(len(p["prices"]) for p in switchable) > 1
    return {
        "business_profile": {"headline": catalog.shop_name[:60]},
        "default_return_url": f"{site_url}/",
        "features": {
            "customer_update": {"enabled": True, "allowed_updates": ["name", "address"]},
            "invoice_history": {"enabled": True},
            "payment_method_update": {"enabled": True},
            "subscription_cancel": {"enabled": True, "mode": "at_period_end", "proration_behavior": "none",
                                    "cancellation_reason": {"enabled": True, "options": CANCEL_REASONS}},
            "subscription_update": {"enabled": True, "default_allowed_updates": ["price"], "products": switchable,
                                    "proration_behavior": "create_prorations"} if can_switch else {"enabled": False},
        },
        "metadata": {KIT_METADATA_KEY: KIT_METADATA_VALUE},
    }


def recurring_products(services: Services) -> dict[str, tuple[str, list[str]]]:
    """Catalog key -> (Stripe product id, price ids) for products with recurring prices, as Stripe has them."""
    found: dict[str, tuple[str, list[str]]] = {}
    for product in services.catalog.products.values():
        for price in product.prices:
            if not price.recurring:
                continue
            price_id = _price_id(services, price)
            if price_id is None:
                raise LookupError(price.ref)
            stripe_product = services.gateway.retrieve_price(price_id)["product"]
            product_id = stripe_product["id"] if isinstance(stripe_product, dict) else stripe_product
            found.setdefault(product.key, (product_id, []))[1].append(price_id)
    return found


def kit_configuration(services: Services) -> dict[str, Any] | None:
    for config in services.gateway.list_all("/v1/billing_portal/configurations", {"active": True}):
        if is_kit(config):
            return config
    return None


def setup_portal() -> int:
    services = _stripe()
    if services is None:
        return 2
    try:
        products = recurring_products(services)
    except LookupError as exc:
        return _fail(f"The price {exc} does not exist in Stripe: run `python -m checkout_kit catalog push --write`.")
    except GatewayError as exc:
        return _refused(services, exc)
    if not products:
        return _fail("catalog.toml has no recurring price: there is nothing for a customer portal to manage.")
    params = portal_configuration(services.catalog, products, services.settings.site_url)
    try:
        existing = kit_configuration(services)
        if existing:
            config = services.gateway.post(f"/v1/billing_portal/configurations/{existing['id']}", params)
            print(f"Updated the kit's portal configuration {config['id']}.")
        else:
            config = services.gateway.post("/v1/billing_portal/configurations", params)
            print(f"Created portal configuration {config['id']}.")
    except GatewayError as exc:
        return _refused(services, exc)
    plans = sum(len(prices) for _, prices in products.values())
    print(f"Members can cancel (at the end of the period), update their card, see invoices"
          f"{f', and switch between {plans} plans' if plans > 1 else ''}.")
    print(f"Set STRIPE_PORTAL_CONFIGURATION={config['id']} where the functions run (not a secret).")
    return 0
