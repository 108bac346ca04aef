"""Prices: one-time and recurring, lookup keys (with transfer), extra currencies
(`currency_options`, shown only when expanded, as Stripe does), list filters.
"""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, to_bool, to_dict, to_int, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, created_range, currency, honours, one_of
from checkout_kit.emulator.resources.products import create_product
from checkout_kit.emulator.state import State, filter_eq, paginate

INTERVALS = ("day", "week", "month", "year")
TAX_BEHAVIORS = ("exclusive", "inclusive", "unspecified")
MAX_AMOUNT = 99_999_999
# What `product_data` may carry into the product it creates.
PRODUCT_DATA = {"name", "metadata", "active", "tax_code", "unit_label", "statement_descriptor", "id", "description",
                "images"}


def _recurring(value: Any) -> dict[str, Any]:
    data = to_dict(value, "recurring")
    interval = one_of(data.get("interval"), INTERVALS, "recurring[interval]")
    usage = data.get("usage_type", "licensed")
    if usage not in ("licensed", "metered"):
        raise invalid("Invalid recurring[usage_type]: must be one of licensed or metered",
                      param="recurring[usage_type]")
    return {
        "interval": interval,
        "interval_count": to_int(data.get("interval_count", 1), "recurring[interval_count]", 1, 365),
        "meter": None,
        "usage_type": usage,
        "trial_period_days": to_int(data["trial_period_days"], "recurring[trial_period_days]", 0, 730)
        if data.get("trial_period_days") else None,
    }


def _amount(p: dict[str, Any], within: str = "") -> int:
    """`unit_amount` (or its decimal form) of `p`; `within` names the enclosing param in errors."""
    def name(key: str) -> str:
        return f"{within}[{key}]" if within else key
    if "unit_amount" in p:
        return to_int(p["unit_amount"], name("unit_amount"), 0, MAX_AMOUNT)
    if "unit_amount_decimal" in p:
        return to_int(str(p["unit_amount_decimal"]).split(".")[0], name("unit_amount_decimal"), 0, MAX_AMOUNT)
    raise invalid(f"Missing required param: {name('unit_amount')}.", param=name("unit_amount"),
                  code="parameter_missing")


def _currency_options(state: State, price: dict[str, Any], value: Any) -> None:
    """Store extra currencies; `expand[]=currency_options` shows them with the price's own."""
    options = state.includes.setdefault(price["id"], {}).setdefault("currency_options", {})
    for code, raw in to_dict(value, "currency_options").items():
        cur = currency(code, f"currency_options[{code}]")
        if cur == price["currency"]:
            raise invalid("currency_options cannot repeat the price's own currency.",
                          param=f"currency_options[{code}]")
        data = to_dict(raw, f"currency_options[{code}]")
        amount = _amount(data, f"currency_options[{code}]")
        options[cur] = {"custom_unit_amount": None,
                        "tax_behavior": one_of(data.get("tax_behavior", price["tax_behavior"]), TAX_BEHAVIORS,
                                               f"currency_options[{code}][tax_behavior]"),
                        "unit_amount": amount, "unit_amount_decimal": str(amount)}


def currency_options(state: State, price: dict[str, Any]) -> dict[str, Any]:
    """A price's `currency_options` as Stripe shows it when expanded: its own currency first."""
    own = {price["currency"]: {"custom_unit_amount": None, "tax_behavior": price["tax_behavior"],
                               "unit_amount": price["unit_amount"], "unit_amount_decimal": price["unit_amount_decimal"]}}
    return {**own, **state.includes.get(price["id"], {}).get("currency_options", {})}


def _claim_lookup_key(ctx: Ctx, key: str, transfer: bool, price_id: str) -> None:
    for other in ctx.state.objects["price"].values():
        if other["lookup_key"] == key and other["id"] != price_id:
            if not transfer:
                raise invalid(
                    f"A price (`{other['id']}`) already uses that lookup key. Set "
                    "`transfer_lookup_key` to move it to this price.",
                    param="lookup_key", code="lookup_key_exists",
                )
            other["lookup_key"] = None


@honours("currency", "product", "product_data", "unit_amount", "unit_amount_decimal", "recurring", "lookup_key",
         "transfer_lookup_key", "active", "nickname", "metadata", "tax_behavior", "billing_scheme",
         "currency_options")
def create_price(ctx: Ctx, p: dict[str, Any], inline: bool = False) -> dict[str, Any]:
    """Also used for `price_data` (inline=True: inactive, no event) and the seed route (which may choose ids)."""
    if "currency" not in p:
        raise invalid("Missing required param: currency.", param="currency", code="parameter_missing")
    cur = currency(p["currency"])
    if "product" in p:
        product_id = ctx.state.get("product", p["product"], "product", status=400)["id"]
    elif "product_data" in p:
        data = to_dict(p["product_data"], "product_data")
        product_id = create_product(ctx, {k: v for k, v in data.items() if k in PRODUCT_DATA})["id"]
    else:
        raise invalid("Missing required param: product.", param="product", code="parameter_missing")
    if p.get("billing_scheme", "per_unit") != "per_unit":
        raise invalid("The emulator supports only `billing_scheme: per_unit` prices.", param="billing_scheme")
    amount = _amount(p)
    recurring = _recurring(p["recurring"]) if p.get("recurring") else None
    price = build(
        "price",
        id=to_str(p.get("id") or new_id("price_"), "id", 100),
        active=to_bool(p.get("active", not inline), "active"),
        currency=cur,
        product=product_id,
        unit_amount=amount,
        unit_amount_decimal=str(amount),
        recurring=recurring,
        type="recurring" if recurring else "one_time",
        billing_scheme="per_unit",
        tax_behavior=one_of(p.get("tax_behavior", "unspecified"), TAX_BEHAVIORS, "tax_behavior"),
        nickname=to_str(p["nickname"], "nickname") if p.get("nickname") else None,
        metadata=merge_metadata({}, p.get("metadata", {})),
    )
    if p.get("lookup_key"):
        key = to_str(p["lookup_key"], "lookup_key", 200)
        _claim_lookup_key(ctx, key, to_bool(p.get("transfer_lookup_key", False), "transfer_lookup_key"), price["id"])
        price["lookup_key"] = key
    ctx.state.add(price)
    if p.get("currency_options"):
        _currency_options(ctx.state, price, p["currency_options"])
    if not inline:
        ctx.state.emit("price.created", price, ctx.request_id, ctx.idempotency_key)
    return price


@honours("active", "lookup_key", "transfer_lookup_key", "metadata", "nickname", "tax_behavior", "currency_options")
def update_price(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    price = ctx.state.get("price", id)
    if "active" in p:
        price["active"] = to_bool(p["active"], "active")
    if "lookup_key" in p:
        key = to_str(p["lookup_key"], "lookup_key", 200) or None
        if key:
            _claim_lookup_key(ctx, key, to_bool(p.get("transfer_lookup_key", False), "transfer_lookup_key"), id)
        price["lookup_key"] = key
    if "nickname" in p:
        price["nickname"] = p["nickname"] or None
    if "tax_behavior" in p:
        price["tax_behavior"] = one_of(p["tax_behavior"], TAX_BEHAVIORS, "tax_behavior")
    if "metadata" in p:
        price["metadata"] = merge_metadata(price["metadata"], p["metadata"])
    if "currency_options" in p:
        if p["currency_options"] == "":
            ctx.state.includes.get(id, {}).pop("currency_options", None)
        else:
            _currency_options(ctx.state, price, p["currency_options"])
    ctx.state.emit("price.updated", price, ctx.request_id, ctx.idempotency_key)
    return price


@honours("active", "currency", "product", "type", "lookup_keys", "recurring", "created", "limit", "starting_after",
         "ending_before")
def list_prices(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("price"), p, {
        "active": lambda v: to_bool(v, "active"),
        "currency": lambda v: currency(v),
        "product": str,
        "type": str,
    })
    if "lookup_keys" in p:
        keys = set(to_list(p["lookup_keys"], "lookup_keys"))
        items = [i for i in items if i["lookup_key"] in keys]
    if "recurring" in p:
        rec = to_dict(p["recurring"], "recurring")
        for key in ("interval", "usage_type", "meter"):
            if key in rec:
                items = [i for i in items if i["recurring"] and i["recurring"][key] == rec[key]]
    return paginate(created_range(items, p), p, "/v1/prices")
