"""Subscriptions through the API: update (cancel at period end, change plan with prorations, new
default card, end a trial), cancel at once, resume a paused one. What they set in motion over
time is `billing`'s."""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator import billing
from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import merge_metadata, now, to_bool, to_dict, to_int, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, honours, one_of

PRORATIONS = ("always_invoice", "create_prorations", "none")
FEEDBACK = ("customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex",
            "too_expensive", "unused")


def _proration(p: dict[str, Any]) -> str:
    return one_of(p.get("proration_behavior", "create_prorations"), PRORATIONS, "proration_behavior")


def _items(p: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for n, raw in enumerate(to_list(p["items"], "items")):
        entry = to_dict(raw, f"items[{n}]")
        change: dict[str, Any] = {}
        if entry.get("id"):
            change["id"] = to_str(entry["id"], f"items[{n}][id]")
        if entry.get("price"):
            change["price"] = to_str(entry["price"], f"items[{n}][price]")
        if "quantity" in entry:
            change["quantity"] = to_int(entry["quantity"], f"items[{n}][quantity]", 1, 999_999)
        if "deleted" in entry:
            change["deleted"] = to_bool(entry["deleted"], f"items[{n}][deleted]")
        if not change.get("id") and not change.get("price"):
            raise invalid(f"Missing required param: items[{n}][price].", param=f"items[{n}][price]",
                          code="parameter_missing")
        changes.append(change)
    return changes


def _cancellation_details(sub: dict[str, Any], p: dict[str, Any]) -> None:
    details = to_dict(p["cancellation_details"], "cancellation_details")
    if "comment" in details:
        sub["cancellation_details"]["comment"] = to_str(details["comment"], "cancellation_details[comment]") or None
    if "feedback" in details:
        if details["feedback"] not in ("", *FEEDBACK):
            raise invalid("Invalid cancellation_details[feedback]", param="cancellation_details[feedback]")
        sub["cancellation_details"]["feedback"] = details["feedback"] or None


@honours("cancel_at_period_end", "cancel_at", "items", "proration_behavior", "default_payment_method", "metadata",
         "description", "cancellation_details", "trial_end")
def update_subscription(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    state = ctx.state
    sub = state.get("subscription", id)
    if sub["status"] in billing.ENDED and set(p) - {"metadata", "cancellation_details"}:
        raise invalid("A canceled subscription can only update its cancellation_details and metadata.")
    previous: dict[str, Any] = {}
    invoice_id = None
    if "metadata" in p:
        previous["metadata"] = dict(sub["metadata"])
        sub["metadata"] = merge_metadata(sub["metadata"], p["metadata"])
    if "description" in p:
        previous["description"] = sub["description"]
        sub["description"] = to_str(p["description"], "description") or None
    if "cancellation_details" in p:
        previous["cancellation_details"] = dict(sub["cancellation_details"])
        _cancellation_details(sub, p)
    if "default_payment_method" in p:
        method_id = to_str(p["default_payment_method"], "default_payment_method") or None
        if method_id:
            method = state.get("payment_method", method_id, "default_payment_method", status=400)
            if method["customer"] != sub["customer"]:
                raise invalid("The payment method must be attached to the subscription's customer.",
                              param="default_payment_method")
        previous["default_payment_method"] = sub["default_payment_method"]
        sub["default_payment_method"] = method_id
    if "items" in p:
        previous["items"] = {"object": "list", "data": [dict(i) for i in sub["items"]["data"]]}
        invoice_id = billing.change_items(state, sub, _items(p), _proration(p))
    if "trial_end" in p and sub["status"] == "trialing":
        value = p["trial_end"]
        end = now() if value == "now" else to_int(value, "trial_end")
        if end < now() and value != "now":
            raise invalid("Invalid timestamp: must be an integer Unix timestamp in the future.", param="trial_end")
        previous["trial_end"] = sub["trial_end"]
        sub["trial_end"] = end
        for item in billing.items_of(state, sub):
            item["current_period_end"] = end
        billing.sync_items(state, sub)
        sub["billing_cycle_anchor"] = end
    if "cancel_at_period_end" in p:
        previous.update(billing.schedule_cancel(state, sub, to_bool(p["cancel_at_period_end"], "cancel_at_period_end")))
    if "cancel_at" in p:
        value = p["cancel_at"]
        previous.update(billing.schedule_cancel(state, sub, at_period_end=bool(value)))
        if value not in ("", "max_period_end", "min_period_end"):
            sub["cancel_at"] = to_int(value, "cancel_at")
            sub["cancel_at_period_end"] = sub["cancel_at"] == billing.period_end(state, sub)
    if previous:
        state.emit("customer.subscription.updated", sub, ctx.request_id, ctx.idempotency_key, previous=previous)
    if invoice_id:
        billing.charge_now(state, invoice_id)
    if "trial_end" in p and sub["status"] == "trialing" and sub["trial_end"] <= now():
        billing.run_due(state, now())  # ending the trial now renews (and bills) now
    return sub


@honours("cancellation_details")
def cancel_subscription(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    sub = ctx.state.get("subscription", id)
    if "cancellation_details" in p:
        _cancellation_details(sub, p)
    billing.cancel_now(ctx.state, sub)
    return sub


@honours()
def resume_subscription(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    sub = ctx.state.get("subscription", id)
    invoice_id = billing.resume(ctx.state, sub)
    billing.charge_now(ctx.state, invoice_id)
    return sub
