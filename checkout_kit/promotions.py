"""Put the catalog's coupons and promotion codes into Stripe (or the emulator).

A coupon's id is its catalog key, so finding it again is one retrieve; a
promotion code is found by its code among the active ones. Creating carries
an idempotency key derived from the entry, so a rerun within Stripe's 24 h
window cannot create twins. Used by `catalog push` and by `make dev`'s seeding.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterator

from checkout_kit.catalog import Catalog
from checkout_kit.offers import Coupon
from checkout_kit.stripe_gateway import NOT_FOUND, GatewayError


def push_key(*parts: Any) -> str:
    """An idempotency key from the catalog entry: rerunning within 24 h cannot create twins."""
    return "kit-push-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def coupon_params(coupon: Coupon, product_ids: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {"id": coupon.key, "duration": coupon.duration, "metadata": {"kit_coupon": coupon.key}}
    if coupon.name:
        params["name"] = coupon.name
    if coupon.percent_off is not None:
        params["percent_off"] = coupon.percent_off
    else:
        params.update(amount_off=coupon.amount_off, currency=coupon.currency)
    if coupon.duration_in_months:
        params["duration_in_months"] = coupon.duration_in_months
    if coupon.max_redemptions:
        params["max_redemptions"] = coupon.max_redemptions
    if coupon.redeem_by:
        params["redeem_by"] = coupon.redeem_by
    if coupon.products:
        params["applies_to"] = {"products": [product_ids[k] for k in coupon.products if k in product_ids]}
    return params


def push(gateway: Any, catalog: Catalog, product_ids: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """Create what is missing; yields (kind, name, status) for each coupon and code."""
    for coupon in catalog.offers.coupons.values():
        try:
            gateway.request("GET", f"/v1/coupons/{coupon.key}", what="retrieve coupon")
            status = "exists"
        except GatewayError as exc:
            if exc.kind != NOT_FOUND:
                raise
            params = coupon_params(coupon, product_ids)
            gateway.post("/v1/coupons", params, push_key("coupon", params))
            status = "created"
        yield "coupon", coupon.key, status
        for code in coupon.codes:
            if gateway.find_promotion_code(code):
                yield "code", code, "exists"
                continue
            params = {"promotion": {"type": "coupon", "coupon": coupon.key}, "code": code,
                      "metadata": {"kit_coupon": coupon.key}}
            gateway.post("/v1/promotion_codes", params, push_key("code", params))
            yield "code", code, "created"
