"""`fulfill_checkout(session_id)`: Stripe's "fulfill from the webhook and from
the landing page" in one function that is safe to call any number of times,
concurrently, in any order.

It re-reads the session from Stripe (the truth, whatever event arrived), works
out the order's state, and in one transaction records the order and its items,
advances its state only forward, and queues its emails under unique keys. The
event, when there is one, is marked processed in that same transaction. Emails
are sent after commit; one that fails stays queued for the next try.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE
from checkout_kit.mail import Email, MailError, render
from checkout_kit.services import Services
from checkout_kit.store.records import (
    AWAITING_PAYMENT, PAID, PAYMENT_FAILED, Delivery, Order, OrderItem, OutboxMessage,
)

log = logging.getLogger("checkout_kit.fulfillment")

# Outcomes, for the delivery log and the webhook's answer.
FULFILLED = "fulfilled"
UPDATED = "updated"
UNCHANGED = "unchanged"
DUPLICATE_EVENT = "duplicate_event"
NOT_KIT = "not_kit_session"
NO_ORDER = "no_order"  # open or expired: nothing to record


@dataclass(frozen=True)
class EventRef:
    id: str
    type: str


@dataclass
class Result:
    outcome: str
    session: dict[str, Any] | None = None
    order: Order | None = None
    logged: bool = False  # the event's delivery was logged in the order's transaction


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
    """A short order reference a customer can read out: derived, so every caller agrees."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:8].upper()


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


def build_order(services: Services, session: dict[str, Any], status: str) -> Order:
    details = session.get("customer_details") or {}
    collected = session.get("collected_information") or {}
    shipping = collected.get("shipping_details") or session.get("shipping_details")
    intent = session.get("payment_intent")
    order = Order(
        session_id=session["id"], status=status, mode=session.get("mode") or "payment",
        livemode=bool(session.get("livemode")),
        customer_email=details.get("email") or session.get("customer_email"),
        customer_name=details.get("name"),
        amount_total=int(session.get("amount_total") or 0), currency=session.get("currency") or "usd",
        payment_intent=intent.get("id") if isinstance(intent, dict) else intent,
        subscription=session.get("subscription") if isinstance(session.get("subscription"), str) else None,
        customer=session.get("customer") if isinstance(session.get("customer"), str) else None,
        client_reference_id=session.get("client_reference_id"),
        shipping=shipping,
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


def _queue_emails(services: Services, tx: Any, order: Order) -> list[OutboxMessage]:
    """Queue the order's emails for its new state, leased to us; returns those we must send."""
    settings = services.settings
    shop = services.shop  # [shop] of catalog.toml, with SUPPORT_EMAIL winning
    context = {"order": order, "reference": reference(order.session_id), "shop_name": shop.name, "shop": shop,
               "support_email": shop.support_email, "site_url": settings.site_url,
               "interval": _interval(services, order)}
    wanted: list[tuple[str, str | None]] = []
    if order.status == PAID:
        wanted = [("receipt", order.customer_email), ("merchant_order", settings.merchant_email)]
    elif order.status == PAYMENT_FAILED:
        wanted = [("payment_failed", order.customer_email)]
    queued = []
    for kind, recipient in wanted:
        if not recipient:
            continue
        subject, text, html = render(kind, **context)
        key = f"{order.session_id}:{kind}"
        row_id = tx.enqueue_email(key, order.session_id, kind, recipient, subject, text, html, claim=True)
        if row_id is not None:
            queued.append(OutboxMessage(row_id, key, order.session_id, kind, recipient, subject, text, html,
                                        "sending", 1))
    return queued


def _interval(services: Services, order: Order) -> str:
    for item in order.items:
        price = services.catalog.price_by_id(item.price_id)
        if price and price.recurring:
            return price.recurring
    return "month"


def fulfill_checkout(services: Services, session_id: str, event: EventRef | None = None) -> Result:
    """Record and fulfill the order for this session, once. Raises GatewayError if Stripe fails."""
    session = services.gateway.retrieve_checkout_session(session_id)
    if not is_kit_session(session):
        return Result(NOT_KIT, session)
    status = order_state(session)
    outcome = NO_ORDER
    order: Order | None = None
    to_send: list[OutboxMessage] = []
    with services.store.transaction() as tx:
        if event and not tx.mark_event(event.id, event.type, session_id):
            tx.log_delivery(Delivery(event.id, event.type, DUPLICATE_EVENT, session_id, tx.now))
            return Result(DUPLICATE_EVENT, session, None, logged=True)
        if status is not None:
            order = build_order(services, session, status)
            created = tx.insert_order(order)
            if created or tx.advance_status(session_id, status, payment_intent=order.payment_intent):
                if not created and status == PAID:  # an awaiting order's items are fulfilled now
                    for item in order.items:
                        tx.set_item_fulfillment(session_id, item.position, item.fulfillment_status, item.fulfillment)
                outcome = FULFILLED if status == PAID else UPDATED
                to_send = _queue_emails(services, tx, order)
            else:
                outcome = UNCHANGED
            # The landing page shows the order as stored; the webhook has no use for it.
            order = tx.get_order(session_id) if event is None else order
        if event:
            tx.log_delivery(Delivery(event.id, event.type, outcome, session_id, tx.now))
    if outcome in (FULFILLED, UPDATED):
        log.info("order %s %s (%s)", session_id, order.status if order else status, outcome)
        try:  # the order is committed; a sending problem must not undo or fail it
            for message in to_send:
                _deliver(services, message)
        except Exception:
            log.exception("sending emails for %s failed; they stay queued", session_id)
    return Result(outcome, session, order, logged=event is not None)


def _deliver(services: Services, message: OutboxMessage) -> bool:
    """Send one claimed email; mark it sent, or release it for a retry. Never raises for mail errors."""
    store = services.store
    email = Email(to=message.recipient, subject=message.subject, text=message.text_body, html=message.html_body,
                  sender=services.settings.email_from, reply_to=services.shop.support_email,
                  key=message.dedupe_key)
    try:
        services.mailer.send(email)
    except MailError as exc:
        store.release_email(message.id, str(exc))
        log.warning("email %s (%s) not sent, will retry: %s", message.id, message.kind, exc)
        return False
    store.mark_sent(message.id)  # at once: a crash later must not resend this one
    log.info("email %s (%s) sent via %s", message.id, message.kind, services.mailer.name)
    return True


def send_pending(services: Services, limit: int = 20, session_id: str | None = None,
                 not_session: str | None = None) -> tuple[int, int]:
    """Send queued emails (this session's, all but one session's, or any); returns (sent, failed).

    Never raises for mail errors."""
    claimed = services.store.claim_emails(limit=limit, session_id=session_id, not_session=not_session)
    results = [_deliver(services, m) for m in claimed]
    return sum(results), len(results) - sum(results)
