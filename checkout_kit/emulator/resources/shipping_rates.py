"""Shipping rates: fixed amounts (with per-currency amounts) and delivery
estimates, created through the API or inline as a session's
`shipping_options[][shipping_rate_data]`.
"""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, to_bool, to_dict, to_int, to_str
from checkout_kit.emulator.resources.common import Ctx, created_range, currency, honours, one_of
from checkout_kit.emulator.resources.prices import TAX_BEHAVIORS
from checkout_kit.emulator.state import filter_eq, paginate

UNITS = ("business_day", "day", "hour", "month", "week")


def _estimate(value: Any, param: str) -> dict[str, Any] | None:
    data = to_dict(value, param)
    if not data:
        return None
    result: dict[str, Any] = {}
    for end in ("minimum", "maximum"):
        bound = to_dict(data.get(end, {}), f"{param}[{end}]")
        if not bound:
            result[end] = None
            continue
        unit = bound.get("unit")
        if unit not in UNITS:
            raise invalid(f"Invalid {param}[{end}][unit]: must be one of {', '.join(UNITS)}",
                          param=f"{param}[{end}][unit]")
        result[end] = {"unit": unit, "value": to_int(bound.get("value", ""), f"{param}[{end}][value]", 1)}
    return result


def make_shipping_rate(ctx: Ctx, p: dict[str, Any], param: str = "") -> dict[str, Any]:
    """A shipping rate from create params (`param` prefixes errors for inline `shipping_rate_data`)."""
    def name(key: str) -> str:
        return f"{param}[{key}]" if param else key
    if p.get("type", "fixed_amount") != "fixed_amount":
        raise invalid("Only `fixed_amount` shipping rates exist.", param=name("type"))
    if not p.get("display_name"):
        raise invalid(f"Missing required param: {name('display_name')}.", param=name("display_name"),
                      code="parameter_missing")
    fixed = to_dict(p.get("fixed_amount", ""), name("fixed_amount"))
    if not fixed:
        raise invalid(f"Missing required param: {name('fixed_amount')}.", param=name("fixed_amount"),
                      code="parameter_missing")
    options = {currency(code, name(f"fixed_amount][currency_options][{code}")): {
                   "amount": to_int(to_dict(v, name("fixed_amount")).get("amount", ""), name("fixed_amount"), 0),
                   "tax_behavior": to_dict(v, name("fixed_amount")).get("tax_behavior", "unspecified")}
               for code, v in to_dict(fixed.get("currency_options", {}), name("fixed_amount")).items()}
    behavior = one_of(p.get("tax_behavior", "unspecified"), TAX_BEHAVIORS, name("tax_behavior"), "tax_behavior")
    rate = build(
        "shipping_rate", id=new_id("shr_"), active=True, type="fixed_amount",
        display_name=to_str(p["display_name"], name("display_name"), 100),
        fixed_amount={"amount": to_int(fixed.get("amount", ""), name("fixed_amount][amount"), 0),
                      "currency": currency(fixed.get("currency", ""), name("fixed_amount][currency")),
                      "currency_options": options},
        delivery_estimate=_estimate(p.get("delivery_estimate", {}), name("delivery_estimate")),
        tax_behavior=behavior, tax_code=to_str(p["tax_code"], name("tax_code")) if p.get("tax_code") else None,
        metadata=merge_metadata({}, p.get("metadata", {})),
    )
    ctx.state.add(rate)
    return rate


def amount_in(rate: dict[str, Any], cur: str) -> int | None:
    """What the rate costs in `cur`, or None when it has no amount in that currency."""
    fixed = rate["fixed_amount"]
    if fixed["currency"] == cur:
        return fixed["amount"]
    option = (fixed.get("currency_options") or {}).get(cur)
    return option["amount"] if option else None


@honours("display_name", "type", "fixed_amount", "delivery_estimate", "tax_behavior", "tax_code", "metadata")
def create_shipping_rate(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    return make_shipping_rate(ctx, p)


@honours("active", "metadata", "tax_behavior")
def update_shipping_rate(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    rate = ctx.state.get("shipping_rate", id)
    if "active" in p:
        rate["active"] = to_bool(p["active"], "active")
    if "metadata" in p:
        rate["metadata"] = merge_metadata(rate["metadata"], p["metadata"])
    if "tax_behavior" in p:
        rate["tax_behavior"] = p["tax_behavior"]
    return rate


@honours("active", "currency", "created", "limit", "starting_after", "ending_before")
def list_shipping_rates(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("shipping_rate"), p, {"active": lambda v: to_bool(v, "active")})
    if "currency" in p:
        items = [i for i in items if amount_in(i, currency(p["currency"])) is not None]
    return paginate(created_range(items, p), p, "/v1/shipping_rates")
