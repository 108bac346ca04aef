"""`POST /api/webhook`: verify, log, and hand checkout events to fulfillment.

Reads only `id`, `type` and `data.object.id` from the body (it arrives in the
endpoint's API version, which may not be ours) and lets fulfillment re-read
the session. No `stripe` import: verifying needs only `hmac`.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from checkout_kit import alerts, fulfillment, outbox
from checkout_kit.services import Services
from checkout_kit.store.errors import StoreUnavailable
from checkout_kit.store.records import Delivery
from checkout_kit.stripe_gateway import NOT_FOUND, GatewayError
from checkout_kit.webhook_signature import SignatureError, verify_header

log = logging.getLogger("checkout_kit.webhook")

CHECKOUT_EVENTS = frozenset({
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
})
HANDLED_EVENTS = CHECKOUT_EVENTS  # later: charge.refunded, customer.subscription.*, invoice.*
MAX_BODY_BYTES = 512 * 1024


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": {"code": code, "message": message}})


def parse_event(body: bytes) -> tuple[str, str, str | None]:
    """(id, type, data.object.id) or ValueError."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # "[[[[…" nests deeper than json recurses
        raise ValueError("body is not JSON") from None
    if not isinstance(data, dict):
        raise ValueError("body is not a JSON object")
    event_id, event_type = data.get("id"), data.get("type")
    # An empty id would make unrelated events share one "processed" row.
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not event_id or not event_type:
        raise ValueError("event has no id or type")
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    object_id = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
    return event_id, event_type, object_id


def handle(services: Services, body: bytes, signature: str | None) -> Answer:
    settings = services.settings
    secrets = settings.stripe_webhook_secrets
    if not secrets:
        log.error("webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return _error(500, "not_configured", "Webhook signing secret is not configured.")
    problem = "missing signature"
    for secret in secrets:  # several while rotating secrets
        try:
            verify_header(body, signature, secret.reveal())
            break
        except SignatureError as exc:
            problem = str(exc)
    else:
        log.warning("webhook rejected: %s", problem)
        return _error(400, "invalid_signature", "Signature verification failed.")
    try:
        event_id, event_type, object_id = parse_event(body)
    except ValueError as exc:
        log.warning("webhook rejected: %s", exc)
        return _error(400, "invalid_body", "The event could not be read.")

    started = time.time()
    store = services.store
    try:
        if event_type not in HANDLED_EVENTS or not object_id:
            why = "type not handled" if event_type not in HANDLED_EVENTS else "no data.object.id"
            store.log_delivery(Delivery(event_id, event_type, "ignored", why, started))
            log.info("webhook %s %s ignored", event_id, event_type)
            return Answer(200, {"received": True, "outcome": "ignored"})
        return _handle_checkout(services, event_id, event_type, object_id, started)
    except StoreUnavailable as exc:
        log.error("webhook %s %s: database unavailable, Stripe will retry: %s", event_id, event_type, exc)
        return _error(503, "database_unavailable", "The shop's database is unavailable; retry later.")


def _handle_checkout(services: Services, event_id: str, event_type: str, object_id: str, started: float) -> Answer:
    store = services.store
    gateway = services.gateway.within(services.settings.stripe_webhook_timeout)
    try:
        result = fulfillment.fulfill_checkout(services, object_id, fulfillment.EventRef(event_id, event_type), gateway)
    except GatewayError as exc:
        if exc.kind == NOT_FOUND:  # not this account's (or mode's) session: nothing to do, do not retry
            store.log_delivery(Delivery(event_id, event_type, "ignored", "session not found in Stripe", started))
            log.info("webhook %s %s: session %s not found, ignored", event_id, event_type, object_id)
            return Answer(200, {"received": True, "outcome": "ignored"})
        store.log_delivery(Delivery(event_id, event_type, "failed", exc.detail, started))
        log.error("webhook %s %s failed, Stripe will retry: %s", event_id, event_type, exc.detail)
        return _error(503, "stripe_unavailable", "Could not read the session from Stripe; retry later.")
    except StoreUnavailable:
        raise
    except Exception as exc:  # a bug: answer 500 so Stripe retries, keep the trace in the log, tell the merchant
        log.exception("webhook %s %s failed, Stripe will retry", event_id, event_type)
        try:
            store.log_delivery(Delivery(event_id, event_type, "failed", type(exc).__name__, started))
        except Exception:
            log.exception("could not log the failed delivery")
        alerts.report(services, alerts.WEBHOOK_FAILED, event_id,
                      f"{event_type} for {object_id}: {type(exc).__name__}; Stripe retries it")
        return _error(500, "handler_failed", "The event could not be processed; it will be retried.")
    if not result.logged:  # fulfillment logs in its own transaction when it got that far
        store.log_delivery(Delivery(event_id, event_type, result.outcome, object_id, started))
    log.info("webhook %s %s session=%s -> %s", event_id, event_type, object_id, result.outcome)
    # The order is committed: its own jobs now, then a few others that are due (emails an
    # outage or a crash left behind), stopping at the first service that fails.
    outbox.after_commit(services, result.jobs, limit=10)
    return Answer(200, {"received": True, "outcome": result.outcome})
