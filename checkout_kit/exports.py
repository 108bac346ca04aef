"""What leaves the shop on the owner's request: the orders as CSV for accounting, everything
held about one person (their right to see it), and the erasure of their personal data (their
right to be forgotten), keeping the figures accounting must keep."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from checkout_kit.money import decimals, to_major

log = logging.getLogger("checkout_kit.exports")

CSV_COLUMNS = ("order_reference", "session_id", "created_at", "status", "customer_email", "product_key",
               "description", "quantity", "unit_amount", "amount_total", "amount_refunded", "currency",
               "fulfillment_type", "fulfillment_status")
PAGE = 500
KEPT = ("amounts, currencies and dates of every order and item, what was sold (products, quantities), "
        "order references and Stripe ids")
WHY_KEPT = "tax and accounting law require sales records to be kept; they no longer name the person"


def _iso(ts: float | None) -> str:
    import datetime

    return "" if ts is None else datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat(
        timespec="seconds").replace("+00:00", "Z")


def csv_rows(store: Any, since: float = 0.0) -> Iterator[list[str]]:
    """One row per item, oldest order first, read a page at a time (a fixed number of statements per page)."""
    yield list(CSV_COLUMNS)
    before: tuple[float, str] | None = None
    pages: list[list[Any]] = []
    # Pages come newest first; collect their keys, then emit oldest first.
    while True:
        page = store.search_orders(before=before, limit=PAGE)
        page = [o for o in page if o.created_at >= since]
        if not page:
            break
        pages.append(page)
        before = (page[-1].created_at, page[-1].session_id)
        if len(page) < PAGE:
            break
    for page in reversed(pages):
        for order in reversed(page):
            # Refunds are per payment, not per item: the order's refunded amount stands on its first row.
            refunded = getattr(order, "amount_refunded", 0) or 0
            for n, item in enumerate(order.items):
                yield [order.reference, order.session_id, _iso(order.created_at), order.status,
                       order.customer_email or "", item.product_key or "", item.description, str(item.quantity),
                       unit_major(item.amount_total, item.quantity, item.currency),
                       to_major(item.amount_total, item.currency), to_major(refunded if n == 0 else 0, order.currency),
                       item.currency.upper(), item.fulfillment_type, item.fulfillment_status]


def unit_major(amount_total: int, quantity: int, currency: str) -> str:
    """The price of one, in major units; exact (more places) when the total does not divide evenly."""
    places = decimals(currency)
    unit = (Decimal(amount_total) / max(quantity, 1)).scaleb(-places)
    exact = unit == unit.quantize(Decimal(1).scaleb(-places))
    return f"{unit:.{places}f}" if exact else f"{unit:.{places + 4}f}"


def orders_csv(store: Any, since: float = 0.0) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv_rows(store, since):
        writer.writerow(row)
    return out.getvalue()


def customer_record(store: Any, email: str) -> dict[str, Any]:
    """Every record the shop holds about `email`, as JSON-ready data."""
    from checkout_kit.desk import order_row

    orders = store.orders_of(email)
    sessions = {o.session_id for o in orders}
    emails = [{"kind": m.kind, "to": m.recipient, "subject": m.subject, "status": m.status, "order": m.session_id}
              for m in store.emails() if m.recipient.lower() == email.lower() or m.session_id in sessions]
    deliveries = [{"event_id": d.event_id, "event_type": d.event_type, "outcome": d.outcome,
                   "received_at": d.received_at} for s in sorted(sessions) for d in store.deliveries_for(s)]
    subscriptions = store.subscriptions_of(email) if hasattr(store, "subscriptions_of") else []
    return {"email": email, "orders": [order_row(o) for o in orders], "subscriptions": subscriptions,
            "emails": emails, "deliveries": deliveries}


@dataclass
class Forgotten:
    orders: int = 0
    changed: dict[str, int] = field(default_factory=dict)
    files_removed: int = 0
    kept: str = KEPT
    why: str = WHY_KEPT


def forget(services: Any, email: str, actor: str = "cli", client: str | None = None) -> Forgotten:
    """Erase `email`'s personal data from the store, its files and the development outbox."""
    from checkout_kit import audit

    store = services.store
    with store.transaction() as tx:
        changed = tx.erase_customer(email)
        # The log says that a customer was forgotten, not who.
        audit.record(services, actor, "forget", None, f"erased a customer's data from {changed.get('orders', 0)} "
                     f"order(s) and {changed.get('jobs', 0)} job(s)", client, tx=tx)
    store.compact()
    removed = _forget_dev_outbox(Path(services.settings.outbox_dir), email)
    return Forgotten(orders=changed.get("orders", 0), changed=changed, files_removed=removed)


def _forget_dev_outbox(directory: Path, email: str) -> int:
    """The development outbox keeps sent emails as .eml files: remove those sent to or about `email`."""
    if not directory.is_dir():
        return 0
    needle = email.lower().encode()
    removed = 0
    for file in directory.glob("*.eml"):
        try:
            if needle in file.read_bytes().lower():
                file.unlink()
                removed += 1
        except OSError:
            log.warning("could not remove %s", file.name)
    return removed
