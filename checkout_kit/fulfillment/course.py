"""Courses: the buyer gets the course's address (`course_url`, or `access_url`). Enrolling the
buyer on a course platform is the owner's hook (`fulfillment = "myshop.hooks:enroll"`), or
their system's, through the outgoing webhook (docs/selling.md)."""

from __future__ import annotations

from checkout_kit.fulfillment.kinds import Plan, PlanContext, View, ViewContext, access_view


def plan(ctx: PlanContext) -> Plan:
    return Plan(record={"type": "course", "access_url": ctx.details.get("course_url") or ctx.details.get("access_url")})


def view(ctx: ViewContext) -> View:
    return access_view(ctx, "Your course is ready.", "Start the course")
