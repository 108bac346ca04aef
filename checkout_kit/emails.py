"""Email jobs: queued inside the transaction that decides them, rendered and
sent after commit by the job outbox.

The job carries the data the email is made of (a snapshot of the order as
committed, plus the template's own context), not the rendered text: a template
error can no longer stop a paid order from being recorded, and an edited
template is used by every retry. Emails that were queued already rendered
(before the job outbox existed) are sent as they are.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from checkout_kit.mail import Email, MailError, render, valid_address
from checkout_kit.store.records import Job, LineTotals, Order, OrderItem, OrderTotals

log = logging.getLogger("checkout_kit.emails")

KIND = "email"


class BadRecipient(ValueError):
    """An address that cannot be used: the email is not queued (and the reason is logged)."""


def order_snapshot(order: Order) -> dict[str, Any]:
    return dataclasses.asdict(order)


def order_from_snapshot(data: dict[str, Any]) -> Order:
    fields = dict(data)
    items = [OrderItem(**item) for item in fields.pop("items", [])]
    totals = fields.pop("totals", None)  # absent from snapshots queued before order totals existed
    if totals is not None:
        totals = OrderTotals(**{**totals, "lines": [LineTotals(**line) for line in totals.get("lines", [])]})
    return Order(**fields, items=items, totals=totals)


def queue(tx: Any, key: str, template: str, to: str | None, order: Order | dict[str, Any] | None = None,
          context: dict[str, Any] | None = None, lease: tuple[str, float] | None = None,
          links: dict[str, Any] | None = None) -> Job | None:
    """Queue one email under `key` (once per key). None when it was queued before or has no usable recipient.

    `lease` = (token, seconds) queues it already claimed by the caller, who sends it after commit.
    The rest is `email_job`'s.
    """
    found = queue_all(tx, [email_job(key, template, to, order, context, links)], lease)
    return found[0] if found else None


def queue_all(tx: Any, jobs: list[JobSpec | None], lease: tuple[str, float] | None = None) -> list[Any]:
    """Queue several `email_job`s in one statement (those without a usable recipient are left out)."""
    token, lease_s = lease if lease else (None, 0.0)
    return tx.enqueue_jobs([job for job in jobs if job is not None], lease_token=token, lease_s=lease_s)


JobSpec = tuple[str, str, dict[str, Any], str | None]  # key, kind, payload, session id


def email_job(key: str, template: str, to: str | None, order: Order | dict[str, Any] | None = None,
              context: dict[str, Any] | None = None, links: dict[str, Any] | None = None) -> JobSpec | None:
    """The job of one email under `key`; None when it has no usable recipient.

    `order` is the order or, when several emails share it, its `order_snapshot`.
    `links`: magic links to make when it is rendered ({context name: [purpose, email, claims]}).
    """
    if not to:
        return None
    if not valid_address(to):
        # Never queued: a header with CR/LF or two addresses must not reach a transport.
        log.warning("email %s not queued: the recipient is not one valid address", key)
        return None
    payload: dict[str, Any] = {"template": template, "to": to}
    snapshot = order_snapshot(order) if isinstance(order, Order) else order
    if snapshot is not None:
        payload["order"] = snapshot
    if context:
        payload["context"] = context
    if links:
        payload["links"] = links
    return key, KIND, payload, snapshot["session_id"] if snapshot else None


def base_context(services: Any) -> dict[str, Any]:
    shop = services.shop  # [shop] of catalog.toml, with SUPPORT_EMAIL winning over its support_email
    return {"shop_name": shop.name, "shop": shop, "support_email": shop.support_email,
            "site_url": services.settings.site_url}


def order_context(services: Any, order: Order) -> dict[str, Any]:
    """The order, its reference and what each line gives the buyer (its kind's view, made now)."""
    from checkout_kit.fulfillment import kinds, reference

    return {"order": order, "reference": reference(order.session_id), "interval": _interval(services, order),
            "views": kinds.views(services, order)}


def _interval(services: Any, order: Order) -> str:
    for item in order.items:
        price = services.catalog.price_by_id(item.price_id)
        if price and price.recurring:
            return price.recurring
    return "month"


def compose(services: Any, job: Job) -> Email:
    """The email a job stands for, rendered now from its snapshot."""
    from checkout_kit.outbox import JobFailed

    payload = job.payload
    to = payload.get("to", "")
    if not valid_address(to):
        raise JobFailed("the recipient is not one valid address", permanent=True)
    rendered = payload.get("rendered")
    if rendered:
        subject, text, html = rendered["subject"], rendered["text"], rendered["html"]
    else:
        context = base_context(services)
        if "order" in payload:
            context.update(order_context(services, order_from_snapshot(payload["order"])))
        context.update(payload.get("context") or {})
        if payload.get("links"):
            from checkout_kit.magic_links import fresh_links

            context.update(fresh_links(services, payload["links"]))
        subject, text, html = render(payload["template"], **context)
    settings = services.settings
    return Email(to=to, subject=subject, text=text, html=html, sender=settings.email_from,
                 reply_to=services.shop.support_email, key=job.key)


def send(services: Any, email: Email) -> None:
    """Hand `email` to the configured transport. Raises JobFailed when it refused (permanent) or is down."""
    from checkout_kit.outbox import JobFailed

    try:
        services.mailer.send(email)
    except MailError as exc:
        raise JobFailed(str(exc), permanent=exc.permanent, service_down=not exc.permanent) from None


def perform(services: Any, job: Job) -> dict[str, Any]:
    """Render and send one email job. Raises JobFailed when the transport refused or is down."""
    email = compose(services, job)
    send(services, email)
    log.info("email %s (%s) sent via %s", job.id, job.payload.get("template"), services.mailer.name)
    return {"subject": email.subject}
