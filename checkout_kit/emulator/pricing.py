"""A Checkout Session's amounts: line subtotals, discounts, shipping and tax.

Pure arithmetic over the session's lines, its coupons, its chosen shipping rate
and the buyer's country, run at create time and again whenever the buyer
changes something on the page (a promotion code, a shipping option, the
address that decides tax). Everything in integers of the smallest unit:

- a percent coupon takes `percent` of each eligible line, rounded half up;
- an amount coupon is shared across eligible lines in proportion to their
  subtotals (rounded down, the remainder on the last eligible line), never
  more than they cost;
- tax (the emulator's fake table, `tax_table`) is exclusive: each line's
  discounted amount and the shipping cost are taxed separately, half up;
- `amount_total = amount_subtotal - amount_discount + amount_shipping + amount_tax`,
  the identity Stripe's own sessions keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checkout_kit.emulator import tax_table
from checkout_kit.emulator.objects import build, new_id
from checkout_kit.emulator.resources import discounts as coupons
from checkout_kit.emulator.resources.shipping_rates import amount_in
from checkout_kit.emulator.state import State


@dataclass
class Inputs:
    discounts: list[dict[str, Any]]  # [{"coupon": id, "promotion_code": id | None}]
    shipping_rate: dict[str, Any] | None
    tax_country: str | None  # None: tax not (yet) computable
    automatic_tax: bool
    trial: bool = False  # a subscription's free trial: its recurring lines are not due today


def _coupon_amounts(state: State, coupon: dict[str, Any], items: list[dict[str, Any]], cur: str,
                    already: list[int]) -> list[int]:
    """What one coupon takes off each line, after the coupons before it (`already`)."""
    products = (coupons.applies_to(state, coupon) or {}).get("products")
    left = [i["amount_subtotal"] - d for i, d in zip(items, already)]
    eligible = [n for n, i in enumerate(items) if not products or i["price"]["product"] in products]
    result = [0] * len(items)
    if coupon["percent_off"] is not None:
        for n in eligible:
            result[n] = min(left[n], tax_table.percent_of(left[n], coupon["percent_off"]))
        return result
    amount = coupon["amount_off"] if coupon["currency"] == cur else \
        (coupons.coupon_currency_options(state, coupon) or {})[cur]["amount_off"]
    base = sum(left[n] for n in eligible)
    amount = min(amount, base)
    if base == 0:
        return result
    for n in eligible:
        result[n] = amount * left[n] // base
    if eligible:
        result[eligible[-1]] += amount - sum(result)
    return result


def _discount_object(session_id: str, entry: dict[str, Any], state: State) -> dict[str, Any]:
    """The `discount` a line's or the total's breakdown names (one per applied coupon, stable id)."""
    coupon = state.objects["coupon"][entry["coupon"]]
    return build("discount", id=entry.setdefault("id", new_id("di_")), checkout_session=session_id,
                 customer=None, customer_account=None, end=None, invoice=None, invoice_item=None,
                 promotion_code=entry.get("promotion_code"), source={"coupon": coupon["id"], "type": "coupon"},
                 start=entry.setdefault("start", 0), subscription=None, subscription_item=None)


def apply(state: State, session: dict[str, Any], items: list[dict[str, Any]], inputs: Inputs) -> None:
    """Set every amount of `session` and its `items` from `inputs` (in place)."""
    cur = session["currency"]
    taken = [0] * len(items)
    per_line: list[list[dict[str, Any]]] = [[] for _ in items]
    for entry in inputs.discounts:
        coupon = state.objects["coupon"][entry["coupon"]]
        amounts = _coupon_amounts(state, coupon, items, cur, taken)
        discount = _discount_object(session["id"], entry, state)
        for n, amount in enumerate(amounts):
            taken[n] += amount
            if amount:
                per_line[n].append({"amount": amount, "discount": discount})
    rate = tax_table.rate_for(inputs.tax_country) if inputs.automatic_tax else None
    tax_rate = tax_table.tax_rate_object(state, inputs.tax_country or "") if rate else None
    due_now = [not (inputs.trial and item["price"]["recurring"]) for item in items]
    taxes_total = 0
    for n, item in enumerate(items):
        net = item["amount_subtotal"] - taken[n]
        tax = tax_table.percent_of(net, rate[0]) if rate else 0
        taxes_total += tax if due_now[n] else 0
        item.update(amount_discount=taken[n], amount_tax=tax, amount_total=net + tax, discounts=per_line[n],
                    taxes=[_tax_entry(tax, net, tax_rate)] if tax_rate else [])
    shipping_amount = 0
    if inputs.shipping_rate is not None:
        shipping_amount = amount_in(inputs.shipping_rate, cur) or 0
        shipping_tax = tax_table.percent_of(shipping_amount, rate[0]) if rate else 0
        taxes_total += shipping_tax
        session["shipping_cost"] = {
            "amount_subtotal": shipping_amount, "amount_tax": shipping_tax,
            "amount_total": shipping_amount + shipping_tax, "shipping_rate": inputs.shipping_rate["id"],
            "taxes": [_tax_entry(shipping_tax, shipping_amount, tax_rate)] if tax_rate else []}
    else:
        session["shipping_cost"] = None
    subtotal = sum(i["amount_subtotal"] for i, due in zip(items, due_now) if due)
    discount_total = sum(t for t, due in zip(taken, due_now) if due)
    session.update(amount_subtotal=subtotal,
                   amount_total=subtotal - discount_total + shipping_amount + taxes_total,
                   discounts=[{"coupon": d["coupon"], "promotion_code": d.get("promotion_code")}
                              for d in inputs.discounts],
                   total_details={"amount_discount": discount_total, "amount_shipping": shipping_amount,
                                  "amount_tax": taxes_total, "breakdown": None})
    if inputs.automatic_tax:
        session["automatic_tax"]["status"] = "complete" if inputs.tax_country else "requires_location_inputs"


def _tax_entry(amount: int, taxable: int, rate: dict[str, Any] | None) -> dict[str, Any]:
    return {"amount": amount, "rate": rate, "taxability_reason": "standard_rated", "taxable_amount": taxable}
