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
ORDER_MISSING = "order_missing"
TITLES = {
    JOB_GAVE_UP: "An email or hook could not be delivered",
    WEBHOOK_FAILED: "A Stripe event could not be processed",
    ORDER_MISSING: "Reconcile found paid orders the shop had missed (now fulfilled)",
}


def report(services: Any, cause: str, ref: str | None, detail: str, tx: Any = None) -> None:
    """Record a problem and make sure the merchant hears of this cause this hour. Never raises."""
    now = time.time()
    window = int(now // WINDOW_S * WINDOW_S)
    merchant = services.settings.merchant_email

    chat = services.settings.alert_webhook_url

    def write(t: Any) -> None:
        t.record_problem(cause, ref, detail)
        if merchant:
            t.enqueue_job(f"alert:{cause}:{window}", KIND, {"cause": cause, "window": window, "to": merchant})
        if chat:
            t.enqueue_job(f"alert-chat:{cause}:{window}", CHAT_KIND, {"cause": cause, "window": window})

    log.error("problem (%s) %s: %s", cause, ref or "-", detail)
    try:
        if tx is not None:
            write(tx)
        else:
            with services.store.transaction() as t:
                write(t)
    except Exception:
        log.exception("could not record the problem")


def perform(services: Any, job: Job) -> dict[str, Any]:
    """Send the digest of one cause's problems in the job's hour."""
    from checkout_kit import emails
    from checkout_kit.mail import Email, MailError
    from checkout_kit.outbox import JobFailed

    cause, window = job.payload["cause"], job.payload["window"]
    problems = services.store.problems(since=window, until=window + WINDOW_S, cause=cause)
    context = {**emails.base_context(services), "title": TITLES.get(cause, cause.replace("_", " ")),
               "problems": problems, "cause": cause}
    from checkout_kit.mail import render

    subject, text, html = render("alert", **context)
    settings = services.settings
    try:
        services.mailer.send(Email(to=job.payload["to"], subject=subject, text=text, html=html,
                                   sender=settings.email_from, key=job.key))
    except MailError as exc:
        raise JobFailed(str(exc), permanent=exc.permanent, service_down=not exc.permanent) from None
    return {"subject": subject, "problems": len(problems)}


def perform_chat(services: Any, job: Job) -> dict[str, Any]:
    """POST `{"text": …}` to ALERT_WEBHOOK_URL (Slack's incoming webhooks and compatible chats)."""
    import json

    from checkout_kit.http_transport import TransportError, default_transport
    from checkout_kit.outbox import JobFailed

    cause, window = job.payload["cause"], job.payload["window"]
    problems = services.store.problems(since=window, until=window + WINDOW_S, cause=cause)
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
