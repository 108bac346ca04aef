"""The owner's own fulfillment in Python: `fulfillment = "myshop.hooks:grant_role"`.

The kit calls `grant_role(item, order)` once per paid line, after the order's transaction
commits, as a job of the outbox: at least once (a crash between the call and its completion
means it runs again, with the same `item.idempotency_key`), retried with backoff while it
raises, and reported to the merchant if it gives up. It gets read-only views of the line and
the order (`purchase.PurchasedItem`, `purchase.PurchaseOrder`) and may return a dict of
details to show the buyer (`{"Discord": "You have the Supporter role"}`), which the success
and order pages show once it ran. The module is imported from the project's root (where
`catalog.toml` is), like any Python module of the site's own.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any, Callable

from checkout_kit.catalog import find_catalog
from checkout_kit.fulfillment import purchase
from checkout_kit.fulfillment.kinds import PENDING, JobSpec, Plan, PlanContext, View, ViewContext, detail_view
from checkout_kit.store.records import Job

log = logging.getLogger("checkout_kit.hooks")
KIND = "hook"


def plan(ctx: PlanContext) -> Plan:
    target = ctx.item.fulfillment_type
    return Plan(status=PENDING, record={"type": target},
                jobs=[JobSpec(f"hook:{ctx.line_key}", KIND, {"target": target, **purchase.snapshot(ctx)})])


def view(ctx: ViewContext) -> View:
    lines = ["Being set up: this page shows the details once it is done."] if ctx.item.fulfillment_status == PENDING \
        else []
    return detail_view(ctx, ctx.item.fulfillment, lines)


def resolve(services: Any, target: str) -> Callable[..., Any]:
    """The owner's callable, imported from the project's root."""
    root = str(find_catalog(services.settings.catalog_path).resolve().parent)
    if root not in sys.path:
        sys.path.append(root)
    module_name, _, name = target.partition(":")
    return getattr(importlib.import_module(module_name), name)


def perform(services: Any, job: Job) -> dict[str, Any]:
    from checkout_kit.outbox import JobFailed

    target = job.payload["target"]
    try:
        hook = resolve(services, target)
    except (ImportError, AttributeError) as exc:
        # Permanent for this attempt's code: the merchant is told; `jobs retry --failed` after a fix.
        raise JobFailed(f"cannot import {target}: {type(exc).__name__}: {str(exc)[:200]}", permanent=True) from None
    item, order = purchase.from_snapshot(job.payload)
    try:
        answer = hook(item, order)
    except Exception as exc:  # the owner's code failed: retried with backoff
        log.warning("hook %s for %s failed: %s", target, item.idempotency_key, type(exc).__name__)
        raise JobFailed(f"{target} raised {type(exc).__name__}: {str(exc)[:200]}") from None
    details = purchase.shown_details(answer)
    purchase.record_done(services, order.session_id, item.position, target, details)
    log.info("hook %s done for %s", target, item.idempotency_key)
    return {"details": details}
