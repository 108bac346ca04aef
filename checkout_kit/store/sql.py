"""One SQL implementation of the store for SQLite and PostgreSQL.

The SQL is written once with `?` placeholders and portable `ON CONFLICT`
clauses; a dialect (`dialects.py`) supplies the connection and the few words
that differ, a pool (`pool.py`) bounds and heals the connections, and each
concern's statements live in their own module (orders here, jobs in `jobs.py`).
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack, contextmanager
from typing import Any, Callable, Iterator, TypeVar

from checkout_kit.store import schema
from checkout_kit.store.dialects import Dialect, PostgresDialect, SqliteDialect
from checkout_kit.store.errors import StoreError, StoreUnavailable
from checkout_kit.store.jobs import JobsStore, JobsTx
from checkout_kit.store.pool import ConnectionPool
from checkout_kit.store.problems import ProblemsStore, ProblemsTx
from checkout_kit.store.desk import DeskStore, DeskTx
from checkout_kit.store.downloads import DownloadsStore
from checkout_kit.store.privacy import PrivacyStore, PrivacyTx
from checkout_kit.store.refunds import RefundsStore, RefundsTx
from checkout_kit.store.shipments import ShipmentsStore, ShipmentsTx
from checkout_kit.store.stock import StockStore, StockTx
from checkout_kit.store.tickets import TicketsStore, TicketsTx
from checkout_kit.store.records import TRANSITIONS, Delivery, Order
from checkout_kit.store.rows import ITEM_COLUMNS, ORDER_COLUMNS, item_from_row, order_from_row
from checkout_kit.store.subscriptions import SubscriptionsStore, SubscriptionsTx
from checkout_kit.store.totals import TotalsTx, read_totals

SCHEMA_VERSION = schema.SCHEMA_VERSION
T = TypeVar("T")

# Stored for search only (derived from the session id); not read back into Order.
INSERT_ORDER_COLUMNS = ORDER_COLUMNS + ", reference"
TABLES = {"orders", "order_items", "processed_events", "webhook_deliveries", "jobs", "rate_limits", "problems",
          "used_tokens", "checkout_intents", "audit_log", "order_totals", "tickets", "download_uses", "stock_counts",
          "stock_holds", "shipments", "refunds", "disputes", "subscriptions", "subscription_items", "invoices"}


class Tx(JobsTx, ProblemsTx, DeskTx, PrivacyTx, TotalsTx, TicketsTx, StockTx, RefundsTx, ShipmentsTx,
         SubscriptionsTx):
    """Writes inside one transaction: all of them happen, or none."""

    def __init__(self, store: "SqlStore", conn: Any) -> None:
        self._store = store
        self._conn = conn
        self.now = time.time()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self._store._execute(self._conn, sql, params)

    def mark_event(self, event_id: str, event_type: str, object_id: str | None) -> bool:
        """Record the event as processed; False if it already was (then do nothing else)."""
        cur = self._exec("INSERT INTO processed_events (event_id, event_type, object_id, processed_at) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (event_id) DO NOTHING", (event_id, event_type, object_id, self.now))
        return cur.rowcount == 1

    def insert_order(self, order: Order) -> bool:
        """Create the order with its items; False if it exists already (nothing changes)."""
        cur = self._exec(
            f"INSERT INTO orders ({INSERT_ORDER_COLUMNS}) VALUES ({', '.join('?' * 19)}) "
            f"ON CONFLICT (session_id) DO NOTHING",
            (order.session_id, order.status, order.mode, int(order.livemode), order.customer_email, order.customer_name,
             order.amount_total, order.currency, order.payment_intent, order.subscription, order.customer,
             order.client_reference_id, json.dumps(order.shipping) if order.shipping else None,
             self.now, self.now, self.now if order.status == "paid" else None, order.amount_refunded,
             order.receipt_url, order.reference))
        if cur.rowcount != 1:
            return False
        for item in order.items:
            self._exec(
                f"INSERT INTO order_items (session_id, {ITEM_COLUMNS}) VALUES ({', '.join('?' * 11)})",
                (order.session_id, item.position, item.price_id, item.product_key, item.description, item.quantity,
                 item.amount_total, item.currency, item.fulfillment_type, item.fulfillment_status,
                 json.dumps(item.fulfillment)))
        return True

    def advance_status(self, session_id: str, status: str, **fields: Any) -> bool:
        """Move the order to `status` if its current state allows it; False otherwise."""
        allowed = TRANSITIONS[status]
        if not allowed:
            return False
        sets = ["status = ?", "updated_at = ?"] + [f"{name} = ?" for name in fields]
        values: list[Any] = [status, self.now, *fields.values()]
        if status == "paid":
            sets.append("paid_at = ?")
            values.append(self.now)
        marks = ", ".join("?" * len(allowed))
        cur = self._exec(f"UPDATE orders SET {', '.join(sets)} WHERE session_id = ? AND status IN ({marks})",
                         (*values, session_id, *allowed))
        return cur.rowcount == 1

    def set_item_fulfillment(self, session_id: str, position: int, status: str, fulfillment: dict[str, Any]) -> None:
        self._exec("UPDATE order_items SET fulfillment_status = ?, fulfillment = ? WHERE session_id = ? AND position = ?",
                   (status, json.dumps(fulfillment), session_id, position))

    def get_order(self, session_id: str) -> Order | None:
        return self._store._read_order(self._conn, session_id)

    def use_token(self, token_id: str, purpose: str) -> bool:
        """Record a single-use token as used; False if it was used before."""
        return self._exec("INSERT INTO used_tokens (token_id, purpose, used_at) VALUES (?, ?, ?) "
                          "ON CONFLICT (token_id) DO NOTHING", (token_id, purpose, self.now)).rowcount == 1

    def forget_token(self, token_id: str, purpose: str) -> None:
        """Undo `use_token` (what the token opened failed on our side)."""
        self._exec("DELETE FROM used_tokens WHERE token_id = ? AND purpose = ?", (token_id, purpose))

    def log_delivery(self, delivery: Delivery) -> None:
        """Log a webhook delivery with the effects it had (one commit for both)."""
        self._store._insert_delivery(self._conn, delivery)


class SqlStore(JobsStore, ProblemsStore, DeskStore, PrivacyStore, TicketsStore, DownloadsStore, StockStore,
               RefundsStore, ShipmentsStore, SubscriptionsStore):
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.pool = ConnectionPool(dialect)
        self._migrated = False

    # ---- plumbing ------------------------------------------------------------

    def _execute(self, conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.dialect.placeholder != "?":
            sql = sql.replace("?", self.dialect.placeholder)
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur

    def _statement(self, work: Callable[[Any], T]) -> T:
        """Run one statement's `work(conn)` outside a transaction (or inside this thread's).

        A connection reused from the pool may have died while idle (a pooler's idle timeout,
        Neon's autosuspend, a restart): then the statement is retried once on a new one.
        """
        with self.pool.connection() as held:
            try:
                self._ensure_schema(held.conn)
                return work(held.conn)
            except Exception as exc:
                if held.depth or held.fresh or not self.dialect.is_lost(exc):
                    raise
            self.pool.discard_held()
            self._ensure_schema(held.conn)
            return work(held.conn)

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        def run(conn: Any) -> list[tuple[Any, ...]]:
            cur = self._execute(conn, sql, params)
            return cur.fetchall() if cur.description is not None else []
        return self._statement(run)

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self._statement(lambda conn: self._execute(conn, sql, params).rowcount)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """All writes in the block commit together, or none do.

        A lost connection rolls back and raises StoreUnavailable (nothing half-done). A pooled
        connection found dead at BEGIN, before any work, is replaced once, transparently.
        """
        with self.pool.connection() as held, ExitStack() as stack:
            if held.depth:
                raise StoreError("transactions do not nest")
            try:
                self._ensure_schema(held.conn)
                stack.enter_context(self.dialect.begin(held.conn))
            except Exception as exc:
                if held.fresh or not self.dialect.is_lost(exc):
                    raise
                self.pool.discard_held()
                self._ensure_schema(held.conn)
                stack.enter_context(self.dialect.begin(held.conn))
            yield Tx(self, held.conn)

    def _ensure_schema(self, conn: Any) -> None:
        if not self._migrated:
            self.migrate(conn)

    def migrate(self, conn: Any | None = None) -> int:
        """Create or upgrade the schema; returns the version now recorded."""
        if conn is None:
            with self.pool.connection() as held:
                return self.migrate(held.conn)
        wanted = set(schema.MIGRATIONS)
        try:  # the usual case on a cold start: already current, one read instead of a locked transaction
            done = {r[0] for r in self._execute(conn, "SELECT version FROM schema_migrations").fetchall()}
            if done >= wanted:
                self._migrated = True
                return schema.SCHEMA_VERSION
        except Exception as exc:  # no table yet (each driver names that differently): migrate below
            if self.dialect.is_lost(exc):
                raise
        with self.dialect.begin(conn):
            # Lock first: two cold starts creating the same table at once collide even with IF NOT EXISTS.
            self.dialect.lock_migrations(conn.cursor())
            self._execute(conn, f"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                                f"applied_at {self.dialect.ddl['real']} NOT NULL)")
            done = {r[0] for r in self._execute(conn, "SELECT version FROM schema_migrations").fetchall()}
            schema.apply(lambda sql, params=(): self._execute(conn, sql, params), self.dialect.ddl, done)
        self._migrated = True
        return schema.SCHEMA_VERSION

    def schema_version(self) -> int:
        return self._query("SELECT MAX(version) FROM schema_migrations")[0][0] or 0

    def ping(self) -> None:
        self._query("SELECT 1")

    @property
    def open_connections(self) -> int:
        return self.pool.open_connections

    def close(self) -> None:
        self.pool.close()

    # ---- orders ----------------------------------------------------------------

    def _read_order(self, conn: Any, session_id: str) -> Order | None:
        row = self._execute(conn, f"SELECT {ORDER_COLUMNS} FROM orders WHERE session_id = ?", (session_id,)).fetchone()
        if row is None:
            return None
        order = order_from_row(row)
        order.items = [item_from_row(i) for i in self._execute(
            conn, f"SELECT {ITEM_COLUMNS} FROM order_items WHERE session_id = ? ORDER BY position",
            (session_id,)).fetchall()]
        order.totals = read_totals(self._execute, conn, session_id)
        return order

    def get_order(self, session_id: str) -> Order | None:
        return self._statement(lambda conn: self._read_order(conn, session_id))

    def orders_of_email(self, email: str, limit: int = 100) -> list[Order]:
        """A buyer's orders, newest first (the email's case does not matter)."""
        rows = self._query("SELECT session_id FROM orders WHERE lower(customer_email) = lower(?) "
                           "ORDER BY created_at DESC LIMIT ?", (email, limit))
        return [o for o in (self.get_order(r[0]) for r in rows) if o]

    def order_of_payment_intent(self, payment_intent: str) -> Order | None:
        rows = self._query("SELECT session_id FROM orders WHERE payment_intent = ?", (payment_intent,))
        return self.get_order(rows[0][0]) if rows else None

    def list_orders(self, limit: int = 50) -> list[Order]:
        return self.search_orders(limit=limit)

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(table)
        return self._query(f"SELECT COUNT(*) FROM {table}")[0][0]

    # ---- webhook deliveries ------------------------------------------------------

    def log_delivery(self, delivery: Delivery) -> None:
        self._statement(lambda conn: self._insert_delivery(conn, delivery))

    def _insert_delivery(self, conn: Any, delivery: Delivery) -> None:
        self._execute(conn, "INSERT INTO webhook_deliveries (event_id, event_type, outcome, detail, received_at) "
                            "VALUES (?, ?, ?, ?, ?)",
                      (delivery.event_id, delivery.event_type, delivery.outcome, delivery.detail[:500],
                       delivery.received_at or time.time()))

    def deliveries(self, event_id: str | None = None) -> list[Delivery]:
        sql = "SELECT event_id, event_type, outcome, detail, received_at FROM webhook_deliveries"
        rows = self._query(sql + " WHERE event_id = ? ORDER BY id", (event_id,)) if event_id else \
            self._query(sql + " ORDER BY id")
        return [Delivery(*r) for r in rows]

    def is_processed(self, event_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM processed_events WHERE event_id = ?", (event_id,)))

    # ---- rate limiting -------------------------------------------------------------

    def hit(self, bucket: str, window_s: int) -> int:
        """Count one hit in the current fixed window; return the window's count so far."""
        window = int(time.time()) // window_s * window_s
        hits = self._query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) "
                           "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 "
                           "RETURNING hits", (bucket, window))[0][0]
        if hits == 1:  # first hit of a window: sweep old windows now and then
            self._write("DELETE FROM rate_limits WHERE window_start < ?", (window - 3600,))
        return hits


def open_store(url: str, pool_size: int | None = None) -> SqlStore:
    """A store for `sqlite:///relative/or//absolute/path.db` or `postgresql://…`."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):] or ":memory:"
        return SqlStore(SqliteDialect(path))
    if url.startswith(("postgresql://", "postgres://")):
        return SqlStore(PostgresDialect(url, pool_size))
    raise StoreError("DATABASE_URL must start with sqlite:/// or postgresql://")
