"""`fulfill_checkout(session_id)`: Stripe's "fulfill from the webhook and from
the landing page" in one function that is safe to call any number of times,
concurrently, in any order.

It re-reads the session from Stripe (the truth, whatever event arrived), works
out the order's state, and in one transaction records the order and its items,
advances its state only forward, and queues its emails as jobs under unique
keys. The event, when there is one, is marked processed in that same
transaction. The jobs are rendered and sent after commit by the caller
(`outbox.after_commit`); one that fails stays queued for the next pass.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from checkout_kit import emails, outbox
from checkout_kit.events import DUPLICATE_EVENT, UNCHANGED, Event, apply
from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE
from checkout_kit.mail import valid_address
from checkout_kit.order_totals import totals_from_session
from checkout_kit.services import Services
from checkout_kit.store.records import (
    AWAITING_PAYMENT, PAID, PAYMENT_FAILED, Job, Order, OrderItem, order_reference,
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


def is_kit_session(session: dict[str, Any]) -> bool:
    return (session.get("metadata") or {}).get(KIT_METADATA_KEY) == KIT_METADATA_VALUE


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


def reference(session_id: str) -> str:
    """The order reference customers see (8 characters, derived from the session id)."""
    return order_reference(session_id)


def _fulfillment(services: Services, session: dict[str, Any], item: OrderItem, product: Any) -> tuple[str, dict[str, Any]]:
    """What fulfilling this line gives the customer, decided from the catalog. Deterministic."""
    kind = item.fulfillment_type
    details = dict(product.details) if product else {}
    if kind == "download":
        return "fulfilled", {"type": kind, "url": details.get("download_url")}
    if kind == "ticket":
        codes = [f"TKT-{hashlib.sha256(f'{session['id']}:{item.position}:{n}'.encode()).hexdigest()[:10].upper()}"
                 for n in range(item.quantity)]
        return "fulfilled", {"type": kind, "codes": codes, **{k: v for k, v in details.items() if k in ("venue", "starts_at")}}
    if kind == "subscription":
        return "fulfilled", {"type": kind, "subscription": session.get("subscription"),
                             "access_url": details.get("access_url")}
    if kind == "shipment":
        return "to_ship", {"type": kind, "status": "to_ship"}
    return "fulfilled", {"type": kind, **details}


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
        if status == PAID:
            item.fulfillment_status, item.fulfillment = _fulfillment(services, session, item, product)
        order.items.append(item)
    return order


def _queue_emails(services: Services, tx: Any, order: Order, token: str) -> list[Job]:
    """Queue the emails the order's new state calls for, leased to this caller; the jobs it must perform."""
    settings = services.settings
    if order.status == PAID and order.mode == "subscription" and order.subscription:
        # A membership's first email is its welcome, under the key its first invoice uses too.
        from checkout_kit import memberships
        from checkout_kit.events.subscriptions import queue

        return queue(tx, memberships.first_mails_for_order(order, services.catalog, settings.merchant_email),
                     (token, outbox.lease_seconds(settings)))
    wanted: list[tuple[str, str | None]] = []
    if order.status == PAID:
        wanted = [("receipt", order.customer_email), ("merchant_order", settings.merchant_email)]
    elif order.status == PAYMENT_FAILED:
        wanted = [("payment_failed", order.customer_email)]
    lease = (token, outbox.lease_seconds(settings))
    queued = [emails.queue(tx, f"{order.session_id}:{kind}", kind, recipient, order, lease=lease)
              for kind, recipient in wanted]
    return [job for job in queued if job is not None]


def fulfill_checkout(services: Services, session_id: str, event: Event | None = None,
                     gateway: Any = None) -> Result:
    """Record and fulfill the order for this session, once. Raises GatewayError if Stripe fails.

    The returned `jobs` are leased to the caller, who performs them after this commit
    (`outbox.after_commit`); if it never does, their lease runs out and another pass does.
    """
    session = (gateway or services.gateway).retrieve_checkout_session(session_id)
    if not is_kit_session(session):
        return Result(NOT_KIT, session)
    status = order_state(session)
    token = outbox.new_token()
    stored: list[Order | None] = [None]

    def record(tx: Any) -> tuple[str, list[Job]]:
        if status is None:
            return NO_ORDER, []
        order = build_order(services, session, status)
        created = tx.insert_order(order)
        if order.totals is not None:
            tx.record_totals(session_id, order.totals)
        jobs: list[Job] = []
        if created or tx.advance_status(session_id, status, payment_intent=order.payment_intent):
            if not created and status == PAID:  # an awaiting order's items are fulfilled now
                for item in order.items:
                    tx.set_item_fulfillment(session_id, item.position, item.fulfillment_status, item.fulfillment)
            outcome = FULFILLED if status == PAID else UPDATED
            jobs = _queue_emails(services, tx, order, token)
            log.info("order %s %s (%s)", session_id, status, outcome)
        else:
            outcome = UNCHANGED
        # The landing page shows the order as stored; the webhook has no use for it.
        stored[0] = tx.get_order(session_id) if event is None else order
        return outcome, jobs

    done = apply(services, event, session_id, record)
    return Result(done.outcome, session, stored[0], logged=done.logged, jobs=done.jobs)
