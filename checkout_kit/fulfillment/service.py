"""Services (and any kind named by the shop without code of its own): the product's details
as given in the catalog (a `booking_url`, instructions…) are what the buyer gets."""

from __future__ import annotations

from typing import Any

from checkout_kit.fulfillment.kinds import Plan, PlanContext, View, ViewContext, detail_view


def shown(details: dict[str, Any]) -> dict[str, Any]:
    """The details worth showing a buyer: text and numbers (JSON-able), nothing the kit reads."""
    return {k: v for k, v in details.items()
            if isinstance(v, (str, int, float)) and not isinstance(v, bool) and not k.startswith(("download_", "webhook_"))}


def plan(ctx: PlanContext) -> Plan:
    return Plan(record={"type": ctx.item.fulfillment_type, **shown(ctx.details)})


def view(ctx: ViewContext) -> View:
    return detail_view(ctx, ctx.item.fulfillment)
