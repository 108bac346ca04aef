"""Owner commands: `catalog push [--write]`, `setup-webhook URL`, `jobs retry` (memberships: subscriptions_admin).

They use the same configuration and Stripe client as the functions, print what
they did, and never print a secret except the one `setup-webhook` must show once.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Any

from checkout_kit import catalog as catalog_module
from checkout_kit import promotions
from checkout_kit.config import ConfigError
from checkout_kit.services import Services, shared
from checkout_kit.stripe_diagnosis import diagnose
from checkout_kit.stripe_gateway import GatewayError
from checkout_kit.stripe_version import API_VERSION
from checkout_kit.events import handled_types

def _services() -> Services | None:
    try:
        services = shared()
        _ = services.catalog
    except (ConfigError, catalog_module.CatalogError) as exc:
        print(f"Configuration problem — {exc}", file=sys.stderr)
        return None
    if not services.settings.stripe_secret_key:
        print("STRIPE_SECRET_KEY is not set. Put your test key (sk_test_…) in .env first.", file=sys.stderr)
        return None
    return services


_push_key = promotions.push_key


def _find_product(services: Services, key: str) -> dict[str, Any] | None:
    for product in services.gateway.list_all("/v1/products", {"active": True}):
        if (product.get("metadata") or {}).get("kit_product") == key:
            return product
    return None


def catalog_push(write: bool = False) -> int:
    services = _services()
    if services is None:
        return 2
    gateway, catalog = services.gateway, services.catalog
    replacements: dict[str, str] = {}
    additions: dict[str, str] = {}  # lookup key -> new id, for prices given by lookup key only
    problems = 0
    product_ids: dict[str, str] = {}  # product key -> Stripe product id, for coupons restricted to products
    print(f"{'product':<14} {'lookup key':<22} {'price id':<34} status")
    try:
        for product in catalog.products.values():
            stripe_product = None
            for price in product.prices:
                found = None
                if price.id:
                    try:
                        found = gateway.retrieve_price(price.id)
                    except GatewayError as exc:
                        if exc.kind != "not_found":
                            raise
                if found is None and price.lookup_key:
                    matches = gateway.prices_by_lookup_keys([price.lookup_key])
                    found = matches[0] if matches else None
                if found is not None and found.get("active"):
                    status = "exists"
                    if price.unit_amount is not None and found.get("unit_amount") != price.unit_amount:
                        status = f"exists, but Stripe charges {found.get('unit_amount')} not {price.unit_amount}"
                        problems += 1
                else:
                    if price.unit_amount is None:
                        print(f"{product.key:<14} {price.lookup_key or '-':<22} {'-':<34} cannot create: no unit_amount")
                        problems += 1
                        continue
                    if stripe_product is None:
                        stripe_product = _find_product(services, product.key) or gateway.post("/v1/products", {
                            "name": product.name, "description": product.description or None,
                            "metadata": {"kit_product": product.key},
                        }, _push_key("product", product.key, product.name))
                    params: dict[str, Any] = {"product": stripe_product["id"], "currency": price.currency,
                                              "unit_amount": price.unit_amount,
                                              "metadata": {"kit_product": product.key}}
                    if price.lookup_key:
                        params.update(lookup_key=price.lookup_key, transfer_lookup_key=True)
                    if price.recurring:
                        params["recurring"] = {"interval": price.recurring, "interval_count": price.interval_count}
                    if price.currency_options:
                        params["currency_options"] = {c: {"unit_amount": a} for c, a in price.currency_options}
                    found = gateway.post("/v1/prices", params, _push_key("price", product.key, price.ref, params))
                    status = "created"
                if price.id and price.id != found["id"]:
                    replacements[price.id] = found["id"]
                elif not price.id and price.lookup_key:
                    additions[price.lookup_key] = found["id"]
                print(f"{product.key:<14} {price.lookup_key or '-':<22} {found['id']:<34} {status}")
                product_ids[product.key] = found["product"] if isinstance(found["product"], str) else found["product"]["id"]
        for kind, name, status in promotions.push(gateway, catalog, product_ids):
            print(f"{kind:<14} {name:<22} {'-':<34} {status}")
    except GatewayError as exc:
        print(diagnose(exc, services.settings).lines(), file=sys.stderr)
        return 1
    if not replacements and not additions:
        print("catalog.toml already names these prices.")
        return 1 if problems else 0
    if not write:
        print("Run again with --write to put the new ids into catalog.toml and the pages in site/.")
        return 1 if problems else 0
    _write_ids(Path(services.settings.catalog_path) if Path(services.settings.catalog_path).is_absolute()
               else catalog_module.find_catalog(services.settings.catalog_path), replacements, additions)
    return 1 if problems else 0


def _write_ids(catalog_file: Path, replacements: dict[str, str], additions: dict[str, str]) -> None:
    """Rewrite the ids in catalog.toml and in the pages of the site/ beside it, showing a diff."""
    root = catalog_file.resolve().parent
    files = [catalog_file] + sorted(p for p in (root / "site").rglob("*.html"))
    for file in files:
        before = file.read_text(encoding="utf-8")
        after = before
        for old, new in replacements.items():
            after = re.sub(rf"\b{re.escape(old)}\b", new, after)
        if file == catalog_file:
            for key, new in additions.items():
                after = re.sub(rf'(^\s*)lookup_key\s*=\s*"{re.escape(key)}"\s*$',
                               lambda m: f'{m.group(1)}id = "{new}"\n{m.group(0)}', after, count=1, flags=re.M)
        if after != before:
            file.write_text(after, encoding="utf-8")
            rel = file.resolve().relative_to(root) if file.resolve().is_relative_to(root) else file
            sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                       f"a/{rel}", f"b/{rel}"))


def setup_webhook(url: str) -> int:
    services = _services()
    if services is None:
        return 2
    if not re.match(r"^https://[^/]+/", url) and not re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/", url):
        print("The URL must be https://your-site/api/webhook (http only for 127.0.0.1 or localhost).", file=sys.stderr)
        return 2
    gateway = services.gateway.on_platform()  # endpoints belong to the platform, even for a connected account
    connect = bool(services.settings.stripe_account)
    wanted = sorted(handled_types())
    try:
        for endpoint in gateway.list_all("/v1/webhook_endpoints"):
            if endpoint.get("url") == url:
                have = sorted(endpoint.get("enabled_events") or [])
                if have != wanted:  # the kit handles more (or other) events than when it was made: bring it up to date
                    gateway.post(f"/v1/webhook_endpoints/{endpoint['id']}", {"enabled_events": wanted})
                    added, removed = sorted(set(wanted) - set(have)), sorted(set(have) - set(wanted))
                    print(f"Updated the events of endpoint {endpoint['id']} for {url} to the kit's {len(wanted)}"
                          f"{'; added ' + ', '.join(added) if added else ''}"
                          f"{'; removed ' + ', '.join(removed) if removed else ''}. Its signing secret is unchanged.")
                    return 0
                print(f"An endpoint for {url} exists already ({endpoint['id']}) with exactly the kit's events. Stripe "
                      "shows its signing secret in the Dashboard (Developers → Webhooks); put it in "
                      "STRIPE_WEBHOOK_SECRET.")
                return 1
        endpoint = gateway.post("/v1/webhook_endpoints", {
            "url": url, "enabled_events": wanted, "api_version": API_VERSION,
            "description": "Checkout Kit", **({"connect": True} if connect else {}),
        })
    except GatewayError as exc:
        print(diagnose(exc, services.settings).lines(), file=sys.stderr)
        return 1
    print(f"Created webhook endpoint {endpoint['id']} for {url}")
    print(f"Events: {', '.join(sorted(handled_types()))}; API version {API_VERSION}")
    print("Signing secret (shown once — set it as STRIPE_WEBHOOK_SECRET where the functions run):")
    print(f"  {endpoint['secret']}")
    return 0


def jobs_retry(include_failed: bool = False) -> int:
    """Run every due job now (emails, hooks); with `include_failed`, also those that gave up."""
    from checkout_kit import outbox

    try:
        services = shared()
    except ConfigError as exc:
        print(f"Configuration problem — {exc}", file=sys.stderr)
        return 2
    requeued = 0
    if include_failed:
        for job in services.store.failed_jobs(limit=1000):
            requeued += services.store.requeue_job(job.id)
    # The owner asks now: what waits out a backoff goes too (they say the cause is fixed).
    result = outbox.drain(services, ignore_backoff=True)
    pending = services.store.pending_job_count()
    if requeued:
        print(f"requeued {requeued} job(s) that had given up")
    print(f"done {result.done}, failed {result.retrying + result.gave_up} "
          f"(gave up {result.gave_up}), still pending {pending}")
    for failure in result.failures[:20]:
        print(f"  {failure}")
    if result.stopped and result.stopped != "error":
        print(f"stopped early: {result.stopped}")
    return 1 if result.retrying or result.gave_up or result.stopped else 0
