"""The owner's desk: what sold, what needs doing, what went wrong — as plain data for the admin
page (`/api/admin/*`) and the owner's commands (`python -m checkout_kit orders …`), so both
always show the same numbers."""

from __future__ import annotations

import base64
import time
from typing import Any

from checkout_kit.money import format_amount
from checkout_kit.store.records import EMAIL_STATUS, Order, order_reference

DAY_S = 86400
MAX_PAGE = 200


class NotFound(LookupError):
    """No order by that reference or session id."""


def find_order(store: Any, ref: str) -> Order:
    """An order by its 8-character reference (what customers see) or its session id."""
    ref = ref.strip()
    if ref.startswith("cs_"):
        order = store.get_order(ref)
    else:
        found = store.search_orders(ref, limit=2) if len(ref) == 8 else []
        order = found[0] if len(found) == 1 else None
    if order is None:
        raise NotFound(f"no order {ref!r} (give the 8-character reference or the cs_… session id)")
    return order


# ---- cursors: opaque to the page, (created_at, session_id) inside ---------------------------


def encode_cursor(order: Order) -> str:
    return base64.urlsafe_b64encode(f"{order.created_at!r}|{order.session_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        created, _, session_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        return float(created), session_id
    except (ValueError, UnicodeDecodeError):
        raise ValueError("cursor is not one this page gave out") from None


def order_row(order: Order, emails: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """An order as the list and the exports show it (no secrets; personal data the owner already holds)."""
    return {
        "reference": order.reference, "session_id": order.session_id, "status": order.status, "mode": order.mode,
        "livemode": order.livemode, "customer_email": order.customer_email, "customer_name": order.customer_name,
        "amount_total": order.amount_total, "currency": order.currency,
        "amount_display": format_amount(order.amount_total, order.currency),
        "created_at": order.created_at, "paid_at": order.paid_at, "shipping": order.shipping,
        "items": [{"position": i.position, "description": i.description, "quantity": i.quantity,
                   "amount_total": i.amount_total, "product_key": i.product_key,
                   "fulfillment_type": i.fulfillment_type, "fulfillment_status": i.fulfillment_status}
                  for i in order.items],
        "to_ship": any(i.fulfillment_status == "to_ship" for i in order.items),
        "emails": [{"kind": kind, "status": EMAIL_STATUS.get(status, status)} for kind, status in (emails or [])],
    }


def list_orders(store: Any, text: str = "", status: str | None = None, kind: str | None = None,
                to_ship: bool = False, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    """A page of orders, newest first, and the cursor of the next page (None at the end). Three statements."""
    limit = max(1, min(limit, MAX_PAGE))
    before = decode_cursor(cursor) if cursor else None
    page = store.search_orders(text, status, kind, to_ship, before, limit + 1)
    more = len(page) > limit
    page = page[:limit]
    emails = store.email_states([o.session_id for o in page])
    return {"orders": [order_row(o, emails.get(o.session_id)) for o in page],
            "next": encode_cursor(page[-1]) if more and page else None}


def order_detail(store: Any, ref: str) -> dict[str, Any]:
    order = find_order(store, ref)
    row = order_row(order)
    row["items"] = [{**item, "fulfillment": order.items[n].fulfillment} for n, item in enumerate(row["items"])]
    jobs = store.jobs(order.session_id)
    row["emails"] = [{"id": j.id, "kind": j.payload.get("template", ""), "to": j.payload.get("to"),
                      "status": EMAIL_STATUS.get(j.status, j.status), "attempts": j.attempts,
                      "last_error": j.last_error, "subject": (j.result or {}).get("subject")}
                     for j in jobs if j.kind == "email"]
    row["jobs"] = [{"id": j.id, "kind": j.kind, "key": j.key, "status": j.status, "attempts": j.attempts,
                    "last_error": j.last_error} for j in jobs if j.kind != "email"]
    row["deliveries"] = [{"event_id": d.event_id, "event_type": d.event_type, "outcome": d.outcome,
                          "received_at": d.received_at} for d in store.deliveries_for(order.session_id)]
    row.update(after_sale(store, order))
    return row


def after_sale(store: Any, order: Order) -> dict[str, Any]:
    """What happened after the sale: tickets (checked in or void), shipments, refunds, disputes."""
    return {
        "amount_refunded": order.amount_refunded,
        "tickets": [{"code": t.code, "position": t.position, "seat": t.seat, "checked_in_at": t.checked_in_at,
                     "voided_at": t.voided_at} for t in store.tickets(order.session_id)],
        "shipments": [{"carrier": s.carrier, "tracking_number": s.tracking_number, "shipped_at": s.shipped_at,
                       "positions": s.positions} for s in store.shipments(order.session_id)],
        "refunds": [{"id": r.refund_id, "amount": r.amount, "status": r.status, "reason": r.reason,
                     "failure_reason": r.failure_reason, "created_at": r.created_at}
                    for r in store.refunds(order.session_id)],
        "disputes": [{"id": d.dispute_id, "amount": d.amount, "reason": d.reason, "status": d.status,
                      "evidence_due_by": d.evidence_due_by} for d in store.disputes(order.payment_intent)]
        if order.payment_intent else [],
    }


def day_start(now: float, offset_min: int) -> float:
    """Midnight of the owner's day (UTC offset in minutes, as the browser knows it) containing `now`."""
    offset = offset_min * 60
    return (now + offset) // DAY_S * DAY_S - offset


def today(store: Any, offset_min: int = 0, now: float | None = None, catalog: Any = None) -> dict[str, Any]:
    """The day so far: revenue per currency, paid orders, checkouts started, conversion."""
    now = time.time() if now is None else now
    start = day_start(now, offset_min)
    totals = store.paid_totals(start, now + 1)
    started = store.intents_count(start, now + 1)
    paid = sum(count for _, _, count in totals)
    return {
        "since": start,
        "revenue": [{"currency": c, "amount": amount, "display": format_amount(amount, c)} for c, amount, _ in totals],
        "orders": paid,
        "refunds": [{"currency": c, "amount": amount, "display": format_amount(amount, c)}
                    for c, amount in store.refund_totals(start, now + 1)],
        "checkouts_started": started,
        # Paid sessions over created ones; None until a checkout was started today.
        "conversion": round(paid / started, 4) if started else None,
        "pending_emails": store.pending_email_count(),
        **members(store, catalog),
    }


def members(store: Any, catalog: Any) -> dict[str, Any]:
    """Active members and monthly recurring revenue, when the shop sells memberships.

    MRR counts members who pay (active, or past_due while a payment is retried), each item at its
    catalog price brought to a month (a yearly price / 12, a weekly one × 52 / 12); trials do not pay yet.
    """
    if catalog is None or not any(p.recurring for p in catalog.prices()):
        return {}
    from checkout_kit.memberships import ACCESS_STATUSES

    per_month = {"day": 365 / 12, "week": 52 / 12, "month": 1.0, "year": 1 / 12}
    active, lines = store.member_totals(ACCESS_STATUSES)
    mrr: dict[str, float] = {}
    for status, price_id, quantity in lines:
        price = catalog.price_by_id(price_id)
        if status == "trialing" or price is None or not price.recurring or price.unit_amount is None:
            continue
        monthly = price.unit_amount * quantity * per_month[price.recurring] / price.interval_count
        mrr[price.currency] = mrr.get(price.currency, 0.0) + monthly
    return {"active_members": active,
            "mrr": [{"currency": c, "amount": round(v), "display": format_amount(round(v), c)}
                    for c, v in sorted(mrr.items())]}


def revenue_chart(store: Any, days: int = 30, offset_min: int = 0, now: float | None = None) -> dict[str, Any]:
    """Revenue per day for the last `days` days (today included), every day present, per currency."""
    now = time.time() if now is None else now
    first = day_start(now, offset_min) - (days - 1) * DAY_S
    rows = store.paid_by_day(first, days)
    first_day = int((first + offset_min * 60) // DAY_S)
    currencies = sorted({c for _, c, _, _ in rows})
    series = {c: [0] * days for c in currencies}
    counts = [0] * days
    for index, currency, amount, count in rows:
        series[currency][index] += amount
        counts[index] += count
    labels = [time.strftime("%Y-%m-%d", time.gmtime((first_day + n) * DAY_S)) for n in range(days)]
    return {"days": labels, "orders": counts, "series": [{"currency": c, "amounts": series[c]} for c in currencies]}


def problems(store: Any, days: int = 7, now: float | None = None) -> dict[str, Any]:
    """What needs the owner: failed webhooks, jobs that gave up, emails still pending, recorded problems."""
    now = time.time() if now is None else now
    since = now - days * DAY_S
    return {
        "failed_webhooks": [{"event_id": d.event_id, "event_type": d.event_type, "detail": d.detail,
                             "received_at": d.received_at} for d in store.failed_deliveries(since)],
        "gave_up": [{"id": j.id, "kind": j.kind, "key": j.key, "session_id": j.session_id, "attempts": j.attempts,
                     "last_error": j.last_error, "reference": order_reference(j.session_id) if j.session_id else None}
                    for j in store.failed_jobs()],
        "pending_emails": store.pending_email_count(),
        "recorded": [{"cause": p.cause, "ref": p.ref, "detail": p.detail, "at": p.created_at}
                     for p in store.problems(since=since)],
    }
