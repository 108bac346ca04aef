"""`fulfill_checkout(session_id)`: Stripe's "fulfill from the webhook and from
the landing page" in one function that is safe to call any number of times,
concurrently, in any order.

It re-reads the session from Stripe (the truth, whatever event arrived), works
out the order's state, and in one transaction records the order and its items,
advances its state only forward, records what each line's kind plans (ticket
codes, stored details), settles the checkout's stock hold, and queues the
order's emails and each kind's effects (the owner's hooks, outgoing webhooks)
as jobs under unique keys. The event, when there is one, is marked processed in
that same transaction. The jobs are performed after commit by the caller
(`outbox.after_commit`); one that fails stays queued for the next pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from checkout_kit import emails, outbox, signing, stock
from checkout_kit.events import UNCHANGED, Event, apply
from checkout_kit.checkout import is_kit
from checkout_kit.mail import valid_address
from checkout_kit.fulfillment import kinds
from checkout_kit.order_totals import totals_from_session
from checkout_kit.services import Services
from checkout_kit.store.records import (
    AWAITING_PAYMENT, PAID, PAYMENT_FAILED, Job, Order, OrderItem,
)

log = logging.getLogger("checkout_kit.fulfillment")

# Outcomes, for the delivery log and the webhook's answer.
FULFILLED = "fulfilled"
UPDATED = "updated"
NOT_KIT = "not_kit_session"
NO_ORDER = "no_order"  # open or expired: nothing to record


@dataclass
class Result:
    outcome: str
    session: dict[str, Any] | None = None
    order: Order | None = None
    logged: bool = False  # the event's delivery was logged in the order's transaction
    jobs: list[Job] = field(default_factory=list)  # queued leased to the caller: perform after commit


def order_state(session: dict[str, Any]) -> str | None:
    """The order state a session implies, or None when there is no order (open, expired)."""
    if session.get("status") != "complete":
        return None
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return PAID
    intent = session.get("payment_intent")
    if isinstance(intent, dict) and intent.get("status") in ("requires_payment_method", "canceled"):
        return PAYMENT_FAILED
    return AWAITING_PAYMENT


def customer_email(session: dict[str, Any]) -> str | None:
    """The buyer's one address, from what Stripe collected; None when it is not one plain address."""
    email = (session.get("customer_details") or {}).get("email") or session.get("customer_email")
    if email and not valid_address(email):
        log.warning("session %s: the customer's email is not one valid address; no email will go to it",
                    session.get("id"))
        return None
    return email


def build_order(services: Services, session: dict[str, Any], status: str) -> Order:
    details = session.get("customer_details") or {}
    collected = session.get("collected_information") or {}
    shipping = collected.get("shipping_details") or session.get("shipping_details")
    intent = session.get("payment_intent")
    charge = intent.get("latest_charge") if isinstance(intent, dict) else None
    order = Order(
        session_id=session["id"], status=status, mode=session.get("mode") or "payment",
        livemode=bool(session.get("livemode")),
        customer_email=customer_email(session),
        customer_name=details.get("name"),
        amount_total=int(session.get("amount_total") or 0), currency=session.get("currency") or "usd",
        payment_intent=intent.get("id") if isinstance(intent, dict) else intent,
        subscription=session.get("subscription") if isinstance(session.get("subscription"), str) else None,
        customer=session.get("customer") if isinstance(session.get("customer"), str) else None,
        client_reference_id=session.get("client_reference_id"),
        shipping=shipping,
        receipt_url=charge.get("receipt_url") if isinstance(charge, dict) else None,
        totals=totals_from_session(session),
    )
    catalog = services.catalog
    for position, line in enumerate((session.get("line_items") or {}).get("data", [])):
        price = line.get("price") or {}
        known = catalog.price_by_id(price.get("id", "")) or (
            catalog.price_by_lookup_key(price["lookup_key"]) if price.get("lookup_key") else None)
        product = catalog.product_for(known) if known else None
        item = OrderItem(
            position=position, price_id=price.get("id", ""), product_key=known.product_key if known else None,
            description=line.get("description") or (product.name if product else "Item"),
            quantity=int(line.get("quantity") or 1), amount_total=int(line.get("amount_total") or 0),
            currency=line.get("currency") or order.currency,
            fulfillment_type=product.fulfillment if product else "service",
        )
        order.items.append(item)
    return order


def plan_items(services: Services, order: Order) -> list[kinds.Plan]:
    """What each line's kind plans for a paid order (deterministic); the items carry it."""
    key = signing.key_bytes(services.settings)
    plans = []
    for item in order.items:
        found = kinds.plan(kinds.PlanContext(order, item, kinds.product_of(services, item), key))
        item.fulfillment_status, item.fulfillment = found.status, found.record
        plans.append(found)
    return plans


def _queue_emails(services: Services, tx: Any, order: Order, token: str) -> list[Any]:
    """Queue the emails the order's new state calls for, leased to this caller; the jobs it must perform
    (None, or a Later of None, for one queued before: `events.apply` leaves those out)."""
    settings = services.settings
    lease = (token, outbox.lease_seconds(settings))
    if order.status == PAID and order.mode == "subscription" and order.subscription:
        # A membership's first email is its welcome, under the key its first invoice uses too.
        from checkout_kit import memberships
        from checkout_kit.events.subscriptions import queue

        return queue(tx, memberships.first_mails_for_order(order, services.catalog, settings.merchant_email), lease)
    wanted: list[tuple[str, str | None]] = []
    if order.status == PAID:
        wanted = [("receipt", order.customer_email), ("merchant_order", settings.merchant_email)]
    elif order.status == PAYMENT_FAILED:
        wanted = [("payment_failed", order.customer_email)]
    snapshot = emails.order_snapshot(order)  # one for all of them, queued in one statement
    return emails.queue_all(tx, [emails.email_job(f"{order.session_id}:{kind}", kind, recipient, snapshot)
                                 for kind, recipient in wanted], lease)


def _record_plans(services: Services, tx: Any, order: Order, plans: list[kinds.Plan], token: str) -> list[Any]:
    """Record what each line's kind planned beyond the line itself (which `insert_order` wrote,
    over a line still pending only: a later delivery never undoes a line shipped since); queue its
    effects leased to this caller (after the emails), answered as `_queue_emails` answers."""
    for item, found in zip(order.items, plans):
        if found.tickets:
            tx.issue_tickets(order.session_id, item.position, found.tickets)
    return tx.enqueue_jobs([(spec.key, spec.kind, spec.payload, order.session_id) for found in plans
                            for spec in found.jobs], lease_token=token, lease_s=outbox.lease_seconds(services.settings))


def as_stored(order: Order, now: float) -> Order:
    """The order as this transaction stores it (new, or moved to `order.status` now), for its emails."""
    from dataclasses import replace

    return replace(order, created_at=order.created_at or now, updated_at=now,
                   paid_at=now if order.status == PAID else None)


def fulfill_checkout(services: Services, session_id: str, event: Event | None = None,
                     gateway: Any = None) -> Result:
    """Record and fulfill the order for this session, once. Raises GatewayError if Stripe fails.

    Every write is idempotent and decided before the transaction (from Stripe's session), so the
    transaction never waits on its own answers: on PostgreSQL it is one pipelined round trip.
    What happened (fulfilled, moved, unchanged) is read from the answers after it.
    The returned `jobs` are leased to the caller, who performs them after this commit
    (`outbox.after_commit`); if it never does, their lease runs out and another pass does.
    """
    session = (gateway or services.gateway).retrieve_checkout_session(session_id)
    if not is_kit(session):
        return Result(NOT_KIT, session)
    status = order_state(session)
    token = outbox.new_token()
    hold = stock.hold_of(session)
    order = build_order(services, session, status) if status else None
    plans = plan_items(services, order) if order is not None and status == PAID else []

    def record(tx: Any) -> tuple[Any, list[Any]]:
        if hold and (status == PAYMENT_FAILED or session.get("status") == "expired"):
            stock.release(tx, hold)
        if order is None:
            return NO_ORDER, []
        changed = tx.insert_order(order, advance=True)  # created, or moved to `status`
        if order.totals is not None:
            tx.record_totals(session_id, order.totals)
        effects: list[Any] = []
        if status == PAID:
            if hold:
                stock.sell(tx, hold)
            effects = _record_plans(services, tx, order, plans, token)
        # Queued whether or not the order moved: keyed per order and state, a repeat is no new job.
        jobs = _queue_emails(services, tx, as_stored(order, tx.now), token) + effects
        return (lambda: (FULFILLED if status == PAID else UPDATED) if changed else UNCHANGED), jobs

    done = apply(services, event, session_id, record, batch=True)
    stored = services.store.get_order(session_id) if event is None and order is not None else order
    if done.outcome in (FULFILLED, UPDATED):
        log.info("order %s %s (%s)", session_id, status, done.outcome)
    return Result(done.outcome, session, stored, logged=done.logged, jobs=done.jobs)
