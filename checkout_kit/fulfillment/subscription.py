"""Subscriptions: the membership starts with the subscription Checkout created; the buyer
gets the members' area's address (`access_url`). Renewals, cancellations and the customer
portal are the subscriptions' own events (`events/subscriptions.py`)."""

from __future__ import annotations

from checkout_kit.fulfillment.kinds import Link, Plan, PlanContext, View, ViewContext, access_view


def plan(ctx: PlanContext) -> Plan:
    return Plan(record={"type": "subscription", "subscription": ctx.order.subscription,
                        "access_url": ctx.details.get("access_url")})


def view(ctx: ViewContext) -> View:
    result = access_view(ctx, "Your membership is active.", "Open the members' area")
    # Members cancel, change plan or update their card in the customer portal, reached from here.
    result.links.append(Link("Manage your membership", f"{ctx.services.settings.site_url}/account.html"))
    return result
