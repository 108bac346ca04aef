"""Subscriptions: the membership starts with the subscription Checkout created; the buyer
gets the members' area's address (`access_url`). Renewals, cancellations and the customer
portal are the subscriptions' own events (`events/subscriptions.py`)."""

from __future__ import annotations

from checkout_kit.fulfillment.kinds import Link, Plan, PlanContext, View, ViewContext


def plan(ctx: PlanContext) -> Plan:
    return Plan(record={"type": "subscription", "subscription": ctx.order.subscription,
                        "access_url": ctx.details.get("access_url")})


def view(ctx: ViewContext) -> View:
    result = View(kind="subscription", title=ctx.item.description, status=ctx.item.fulfillment_status,
                  lines=["Your membership is active."])
    if ctx.item.fulfillment.get("access_url"):
        result.links.append(Link("Open the members' area", ctx.item.fulfillment["access_url"]))
    return result
