"""Customers: create, retrieve, update, list (by email). Checkout creates them too."""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.objects import build, merge_metadata, new_id, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, address, email, honours, lister, shipping
from checkout_kit.emulator.state import State

_FIELDS = ("email", "name", "phone", "description", "metadata", "address", "shipping", "preferred_locales",
           "business_name", "individual_name")


def _apply(customer: dict[str, Any], p: dict[str, Any]) -> None:
    if "email" in p:
        customer["email"] = email(p["email"], "email") if p["email"] else None
    for key in ("name", "phone", "description", "business_name", "individual_name"):
        if key in p:
            customer[key] = to_str(p[key], key) or None
    if "address" in p:
        customer["address"] = address(p["address"], "address")
    if "shipping" in p:
        customer["shipping"] = shipping(p["shipping"], "shipping")
    if "preferred_locales" in p:
        customer["preferred_locales"] = [to_str(x, "preferred_locales") for x in
                                         to_list(p["preferred_locales"], "preferred_locales")]
    if "metadata" in p:
        customer["metadata"] = merge_metadata(customer["metadata"], p["metadata"])


def add_customer(state: State, request_id: str | None = None, idempotency_key: str | None = None,
                 **values: Any) -> dict[str, Any]:
    """A new customer with `values` over the defaults, stored and announced (customer.created)."""
    defaults = {"invoice_prefix": new_id("", 8).upper(), "next_invoice_sequence": 1, "preferred_locales": []}
    customer = build("customer", id=new_id("cus_", 14), **{**defaults, **values})
    state.add(customer)
    state.emit("customer.created", customer, request_id, idempotency_key)
    return customer


@honours(*_FIELDS)
def create_customer(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    draft: dict[str, Any] = {"metadata": {}}
    _apply(draft, p)
    return add_customer(ctx.state, ctx.request_id, ctx.idempotency_key, **draft)


@honours(*_FIELDS)
def update_customer(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    customer = ctx.state.get("customer", id)
    _apply(customer, p)
    ctx.state.emit("customer.updated", customer, ctx.request_id, ctx.idempotency_key)
    return customer


list_customers = honours("email", "created", "limit", "starting_after", "ending_before")(
    lister("customer", "/v1/customers", {"email": str}))
