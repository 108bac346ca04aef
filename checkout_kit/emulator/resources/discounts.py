"""Coupons and promotion codes: percent or amount off, once/forever/repeating,
redemption limits, expiry, product restrictions; promotion codes are the
customer-facing codes for a coupon (`promotion.coupon` in the pinned version).

`redeemable` is the one check both `discounts` on session create and the code
field of the hosted and embedded pages go through; `redeem` counts a use when
a session completes, as Stripe does.
"""

from __future__ import annotations

import re
from typing import Any

from checkout_kit.emulator.errors import StripeError, invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, now, to_bool, to_dict, to_int, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, created_range, currency, honours, one_of
from checkout_kit.emulator.state import State, filter_eq, paginate

DURATIONS = ("forever", "once", "repeating")
CODE = re.compile(r"^[A-Za-z0-9_-]{3,200}$")
_PAGING = ("limit", "starting_after", "ending_before")


def _valid(coupon: dict[str, Any]) -> bool:
    if coupon["redeem_by"] is not None and coupon["redeem_by"] <= now():
        return False
    return coupon["max_redemptions"] is None or coupon["times_redeemed"] < coupon["max_redemptions"]


def applies_to(state: State, coupon: dict[str, Any]) -> dict[str, Any] | None:
    """The coupon's product restriction, shown when expanded (as Stripe does)."""
    return state.includes.get(coupon["id"], {}).get("applies_to")


def coupon_currency_options(state: State, coupon: dict[str, Any]) -> dict[str, Any] | None:
    return state.includes.get(coupon["id"], {}).get("currency_options")


@honours("id", "name", "percent_off", "amount_off", "currency", "currency_options", "duration",
         "duration_in_months", "max_redemptions", "redeem_by", "applies_to", "metadata")
def create_coupon(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    has_percent, has_amount = "percent_off" in p, "amount_off" in p
    if has_percent == has_amount:
        raise invalid("You must specify either `percent_off` or `amount_off` (not both).", param="percent_off")
    percent = amount = cur = None
    if has_percent:
        try:
            percent = float(str(p["percent_off"]))
        except ValueError:
            raise invalid(f"Invalid decimal: {p['percent_off']}", param="percent_off") from None
        if not 0 < percent <= 100:
            raise invalid("`percent_off` must be greater than 0 and at most 100.", param="percent_off")
    else:
        amount = to_int(p["amount_off"], "amount_off", 1)
        if "currency" not in p:
            raise invalid("You must specify `currency` with `amount_off`.", param="currency",
                          code="parameter_missing")
        cur = currency(p["currency"])
    duration = one_of(p.get("duration", "once"), DURATIONS, "duration")
    months = None
    if duration == "repeating":
        months = to_int(p.get("duration_in_months", ""), "duration_in_months", 1, 1200)
    elif "duration_in_months" in p:
        raise invalid("`duration_in_months` is only valid with `duration: repeating`.", param="duration_in_months")
    redeem_by = to_int(p["redeem_by"], "redeem_by") if p.get("redeem_by") else None
    if redeem_by is not None and redeem_by <= now():
        raise invalid("`redeem_by` must be in the future.", param="redeem_by")
    coupon_id = to_str(p.get("id") or new_id("", 8), "id", 200)
    coupon = build(
        "coupon", id=coupon_id, percent_off=percent, amount_off=amount, currency=cur, duration=duration,
        duration_in_months=months, name=to_str(p["name"], "name", 40) if p.get("name") else None,
        max_redemptions=to_int(p["max_redemptions"], "max_redemptions", 1) if p.get("max_redemptions") else None,
        redeem_by=redeem_by, times_redeemed=0, valid=True, metadata=merge_metadata({}, p.get("metadata", {})),
    )
    ctx.state.add(coupon)
    extras = ctx.state.includes.setdefault(coupon_id, {})
    if p.get("applies_to"):
        products = to_list(to_dict(p["applies_to"], "applies_to").get("products", []), "applies_to[products]")
        extras["applies_to"] = {"products": [ctx.state.get("product", x, "applies_to[products]", 400)["id"]
                                             for x in products]}
    if p.get("currency_options"):
        extras["currency_options"] = {
            currency(code, f"currency_options[{code}]"): {"amount_off": to_int(
                to_dict(v, f"currency_options[{code}]").get("amount_off", ""), f"currency_options[{code}][amount_off]", 1)}
            for code, v in to_dict(p["currency_options"], "currency_options").items()}
    ctx.state.emit("coupon.created", coupon, ctx.request_id, ctx.idempotency_key)
    return coupon


def get_coupon(state: State, coupon_id: Any, param: str | None = None, status: int = 404) -> dict[str, Any]:
    coupon = state.get("coupon", coupon_id, param, status)
    coupon["valid"] = _valid(coupon)
    return coupon


@honours()
def retrieve_coupon(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    return get_coupon(ctx.state, id)


@honours("name", "metadata")
def update_coupon(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    coupon = get_coupon(ctx.state, id)
    if "name" in p:
        coupon["name"] = to_str(p["name"], "name", 40) or None
    if "metadata" in p:
        coupon["metadata"] = merge_metadata(coupon["metadata"], p["metadata"])
    ctx.state.emit("coupon.updated", coupon, ctx.request_id, ctx.idempotency_key)
    return coupon


@honours()
def delete_coupon(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    coupon = get_coupon(ctx.state, id)
    del ctx.state.objects["coupon"][id]
    ctx.state.order["coupon"].remove(id)
    ctx.state.emit("coupon.deleted", coupon, ctx.request_id, ctx.idempotency_key)
    return {"id": id, "object": "coupon", "deleted": True}


@honours("created", *_PAGING)
def list_coupons(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = [get_coupon(ctx.state, c["id"]) for c in ctx.state.newest_first("coupon")]
    return paginate(created_range(items, p), p, "/v1/coupons")


# ---- promotion codes ---------------------------------------------------------


def _restrictions(p: dict[str, Any]) -> dict[str, Any]:
    data = to_dict(p.get("restrictions", {}), "restrictions")
    minimum = to_int(data["minimum_amount"], "restrictions[minimum_amount]", 1) if data.get("minimum_amount") else None
    if minimum is not None and not data.get("minimum_amount_currency"):
        raise invalid("`restrictions[minimum_amount_currency]` is required with a minimum amount.",
                      param="restrictions[minimum_amount_currency]", code="parameter_missing")
    return {"currency_options": {}, "first_time_transaction": to_bool(
                data.get("first_time_transaction", False), "restrictions[first_time_transaction]"),
            "minimum_amount": minimum,
            "minimum_amount_currency": currency(data["minimum_amount_currency"],
                                                "restrictions[minimum_amount_currency]") if minimum else None}


@honours("promotion", "code", "active", "max_redemptions", "expires_at", "restrictions", "metadata")
def create_promotion_code(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    promotion = to_dict(p.get("promotion", {}), "promotion")
    if promotion.get("type", "coupon") != "coupon" or not promotion.get("coupon"):
        raise invalid("Missing required param: promotion[coupon].", param="promotion[coupon]",
                      code="parameter_missing")
    coupon = get_coupon(ctx.state, promotion["coupon"], "promotion[coupon]", 400)
    code = to_str(p["code"], "code", 200) if p.get("code") else new_id("", 8).upper()
    if not CODE.match(code):
        raise invalid("A promotion code is 3 to 200 letters, digits, - and _.", param="code")
    taken = [c for c in ctx.state.objects["promotion_code"].values()
             if c["active"] and c["code"].lower() == code.lower()]
    if taken:
        raise invalid(f"An active promotion code with `code: {code}` already exists.", param="code",
                      code="resource_already_exists")
    expires_at = to_int(p["expires_at"], "expires_at") if p.get("expires_at") else None
    promo = build(
        "promotion_code", id=new_id("promo_"), code=code, active=to_bool(p.get("active", True), "active"),
        promotion={"coupon": coupon["id"], "type": "coupon"}, customer=None, customer_account=None,
        expires_at=expires_at, times_redeemed=0,
        max_redemptions=to_int(p["max_redemptions"], "max_redemptions", 1) if p.get("max_redemptions") else None,
        restrictions=_restrictions(p), metadata=merge_metadata({}, p.get("metadata", {})),
    )
    ctx.state.add(promo)
    ctx.state.emit("promotion_code.created", promo, ctx.request_id, ctx.idempotency_key)
    return promo


@honours("active", "metadata")
def update_promotion_code(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    promo = ctx.state.get("promotion_code", id)
    if "active" in p:
        promo["active"] = to_bool(p["active"], "active")
    if "metadata" in p:
        promo["metadata"] = merge_metadata(promo["metadata"], p["metadata"])
    ctx.state.emit("promotion_code.updated", promo, ctx.request_id, ctx.idempotency_key)
    return promo


@honours("active", "code", "coupon", "created", *_PAGING)
def list_promotion_codes(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("promotion_code"), p, {"active": lambda v: to_bool(v, "active")})
    if "code" in p:  # Stripe matches codes case-insensitively
        items = [i for i in items if i["code"].lower() == to_str(p["code"], "code").lower()]
    if "coupon" in p:
        items = [i for i in items if i["promotion"]["coupon"] == p["coupon"]]
    return paginate(created_range(items, p), p, "/v1/promotion_codes")


# ---- redeeming -----------------------------------------------------------------


class NotRedeemable(StripeError):
    """A code or coupon that cannot be used on this session (expired, used up, wrong products)."""


def find_code(state: State, code: str) -> dict[str, Any] | None:
    """The active promotion code a customer typed (case-insensitive), if any."""
    for promo in state.newest_first("promotion_code"):
        if promo["active"] and promo["code"].lower() == code.strip().lower():
            return promo
    return None


def redeemable(state: State, coupon_id: str, promo: dict[str, Any] | None, items: list[dict[str, Any]],
               cur: str, param: str) -> dict[str, Any]:
    """The coupon, if it can discount these items in this currency; NotRedeemable otherwise."""
    coupon = get_coupon(state, coupon_id, param, 400)
    def refuse(message: str, code: str = "coupon_expired") -> NotRedeemable:
        return NotRedeemable(message, param=param, code=code)
    if promo is not None:
        if not promo["active"] or (promo["expires_at"] is not None and promo["expires_at"] <= now()):
            raise refuse("This promotion code is not active.", "promotion_code_expired")
        if promo["max_redemptions"] is not None and promo["times_redeemed"] >= promo["max_redemptions"]:
            raise refuse("This promotion code has been fully redeemed.", "promotion_code_expired")
        minimum = promo["restrictions"]["minimum_amount"]
        if minimum and promo["restrictions"]["minimum_amount_currency"] == cur and \
                sum(i["amount_subtotal"] for i in items) < minimum:
            raise refuse("This promotion code needs a larger order.", "promotion_code_minimum_not_met")
    if not coupon["valid"]:
        raise refuse("This coupon is expired or fully redeemed.")
    if coupon["amount_off"] is not None and coupon["currency"] != cur and \
            cur not in (coupon_currency_options(state, coupon) or {}):
        raise refuse(f"This coupon is in {coupon['currency'].upper()} and cannot discount {cur.upper()}.",
                     "coupon_currency_mismatch")
    products = (applies_to(state, coupon) or {}).get("products")
    if products and not any(i["price"]["product"] in products for i in items):
        raise refuse("This code does not apply to anything in this order.", "coupon_not_applicable")
    return coupon


def redeem(state: State, discounts: list[dict[str, Any]]) -> None:
    """Count one use of each coupon and promotion code a completed session applied."""
    for discount in discounts:
        if discount.get("promotion_code"):
            state.objects["promotion_code"][discount["promotion_code"]]["times_redeemed"] += 1
        if discount.get("coupon") and discount["coupon"] in state.objects["coupon"]:
            state.objects["coupon"][discount["coupon"]]["times_redeemed"] += 1
