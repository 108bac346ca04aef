"""What paying creates — payment intents, charges, subscriptions and their
items, invoices and their lines — listed through the API (Checkout writes them;
`api._get` retrieves them like any object).
"""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.billing import invoice_subscription, items_of
from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import to_str
from checkout_kit.emulator.resources.common import Ctx, created_range, honours, lister
from checkout_kit.emulator.state import filter_eq, paginate

_PAGING = ("limit", "starting_after", "ending_before")

list_payment_intents = honours("customer", "created", *_PAGING)(
    lister("payment_intent", "/v1/payment_intents", {"customer": str}))
list_charges = honours("customer", "payment_intent", "created", *_PAGING)(
    lister("charge", "/v1/charges", {"customer": str, "payment_intent": str}))
list_subscriptions = honours("customer", "status", "collection_method", "created", *_PAGING)(
    lister("subscription", "/v1/subscriptions", {"customer": str, "status": str, "collection_method": str}))


@honours("customer", "subscription", "status", "collection_method", "created", *_PAGING)
def list_invoices(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("invoice"), p, {"customer": str, "status": str, "collection_method": str})
    if "subscription" in p:
        # the pinned version keeps it in parent.subscription_details, not on the invoice itself
        items = [i for i in items if invoice_subscription(i) == to_str(p["subscription"], "subscription")]
    return paginate(created_range(items, p), p, "/v1/invoices")


@honours(*_PAGING)
def list_invoice_lines(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    ctx.state.get("invoice", id)
    return paginate(list(ctx.state.invoice_lines.get(id, [])), p, f"/v1/invoices/{id}/lines")


@honours("subscription", *_PAGING)
def list_subscription_items(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    """Stripe requires `subscription` here; items come in the subscription's order."""
    if "subscription" not in p:
        raise invalid("Missing required param: subscription.", param="subscription", code="parameter_missing")
    sub = ctx.state.get("subscription", p["subscription"], "subscription", status=400)
    return paginate(items_of(ctx.state, sub), p, "/v1/subscription_items")
