"""The owner's desk queries: find orders, count the day, chart revenue, record intents and
owner actions. Each answer is a fixed, small number of statements whatever the page size
(no query per order), and every filter has an index (migration 7)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from checkout_kit.store.privacy import escape_like
from checkout_kit.store.records import Delivery, Order
from checkout_kit.store.rows import ITEM_COLUMNS, ORDER_COLUMNS, item_from_row, order_from_row

SESSION = re.compile(r"cs_(test|live)_[A-Za-z0-9]{1,250}")
REFERENCE = re.compile(r"[0-9A-Fa-f]{8}")


@dataclass
class AuditEntry:
    id: int
    at: float
    actor: str
    client: str | None
    action: str
    target: str | None
    detail: str


class DeskTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def record_audit(self, actor: str, client: str | None, action: str, target: str | None, detail: str) -> None:
        self._exec("INSERT INTO audit_log (at, actor, client, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                   (self.now, actor, client, action, target, detail[:1000]))


class DeskStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        raise NotImplementedError

    def _write_posted(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        raise NotImplementedError

    # ---- records of intent -----------------------------------------------------------

    def record_intent(self, session_id: str, amount_total: int | None, currency: str | None, livemode: bool) -> None:
        """One statement on the create path: a session was created (no personal data). Nothing
        waits for it: on Netlify it is finished after the buyer has their Checkout URL."""
        self._write_posted("INSERT INTO checkout_intents (session_id, created_at, amount_total, currency, livemode) "
                           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING",
                           (session_id, time.time(), amount_total, currency, int(livemode)))

    # ---- finding orders --------------------------------------------------------------

    def search_orders(self, text: str = "", status: str | None = None, kind: str | None = None,
                      to_ship: bool = False, before: tuple[float, str] | None = None,
                      limit: int = 50) -> list[Order]:
        """Newest first, `limit` at most, older than the cursor `before` (created_at, session_id).

        `text` is a session id, an 8-character reference, an email, or the start of one.
        Two statements: the page of orders, then all their items.
        """
        where: list[str] = []
        params: list[Any] = []
        text = text.strip()
        if text:
            if SESSION.fullmatch(text):
                where.append("o.session_id = ?")
                params.append(text)
            elif REFERENCE.fullmatch(text):
                where.append("o.reference = ?")
                params.append(text.upper())
            elif "." in text.partition("@")[2]:  # a whole address: the index on lower(email) answers
                where.append("lower(o.customer_email) = ?")
                params.append(text.lower())
            else:
                where.append("lower(o.customer_email) LIKE ? ESCAPE '\\'")
                params.append(escape_like(text.lower()) + "%")
        if status:
            where.append("o.status = ?")
            params.append(status)
        if kind:
            where.append("EXISTS (SELECT 1 FROM order_items i WHERE i.session_id = o.session_id "
                         "AND i.fulfillment_type = ?)")
            params.append(kind)
        if to_ship:
            where.append("EXISTS (SELECT 1 FROM order_items i WHERE i.session_id = o.session_id "
                         "AND i.fulfillment_status = 'to_ship')")
        if before:
            where.append("(o.created_at < ? OR (o.created_at = ? AND o.session_id < ?))")
            params += [before[0], before[0], before[1]]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        columns = ", ".join(f"o.{c.strip()}" for c in ORDER_COLUMNS.split(","))
        rows = self._query(f"SELECT {columns} FROM orders o {clause} ORDER BY o.created_at DESC, o.session_id DESC "
                           f"LIMIT ?", (*params, limit))
        return self._with_items(rows)

    def _with_items(self, rows: list[tuple[Any, ...]]) -> list[Order]:
        orders = [order_from_row(r) for r in rows]
        if not orders:
            return orders
        by_id = {o.session_id: o for o in orders}
        marks = ", ".join("?" * len(by_id))
        for r in self._query(f"SELECT session_id, {ITEM_COLUMNS} FROM order_items WHERE session_id IN ({marks}) "
                             f"ORDER BY session_id, position", tuple(by_id)):
            by_id[r[0]].items.append(item_from_row(r[1:]))
        return orders

    def orders_of(self, email: str) -> list[Order]:
        return self._with_items(self._query(f"SELECT {ORDER_COLUMNS} FROM orders WHERE lower(customer_email) = ? "
                                            f"ORDER BY created_at", (email.lower(),)))

    def email_states(self, session_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
        """(template, status) of each order's emails, for a page of orders: one statement."""
        if not session_ids:
            return {}
        marks = ", ".join("?" * len(session_ids))
        found: dict[str, list[tuple[str, str]]] = {s: [] for s in session_ids}
        for session_id, payload, status in self._query(
                f"SELECT session_id, payload, status FROM jobs WHERE kind = 'email' AND session_id IN ({marks}) "
                f"ORDER BY id", tuple(session_ids)):
            found[session_id].append((json.loads(payload).get("template", ""), status))
        return found

    def deliveries_for(self, object_id: str) -> list[Delivery]:
        return [Delivery(*r) for r in self._query(
            "SELECT d.event_id, d.event_type, d.outcome, d.detail, d.received_at FROM webhook_deliveries d "
            "WHERE d.detail = ? OR d.event_id IN (SELECT event_id FROM processed_events WHERE object_id = ?) "
            "ORDER BY d.id", (object_id, object_id))]

    def failed_deliveries(self, since: float, limit: int = 100) -> list[Delivery]:
        return [Delivery(*r) for r in self._query(
            "SELECT event_id, event_type, outcome, detail, received_at FROM webhook_deliveries "
            "WHERE outcome = 'failed' AND received_at >= ? ORDER BY id DESC LIMIT ?", (since, limit))]

    # ---- the numbers -----------------------------------------------------------------

    def paid_totals(self, since: float, until: float) -> list[tuple[str, int, int]]:
        """(currency, revenue, orders) for orders paid in [since, until)."""
        return [(r[0], int(r[1] or 0), int(r[2])) for r in self._query(
            "SELECT currency, SUM(amount_total), COUNT(*) FROM orders WHERE paid_at >= ? AND paid_at < ? "
            "GROUP BY currency ORDER BY currency", (since, until))]

    def refund_totals(self, since: float, until: float) -> list[tuple[str, int]]:
        """(currency, amount) refunded in [since, until), failed and canceled refunds left out."""
        return [(r[0], int(r[1] or 0)) for r in self._query(
            "SELECT currency, SUM(amount) FROM refunds WHERE created_at >= ? AND created_at < ? "
            "AND status NOT IN ('failed', 'canceled') GROUP BY currency ORDER BY currency", (since, until))]

    def member_totals(self, statuses: tuple[str, ...]) -> tuple[int, list[tuple[str, str, int]]]:
        """Members in `statuses`, and (status, price id, quantity) summed over their items: two statements."""
        marks = ", ".join("?" * len(statuses))
        count = self._query(f"SELECT COUNT(*) FROM subscriptions WHERE status IN ({marks})", statuses)[0][0]
        rows = self._query(f"SELECT s.status, i.price_id, SUM(i.quantity) FROM subscription_items i "
                           f"JOIN subscriptions s ON s.id = i.subscription_id WHERE s.status IN ({marks}) "
                           f"GROUP BY s.status, i.price_id", statuses)
        return count, [(r[0], r[1], int(r[2] or 0)) for r in rows]

    def intents_count(self, since: float, until: float) -> int:
        return self._query("SELECT COUNT(*) FROM checkout_intents WHERE created_at >= ? AND created_at < ?",
                           (since, until))[0][0]

    def paid_by_day(self, first: float, days: int) -> list[tuple[int, str, int, int]]:
        """(day index, currency, revenue, orders) for `days` days of 86,400 s from `first`.

        One index range per day (a recursive list of day starts joined to the paid_at index),
        so the database sums from the index and groups a few hundred keys at most; grouping
        by an expression over paid_at instead made PostgreSQL sort every row of the range.
        """
        return [(int(r[0]), r[1], int(r[2] or 0), int(r[3])) for r in self._query(
            "WITH RECURSIVE days (day, lo) AS (SELECT 0, ? UNION ALL SELECT day + 1, lo + 86400 FROM days "
            "WHERE day + 1 < ?) "
            "SELECT d.day, o.currency, SUM(o.amount_total), COUNT(*) FROM days d "
            "JOIN orders o ON o.paid_at >= d.lo AND o.paid_at < d.lo + 86400 "
            "GROUP BY d.day, o.currency ORDER BY d.day, o.currency", (float(first), days))]

    # ---- the audit log -----------------------------------------------------------------

    def record_audit(self, actor: str, client: str | None, action: str, target: str | None, detail: str) -> None:
        self._write("INSERT INTO audit_log (at, actor, client, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    (time.time(), actor, client, action, target, detail[:1000]))

    def audit_entries(self, since: float = 0.0, limit: int = 1000) -> list[AuditEntry]:
        return [AuditEntry(*r) for r in self._query(
            "SELECT id, at, actor, client, action, target, detail FROM audit_log WHERE at >= ? ORDER BY id DESC LIMIT ?",
            (since, limit))]

