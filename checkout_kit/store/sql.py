"""One SQL implementation of the store for SQLite and PostgreSQL.

The SQL is written once with `?` placeholders and portable `ON CONFLICT`
clauses; a dialect supplies the connection, the placeholder style and the few
DDL words that differ. Connections are per thread (serverless instances serve
one request at a time; the dev server and tests use threads).
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from checkout_kit.store.records import (
    TRANSITIONS, Delivery, Order, OrderItem, OutboxMessage,
)

SCHEMA_VERSION = 1
# A claimed email that was neither sent nor released within this time is claimable again.
CLAIM_LEASE_S = 300

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE orders (
            session_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            mode TEXT NOT NULL,
            livemode INTEGER NOT NULL DEFAULT 0,
            customer_email TEXT,
            customer_name TEXT,
            amount_total BIGINT NOT NULL,
            currency TEXT NOT NULL,
            payment_intent TEXT,
            subscription TEXT,
            customer TEXT,
            client_reference_id TEXT,
            shipping TEXT,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL,
            paid_at {real}
        )""",
        """CREATE TABLE order_items (
            session_id TEXT NOT NULL REFERENCES orders(session_id),
            position INTEGER NOT NULL,
            price_id TEXT NOT NULL,
            product_key TEXT,
            description TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            amount_total BIGINT NOT NULL,
            currency TEXT NOT NULL,
            fulfillment_type TEXT NOT NULL,
            fulfillment_status TEXT NOT NULL,
            fulfillment TEXT NOT NULL,
            PRIMARY KEY (session_id, position)
        )""",
        """CREATE TABLE processed_events (
            event_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            object_id TEXT,
            processed_at {real} NOT NULL
        )""",
        """CREATE TABLE webhook_deliveries (
            id {serial},
            event_id TEXT,
            event_type TEXT,
            outcome TEXT NOT NULL,
            detail TEXT NOT NULL,
            received_at {real} NOT NULL
        )""",
        "CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)",
        """CREATE TABLE outbox (
            id {serial},
            dedupe_key TEXT NOT NULL UNIQUE,
            session_id TEXT,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            text_body TEXT NOT NULL,
            html_body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at {real} NOT NULL,
            claimed_at {real},
            sent_at {real}
        )""",
        "CREATE INDEX outbox_status ON outbox (status)",
        """CREATE TABLE rate_limits (
            bucket TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (bucket, window_start)
        )""",
    ],
}

ORDER_COLUMNS = ("session_id, status, mode, livemode, customer_email, customer_name, amount_total, currency, "
                 "payment_intent, subscription, customer, client_reference_id, shipping, created_at, updated_at, paid_at")
ITEM_COLUMNS = ("position, price_id, product_key, description, quantity, amount_total, currency, fulfillment_type, "
                "fulfillment_status, fulfillment")
OUTBOX_COLUMNS = "id, dedupe_key, session_id, kind, recipient, subject, text_body, html_body, status, attempts, last_error"


class StoreError(RuntimeError):
    """The database could not be reached or refused an operation."""


class Dialect:
    name = "sql"
    placeholder = "?"
    ddl = {"real": "DOUBLE PRECISION", "serial": "BIGSERIAL PRIMARY KEY"}

    def connect(self) -> Any:
        raise NotImplementedError

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        raise NotImplementedError

    def lock_migrations(self, cursor: Any) -> None:
        """Keep two cold starts from migrating at once (inside the migration transaction)."""


class SqliteDialect(Dialect):
    name = "sqlite"
    ddl = {"real": "REAL", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"}

    def __init__(self, path: str) -> None:
        self.path = path

    def connect(self) -> Any:
        import sqlite3

        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        # Switching to WAL needs an exclusive lock (and skips the busy handler): only when not WAL yet.
        if self.path != ":memory:" and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            for attempt in range(50):
                try:
                    conn.execute("PRAGMA journal_mode=WAL")
                    break
                except sqlite3.OperationalError:
                    time.sleep(0.02 * (attempt + 1))
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so concurrent writers queue instead of deadlocking.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


class PostgresDialect(Dialect):
    name = "postgresql"
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        self.url = url

    def connect(self) -> Any:
        import psycopg  # lazy: costs ~0.15 s, only Postgres users pay it

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            host = urlsplit(self.url).hostname
            raise StoreError(f"cannot connect to PostgreSQL at {host}: {str(exc).splitlines()[0][:200]}") from None

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        with conn.transaction():
            yield

    def lock_migrations(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(715517)")


class Tx:
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
            f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({', '.join('?' * 16)}) ON CONFLICT (session_id) DO NOTHING",
            (order.session_id, order.status, order.mode, int(order.livemode), order.customer_email, order.customer_name,
             order.amount_total, order.currency, order.payment_intent, order.subscription, order.customer,
             order.client_reference_id, json.dumps(order.shipping) if order.shipping else None,
             self.now, self.now, self.now if order.status == "paid" else None))
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

    def enqueue_email(self, dedupe_key: str, session_id: str | None, kind: str, recipient: str, subject: str,
                      text_body: str, html_body: str, claim: bool = False) -> int | None:
        """Queue an email once per dedupe key: its row id, or None if that key was queued before.

        `claim` queues it already leased to this caller (who sends it right after commit),
        saving the separate claim; if the caller dies first, the lease runs out and a retry sends it.
        """
        status, attempts, claimed_at = ("sending", 1, self.now) if claim else ("pending", 0, None)
        row = self._exec(
            "INSERT INTO outbox (dedupe_key, session_id, kind, recipient, subject, text_body, html_body, status, "
            "attempts, created_at, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
            (dedupe_key, session_id, kind, recipient, subject, text_body, html_body, status, attempts, self.now,
             claimed_at)).fetchone()
        return row[0] if row else None

    def get_order(self, session_id: str) -> Order | None:
        return self._store._read_order(self._conn, session_id)

    def log_delivery(self, delivery: Delivery) -> None:
        """Log a webhook delivery with the effects it had (one commit for both)."""
        self._store._insert_delivery(self._conn, delivery)


class SqlStore:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._migrated = False

    # ---- plumbing ------------------------------------------------------------

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.dialect.connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        if not self._migrated:
            self.migrate(conn)
        return conn

    def _execute(self, conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.dialect.placeholder != "?":
            sql = sql.replace("?", self.dialect.placeholder)
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._execute(self._conn(), sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        conn = self._conn()
        with self.dialect.begin(conn):
            yield Tx(self, conn)

    def migrate(self, conn: Any | None = None) -> int:
        """Create or upgrade the schema; returns the version now recorded."""
        conn = conn or self._conn()
        latest = max(MIGRATIONS)
        try:  # the usual case on a cold start: already current, one read instead of a locked transaction
            row = self._execute(conn, "SELECT MAX(version) FROM schema_migrations").fetchone()
            if row and row[0] == latest:
                self._migrated = True
                return latest
        except Exception:  # no table yet (each driver names that differently): migrate below
            pass
        with self.dialect.begin(conn):
            # Lock first: two cold starts creating the same table at once collide even with IF NOT EXISTS.
            self.dialect.lock_migrations(conn.cursor())
            self._execute(conn, f"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                                f"applied_at {self.dialect.ddl['real']} NOT NULL)")
            row = self._execute(conn, "SELECT MAX(version) FROM schema_migrations").fetchone()
            current = row[0] or 0
            for version in sorted(v for v in MIGRATIONS if v > current):
                for statement in MIGRATIONS[version]:
                    self._execute(conn, statement.format(**self.dialect.ddl))
                self._execute(conn, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                              (version, time.time()))
                current = version
        self._migrated = True
        return current

    def schema_version(self) -> int:
        return self._query("SELECT MAX(version) FROM schema_migrations")[0][0] or 0

    def ping(self) -> None:
        self._query("SELECT 1")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:
                    pass
            self._all.clear()
        self._local = threading.local()

    # ---- orders ----------------------------------------------------------------

    def _read_order(self, conn: Any, session_id: str) -> Order | None:
        row = self._execute(conn, f"SELECT {ORDER_COLUMNS} FROM orders WHERE session_id = ?", (session_id,)).fetchone()
        if row is None:
            return None
        items = self._execute(conn, f"SELECT {ITEM_COLUMNS} FROM order_items WHERE session_id = ? ORDER BY position",
                              (session_id,)).fetchall()
        return Order(
            session_id=row[0], status=row[1], mode=row[2], livemode=bool(row[3]), customer_email=row[4],
            customer_name=row[5], amount_total=row[6], currency=row[7], payment_intent=row[8], subscription=row[9],
            customer=row[10], client_reference_id=row[11], shipping=json.loads(row[12]) if row[12] else None,
            created_at=row[13], updated_at=row[14], paid_at=row[15],
            items=[OrderItem(position=i[0], price_id=i[1], product_key=i[2], description=i[3], quantity=i[4],
                             amount_total=i[5], currency=i[6], fulfillment_type=i[7], fulfillment_status=i[8],
                             fulfillment=json.loads(i[9])) for i in items],
        )

    def get_order(self, session_id: str) -> Order | None:
        return self._read_order(self._conn(), session_id)

    def list_orders(self, limit: int = 50) -> list[Order]:
        rows = self._query("SELECT session_id FROM orders ORDER BY created_at DESC LIMIT ?", (limit,))
        return [o for o in (self.get_order(r[0]) for r in rows) if o]

    def count(self, table: str) -> int:
        if table not in {"orders", "order_items", "processed_events", "webhook_deliveries", "outbox"}:
            raise ValueError(table)
        return self._query(f"SELECT COUNT(*) FROM {table}")[0][0]

    # ---- webhook deliveries ------------------------------------------------------

    def log_delivery(self, delivery: Delivery) -> None:
        self._insert_delivery(self._conn(), delivery)

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

    # ---- outbox ------------------------------------------------------------------

    def claim_emails(self, limit: int = 20, session_id: str | None = None,
                     not_session: str | None = None) -> list[OutboxMessage]:
        """Take pending emails for sending. A claim is a lease: one sender wins each row.

        A read finds candidates (usually none: no write then); one conditional UPDATE claims
        them: a concurrent sender's update re-checks the condition on the row it waited for,
        finds it claimed, and skips it.
        """
        now = time.time()
        claimable = "(status = 'pending' OR (status = 'sending' AND claimed_at < ?))"
        scope, scoped = "", ()
        if session_id:
            scope, scoped = " AND session_id = ?", (session_id,)
        elif not_session:
            scope, scoped = " AND (session_id IS NULL OR session_id != ?)", (not_session,)
        ids = [row[0] for row in self._query(f"SELECT id FROM outbox WHERE status != 'sent' AND {claimable}{scope} "
                                             f"ORDER BY id LIMIT ?", (now - CLAIM_LEASE_S, *scoped, limit))]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = self._query(
            f"UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
            f"WHERE id IN ({marks}) AND {claimable} RETURNING {OUTBOX_COLUMNS}", (now, *ids, now - CLAIM_LEASE_S))
        return sorted((OutboxMessage(*row) for row in rows), key=lambda m: m.id)

    def mark_sent(self, *message_ids: int) -> None:
        if message_ids:
            marks = ", ".join("?" * len(message_ids))
            self._execute(self._conn(), f"UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL "
                                        f"WHERE id IN ({marks})", (time.time(), *message_ids))

    def release_email(self, message_id: int, error: str) -> None:
        """Sending failed: back to pending for the next retry, with the (secret-free) reason."""
        self._execute(self._conn(), "UPDATE outbox SET status = 'pending', claimed_at = NULL, last_error = ? WHERE id = ?",
                      (error[:500], message_id))

    def emails(self, session_id: str | None = None) -> list[OutboxMessage]:
        sql = f"SELECT {OUTBOX_COLUMNS} FROM outbox"
        rows = self._query(sql + " WHERE session_id = ? ORDER BY id", (session_id,)) if session_id else \
            self._query(sql + " ORDER BY id")
        return [OutboxMessage(*r) for r in rows]

    def pending_email_count(self) -> int:
        return self._query("SELECT COUNT(*) FROM outbox WHERE status != 'sent'")[0][0]

    # ---- rate limiting -------------------------------------------------------------

    def hit(self, bucket: str, window_s: int) -> int:
        """Count one hit in the current fixed window; return the window's count so far."""
        window = int(time.time()) // window_s * window_s
        conn = self._conn()
        row = self._execute(conn, "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) "
                                  "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 "
                                  "RETURNING hits", (bucket, window)).fetchone()
        if row[0] == 1:  # first hit of a window: sweep old windows now and then
            self._execute(conn, "DELETE FROM rate_limits WHERE window_start < ?", (window - 3600,))
        return row[0]


def open_store(url: str) -> SqlStore:
    """A store for `sqlite:///relative/or//absolute/path.db` or `postgresql://…`."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):] or ":memory:"
        return SqlStore(SqliteDialect(path))
    if url.startswith(("postgresql://", "postgres://")):
        return SqlStore(PostgresDialect(url))
    raise StoreError("DATABASE_URL must start with sqlite:/// or postgresql://")
