"""The owner's own fulfillment in another system: `fulfillment = "webhook"` with
`webhook_url = "https://…"` posts a signed `purchase.fulfilled` event there for each paid line.

The body is JSON: `{"id": "evt_kit_…", "object": "event", "type": "purchase.fulfilled",
"created": …, "livemode": …, "data": {"item": …, "order": …}}` (docs/selling.md). It is signed
as Stripe signs its webhooks: `Kit-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
keyed with HOOKS_SIGNING_SECRET>`. `Kit-Delivery-Id` is the event's id, the same on every
retry: the receiver does the work once per id. Any 2xx answer is success; anything else, or
no answer within HOOKS_TIMEOUT, is retried with backoff (a 410 Gone stops the retries), and
the merchant is told if it gives up.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from checkout_kit.fulfillment import purchase
from checkout_kit.fulfillment.kinds import PENDING, JobSpec, Plan, PlanContext, View, ViewContext, detail_view
from checkout_kit.http_transport import TransportError, default_transport
from checkout_kit.store.records import Job
from checkout_kit.webhook_signature import sign_header

log = logging.getLogger("checkout_kit.hooks")
KIND = "webhook"
EVENT_TYPE = "purchase.fulfilled"
SIGNATURE_HEADER = "Kit-Signature"
DELIVERY_HEADER = "Kit-Delivery-Id"


def event_id(line_key: str) -> str:
    return "evt_kit_" + hashlib.sha256(f"{EVENT_TYPE}:{line_key}".encode()).hexdigest()[:24]


def plan(ctx: PlanContext) -> Plan:
    payload = {"url": ctx.details["webhook_url"], "id": event_id(ctx.line_key), **purchase.snapshot(ctx)}
    return Plan(status=PENDING, record={"type": "webhook"},
                jobs=[JobSpec(f"webhook:{ctx.line_key}", KIND, payload)])


def view(ctx: ViewContext) -> View:
    lines = ["Being set up: you hear from us when it is ready."] if ctx.item.fulfillment_status == PENDING \
        else ["All set: it is on its way to you."]
    return detail_view(ctx, ctx.item.fulfillment, lines)


def body(job: Job) -> bytes:
    """The event, the same bytes on every attempt (its `created` is when the sale queued it)."""
    event = {"id": job.payload["id"], "object": "event", "type": EVENT_TYPE, "created": int(job.created_at),
             "livemode": bool(job.payload["order"].get("livemode")),
             "data": {"item": job.payload["item"], "order": job.payload["order"]}}
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def perform(services: Any, job: Job) -> dict[str, Any]:
    from checkout_kit.outbox import JobFailed

    settings = services.settings
    if not settings.hooks_signing_secret:
        raise JobFailed("HOOKS_SIGNING_SECRET is not set: the outgoing webhook cannot be signed", permanent=True)
    data = body(job)
    headers = {"Content-Type": "application/json", "User-Agent": "checkout-kit-hooks/1",
               SIGNATURE_HEADER: sign_header(data, settings.hooks_signing_secret.reveal()),
               DELIVERY_HEADER: job.payload["id"]}
    url = job.payload["url"]
    try:
        answer = default_transport().request("POST", url, headers, data, settings.hooks_timeout)
    except TransportError as exc:
        raise JobFailed(f"webhook {url}: {exc}") from None
    if answer.status == 410:
        raise JobFailed(f"webhook {url} answered 410 Gone: not retried", permanent=True)
    if not 200 <= answer.status < 300:
        raise JobFailed(f"webhook {url} answered HTTP {answer.status}")
    item = job.payload["item"]
    purchase.record_done(services, job.payload["order"]["session_id"], item["position"], "webhook", {})
    log.info("webhook %s delivered %s", url, job.payload["id"])
    return {"status": answer.status}
