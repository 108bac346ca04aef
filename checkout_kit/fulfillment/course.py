"""Courses: the buyer gets the course's address (`course_url`, or `access_url`). Enrolling the
buyer on a course platform is the owner's hook (`fulfillment = "myshop.hooks:enroll"`), or
their system's, through the outgoing webhook (docs/selling.md)."""

from __future__ import annotations

from checkout_kit.fulfillment.kinds import Link, Plan, PlanContext, View, ViewContext


def plan(ctx: PlanContext) -> Plan:
    return Plan(record={"type": "course", "access_url": ctx.details.get("course_url") or ctx.details.get("access_url")})


def view(ctx: ViewContext) -> View:
    result = View(kind="course", title=ctx.item.description, status=ctx.item.fulfillment_status,
                  lines=["Your course is ready."])
    if ctx.item.fulfillment.get("access_url"):
        result.links.append(Link("Start the course", ctx.item.fulfillment["access_url"]))
    return result
