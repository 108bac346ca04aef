"""`POST /api/webhook`: verify, log, and hand each event to its family's handler.

Reads only `id`, `type`, `account` and `data.object.id` from the body (it arrives
in the endpoint's API version, which may not be ours); the handler re-reads the
object from Stripe (`events/`). Maps what happened to the answer Stripe needs:
200 when done or nothing to do, 503/500 when Stripe should retry. No `stripe`
import: verifying needs only `hmac`.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from checkout_kit import alerts, events, outbox
from checkout_kit.services import Services
from checkout_kit.store.errors import StoreUnavailable
from checkout_kit.store.records import Delivery
from checkout_kit.store.sql import delivery_statement
from checkout_kit.stripe_gateway import NOT_FOUND, GatewayError
from checkout_kit.webhook_signature import SignatureError, verify_header

log = logging.getLogger("checkout_kit.webhook")

MAX_BODY_BYTES = 512 * 1024


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": {"code": code, "message": message}})


def parse_envelope(body: bytes) -> tuple[str, str, str | None, str | None]:
    """(id, type, data.object.id, account) or ValueError; `account` is set on Connect events only."""
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
    account = data.get("account") if isinstance(data.get("account"), str) else None
    return event_id, event_type, object_id, account


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
        event_id, event_type, object_id, account = parse_envelope(body)
    except ValueError as exc:
        log.warning("webhook rejected: %s", exc)
        return _error(400, "invalid_body", "The event could not be read.")

    started = time.time()
    store = services.store
    handler = events.handler_for(event_type)
    # The shop's account only: STRIPE_ACCOUNT's events when it is set (a Connect endpoint hears every
    # connected account), else the platform's own (events without `account`).
    foreign = account != (settings.stripe_account or None)
    try:
        if handler is None or not object_id or foreign:
            why = "type not handled" if handler is None else "no data.object.id" if not object_id else \
                f"event of another account ({account or 'the platform'})"
            store.log_delivery(Delivery(event_id, event_type, events.IGNORED, why, started))
            log.info("webhook %s %s ignored", event_id, event_type)
            return Answer(200, {"received": True, "outcome": events.IGNORED})
        return _dispatch(services, handler, events.Event(event_id, event_type, object_id), started)
    except StoreUnavailable as exc:
        log.error("webhook %s %s: database unavailable, Stripe will retry: %s", event_id, event_type, exc)
        return _error(503, "database_unavailable", "The shop's database is unavailable; retry later.")


def _dispatch(services: Services, handler: Any, event: events.Event, started: float) -> Answer:
    store = services.store
    # One round trip first: a repeated event is answered at once (no Stripe call, nothing else), and
    # jobs left due by a crash or an outage are claimed to go out with this event's own.
    token = outbox.new_token()
    duplicate = Delivery(event.id, event.type, events.DUPLICATE_EVENT, event.object_id, started)
    seen, claimed = store.precheck_delivery(duplicate, token, outbox.lease_seconds(services.settings))
    if seen:
        log.info("webhook %s %s: processed before", event.id, event.type)
        outbox.perform_all(services, claimed)
        return Answer(200, {"received": True, "outcome": events.DUPLICATE_EVENT})
    gateway = services.gateway.within(services.settings.stripe_webhook_timeout)
    try:
        result = handler.handle(services, event, gateway)
    except GatewayError as exc:
        store.unclaim_jobs(claimed)
        if exc.kind == NOT_FOUND:  # not this account's (or mode's) object: nothing to do, do not retry
            store.log_delivery(Delivery(event.id, event.type, events.IGNORED, "object not found in Stripe", started))
            log.info("webhook %s %s: %s not found, ignored", event.id, event.type, event.object_id)
            return Answer(200, {"received": True, "outcome": events.IGNORED})
        store.log_delivery(Delivery(event.id, event.type, "failed", exc.detail, started))
        log.error("webhook %s %s failed, Stripe will retry: %s", event.id, event.type, exc.detail)
        return _error(503, "stripe_unavailable", "Could not read the object from Stripe; retry later.")
    except events.RetryLater as exc:
        store.unclaim_jobs(claimed)
        store.log_delivery(Delivery(event.id, event.type, "retry_later", str(exc), started))
        log.info("webhook %s %s: %s; Stripe will retry", event.id, event.type, exc)
        return _error(503, "retry_later", "Not ready for this event yet; retry later.")
    except StoreUnavailable:
        raise
    except Exception as exc:  # a bug: answer 500 so Stripe retries, keep the trace in the log, tell the merchant
        log.exception("webhook %s %s failed, Stripe will retry", event.id, event.type)
        try:
            store.unclaim_jobs(claimed)
            store.log_delivery(Delivery(event.id, event.type, "failed", type(exc).__name__, started))
        except Exception:
            log.exception("could not log the failed delivery")
        alerts.report(services, alerts.WEBHOOK_FAILED, event.id,
                      f"{event.type} for {event.object_id}: {type(exc).__name__}; Stripe retries it")
        return _error(500, "handler_failed", "The event could not be processed; it will be retried.")
    log.info("webhook %s %s %s -> %s", event.id, event.type, event.object_id, result.outcome)
    # The effects are committed: this event's own jobs now, then those claimed above, stopping at
    # the first service that fails; marking them done and logging the delivery is one round trip.
    delivery = Delivery(event.id, event.type, result.outcome, event.object_id, started)
    log_it = None if result.logged else (lambda batch: batch.count(*delivery_statement(delivery)))
    try:
        done = outbox.perform_all(services, list(result.jobs) + claimed, finish=log_it)
        if result.claim_after:
            outbox.run_due(services, limit=10, result=done)
    except Exception:
        log.exception("the job outbox pass failed; the jobs stay queued")
    return Answer(200, {"received": True, "outcome": result.outcome})
