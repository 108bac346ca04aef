"""Telling the merchant when something needs them: one email per cause per hour.

`report` records the problem (the admin page and `doctor` list every one) and
queues, once per cause and hour, an alert job keyed on both; when the job runs
it sends a digest of that cause's problems in the hour so far. Repeated
failures (a webhook retried ten times, a hundred jobs giving up during an
outage) therefore cost one email, not one each.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from checkout_kit.store.records import Job

log = logging.getLogger("checkout_kit.alerts")

KIND = "alert"
CHAT_KIND = "alert_chat"
WINDOW_S = 3600

# Causes.
JOB_GAVE_UP = "job_gave_up"
WEBHOOK_FAILED = "webhook_failed"
DISPUTE_OPENED = "dispute_opened"
DISPUTE_CLOSED = "dispute_closed"
REFUND_FAILED = "refund_failed"
DOWNLOAD_BROKEN = "download_broken"
ORDER_MISSING = "order_missing"
TITLES = {
    JOB_GAVE_UP: "An email or hook could not be delivered",
    WEBHOOK_FAILED: "A Stripe event could not be processed",
    DISPUTE_OPENED: "A customer disputed a payment: respond before the deadline",
    DISPUTE_CLOSED: "A dispute was closed",
    REFUND_FAILED: "A refund failed: the customer has not got their money back",
    DOWNLOAD_BROKEN: "A download could not be served",
    ORDER_MISSING: "Reconcile found paid orders the shop had missed (now fulfilled)",
}
# Causes the merchant hears of one by one (each has its own deadline or money), not as an hourly digest.
EACH = {DISPUTE_OPENED, DISPUTE_CLOSED, REFUND_FAILED}


def report(services: Any, cause: str, ref: str | None, detail: str, tx: Any = None) -> None:
    """Record a problem and make sure the merchant hears of this cause this hour. Never raises."""
    now = time.time()
    window = int(now // WINDOW_S * WINDOW_S)
    merchant = services.settings.merchant_email

    chat = services.settings.alert_webhook_url

    # One alert per problem for causes with their own deadline or money; else one per cause and hour.
    each = cause in EACH and bool(ref)
    scope = ref if each else str(window)
    extra = {"ref": ref} if each else {}

    def write(t: Any) -> None:
        t.record_problem(cause, ref, detail)
        if merchant:
            t.enqueue_job(f"alert:{cause}:{scope}", KIND, {"cause": cause, "window": window, "to": merchant, **extra})
        if chat:
            t.enqueue_job(f"alert-chat:{cause}:{scope}", CHAT_KIND, {"cause": cause, "window": window, **extra})

    log.error("problem (%s) %s: %s", cause, ref or "-", detail)
    try:
        if tx is not None:
            write(tx)
        else:
            with services.store.transaction() as t:
                write(t)
    except Exception:
        log.exception("could not record the problem")


def _problems(services: Any, job: Job) -> list[Any]:
    """The problems an alert job tells of: its cause's in its hour, or (`ref`) that one problem."""
    cause, window, ref = job.payload["cause"], job.payload["window"], job.payload.get("ref")
    problems = services.store.problems(since=window, until=window + WINDOW_S, cause=cause)
    return [p for p in problems if p.ref == ref][-1:] if ref else problems


def perform(services: Any, job: Job) -> dict[str, Any]:
    """Send the digest of one cause's problems in the job's hour."""
    from checkout_kit import emails
    from checkout_kit.mail import Email, render

    cause = job.payload["cause"]
    problems = _problems(services, job)
    context = {**emails.base_context(services), "title": TITLES.get(cause, cause.replace("_", " ")),
               "problems": problems, "cause": cause}
    subject, text, html = render("alert", **context)
    emails.send(services, Email(to=job.payload["to"], subject=subject, text=text, html=html,
                                sender=services.settings.email_from, key=job.key))
    return {"subject": subject, "problems": len(problems)}


def perform_chat(services: Any, job: Job) -> dict[str, Any]:
    """POST `{"text": …}` to ALERT_WEBHOOK_URL (Slack's incoming webhooks and compatible chats)."""
    import json

    from checkout_kit.http_transport import TransportError, default_transport
    from checkout_kit.outbox import JobFailed

    cause = job.payload["cause"]
    problems = _problems(services, job)
    lines = [f"{services.catalog.shop_name}: {TITLES.get(cause, cause)} ({len(problems)} this hour)"]
    lines += [f"• {p.ref or '-'}: {p.detail[:200]}" for p in problems[:10]]
    body = json.dumps({"text": "\n".join(lines)}).encode()
    url = services.settings.alert_webhook_url.reveal()
    try:
        answer = default_transport().request("POST", url, {"Content-Type": "application/json"}, body,
                                             services.settings.mail_timeout)
    except TransportError as exc:
        raise JobFailed(f"alert webhook unreachable: {exc}", service_down=True) from None
    if not 200 <= answer.status < 300:
        raise JobFailed(f"alert webhook answered HTTP {answer.status}", permanent=400 <= answer.status < 500)
    return {"problems": len(problems)}
