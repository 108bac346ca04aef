"""Subscriptions and their invoices: a membership's life after the first payment.

Every event of the family leads to the same work: re-read the subscription (and the invoice,
for invoice events) from Stripe, record the subscription as that reading shows it (only if no
newer reading was recorded: see `store.subscriptions`), record the invoice once, and queue the
emails the objects' current state calls for under keys unique to their cause
(`memberships`). Whatever order the events come in, replayed or concurrent, the rows end as
Stripe's latest objects say and each email is queued once.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from checkout_kit import emails, memberships, outbox
from checkout_kit.checkout import is_kit
from checkout_kit.events import IGNORED, Event, Outcome, apply
from checkout_kit.store.records import Job

log = logging.getLogger("checkout_kit.events.subscriptions")

SUBSCRIPTION_EVENTS = (
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "customer.subscription.trial_will_end",
)
INVOICE_EVENTS = (
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.payment_action_required",
)
EVENT_TYPES = SUBSCRIPTION_EVENTS + INVOICE_EVENTS

RECORDED = "recorded"
NOT_KIT = "not_kit_subscription"


def handle(services: Any, event: Event, gateway: Any) -> Outcome:
    seen_at = time.time()  # before reading: a reading started later than a change shows that change
    invoice = None
    if event.type in INVOICE_EVENTS:
        invoice = gateway.retrieve_invoice(event.object_id)
        sub_id = memberships.subscription_of(invoice)
        if not sub_id:  # a one-off invoice: not a membership's
            return Outcome(IGNORED, logged=False)
    else:
        sub_id = event.object_id
    subscription = gateway.retrieve_subscription(sub_id)
    if not is_kit(subscription):
        return Outcome(NOT_KIT, logged=False)
    catalog = services.catalog
    merchant = services.settings.merchant_email
    member = memberships.member_from(subscription, catalog, seen_at)
    mails = memberships.subscription_mails(event.type, subscription, catalog, merchant, seen_at)
    if invoice is not None:
        mails += memberships.invoice_mails(event.type, invoice, subscription, catalog, merchant)
    token = outbox.new_token()
    lease = (token, outbox.lease_seconds(services.settings))

    def record(tx: Any) -> tuple[str, list[Job | None]]:
        # Always in this order (subscription, invoice, emails by key): concurrent deliveries take
        # the same locks in the same order and never deadlock.
        tx.record_subscription(member)
        if invoice is not None:
            tx.record_invoice(memberships.invoice_from(invoice, seen_at))
        return RECORDED, queue(tx, mails, lease)

    outcome = apply(services, event, event.object_id, record)
    log.info("subscription %s is %s after %s", sub_id, member.status, event.type)
    return outcome


def queue(tx: Any, mails: list[memberships.Mail], lease: tuple[str, float]) -> list[Job | None]:
    """Queue each email once (by key, in key order), leased to the caller; the jobs it must perform
    (None for one queued before: `apply` leaves those out)."""
    return emails.queue_all(tx, [emails.email_job(mail.key, mail.template, mail.to, context=mail.context,
                                                  links={name: list(link) for name, link in mail.links.items()} or None)
                                 for mail in sorted(mails, key=lambda m: m.key)], lease)
