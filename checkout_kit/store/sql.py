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
from typing import Any, Callable, Generic, Iterator, TypeVar

from checkout_kit.store import schema
from checkout_kit.store.dialects import Dialect, PostgresDialect, SqliteDialect
from checkout_kit.store.errors import StoreError, StoreUnavailable
from checkout_kit.store.jobs import PENDING_COUNT, JobsStore, JobsTx, jobs_from_rows
from checkout_kit.store.pool import ConnectionPool
from checkout_kit.store.problems import ProblemsStore, ProblemsTx
from checkout_kit.store.desk import DeskStore, DeskTx
from checkout_kit.store.downloads import DownloadsStore
from checkout_kit.store.privacy import PrivacyStore, PrivacyTx
from checkout_kit.store.refunds import RefundsStore, RefundsTx
from checkout_kit.store.shipments import ShipmentsStore, ShipmentsTx
from checkout_kit.store.stock import StockStore, StockTx
from checkout_kit.store.tickets import TicketsStore, TicketsTx
from checkout_kit.store.records import TRANSITIONS, Delivery, Job, Order
from checkout_kit.store.rows import ITEM_COLUMNS, ORDER_COLUMNS, item_from_row, order_from_row
from checkout_kit.store.subscriptions import SubscriptionsStore, SubscriptionsTx
from checkout_kit.store.totals import TOTALS_COLUMNS, TotalsTx, totals_from_row

SCHEMA_VERSION = schema.SCHEMA_VERSION
# A new instance's first statement: is the schema current? (The Netlify bridge sends it ahead.)
SCHEMA_CHECK = "SELECT version FROM schema_migrations"
T = TypeVar("T")

# Stored for search only (derived from the session id); not read back into Order.
INSERT_ORDER_COLUMNS = ORDER_COLUMNS + ", reference"
TABLES = {"orders", "order_items", "processed_events", "webhook_deliveries", "jobs", "rate_limits", "problems",
          "used_tokens", "checkout_intents", "audit_log", "order_totals", "tickets", "download_uses", "stock_counts",
          "stock_holds", "shipments", "refunds", "disputes", "subscriptions", "subscription_items", "invoices"}


class Later(Generic[T]):
    """A statement's result in a pipelined batch (PostgreSQL): known once the batch went out.

    Reading it inside the batch sends what is queued and waits (one more round trip; see
    `Answering`); after the batch it is just there. Truthiness reads it, so `if tx.mark_event(…)`
    still works anywhere.
    """

    __slots__ = ("_read", "_value", "_done")

    def __init__(self, read: Callable[[], T]) -> None:
        self._read, self._done = read, False
        self._value: Any = None

    def get(self) -> T:
        if not self._done:
            self._value, self._done = self._read(), True
        return self._value

    def __bool__(self) -> bool:
        return bool(self.get())


class Pipe:
    """A connection's open pipeline: how many statements were sent into it, and how many answered."""

    def __init__(self, dialect: Any, pipeline: Any) -> None:
        self._dialect, self._pipeline = dialect, pipeline
        self.queued = self.answered = 0
        self.laters: list[Later[Any]] = []

    def sync(self, upto: int) -> None:
        """Make sure statement number `upto` is answered (one round trip if it is not yet)."""
        if self.answered < upto:
            self._dialect.sync(self._pipeline)
            self.answered = self.queued

    def later(self, read: Callable[[], T]) -> Later[T]:
        later: Later[T] = Later(read)
        self.laters.append(later)
        return later


class Answering:
    """A cursor in a pipeline. Its answer (rows, rowcount, description) is only there once what was
    queued has been sent and answered: reading any of them first does that, so code written for
    plain cursors stays right (psycopg's own pipelined cursors answer rowcount -1 until then)."""

    __slots__ = ("_cur", "_pipe", "_number")

    def __init__(self, cur: Any, pipe: Pipe) -> None:
        pipe.queued += 1
        self._cur, self._pipe, self._number = cur, pipe, pipe.queued

    def _ready(self) -> Any:
        self._pipe.sync(self._number)
        return self._cur

    @property
    def rowcount(self) -> int:
        return self._ready().rowcount

    @property
    def description(self) -> Any:
        return self._ready().description

    def fetchone(self) -> Any:
        return self._ready().fetchone()

    def fetchall(self) -> list[Any]:
        return self._ready().fetchall()

    def fetchmany(self, size: int) -> list[Any]:
        return self._ready().fetchmany(size)

    def __iter__(self) -> Any:
        return iter(self._ready())


def resolved(value: Any) -> Any:
    """A plain value, whether `value` is one or a Later."""
    return value.get() if isinstance(value, Later) else value


class Tx(JobsTx, ProblemsTx, DeskTx, PrivacyTx, TotalsTx, TicketsTx, StockTx, RefundsTx, ShipmentsTx,
         SubscriptionsTx):
    """Writes inside one transaction: all of them happen, or none.

    In a batched transaction (`store.transaction(batch=True)` on PostgreSQL) statements are
    pipelined: the whole transaction is one round trip. The answers of `mark_event`,
    `insert_order`, `enqueue_job(s)` and `use_token` are `Later`s; a method that reads an answer
    at once (stock, refunds…) sends what is queued first and waits: one more trip, still right.
    """

    def __init__(self, store: "SqlStore", conn: Any, pipeline: "Pipe | None" = None) -> None:
        self._store = store
        self._conn = conn
        self._pipe: Pipe | None = pipeline
        self.now = time.time()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self._store._execute(self._conn, sql, params)

    def _later(self, cur: Any, read: Callable[[Any], T]) -> T:
        """`read(cur)` now, or (pipelined) once the answers are in."""
        if self._pipe is None:
            return read(cur)
        return self._pipe.later(lambda: read(cur))  # type: ignore[return-value]

    def mark_event(self, event_id: str, event_type: str, object_id: str | None) -> bool:
        """Record the event as processed; False if it already was (then do nothing else)."""
        cur = self._exec("INSERT INTO processed_events (event_id, event_type, object_id, processed_at) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (event_id) DO NOTHING", (event_id, event_type, object_id, self.now))
        return self._later(cur, lambda c: c.rowcount == 1)

    def insert_order(self, order: Order, advance: bool = False) -> bool:
        """Create the order with its items; False if it exists already (nothing changes).

        With `advance`, an order that exists moves to `order.status` if its state allows it
        (TRANSITIONS; with its payment intent, and paid_at when paid) and, when paid, its lines still
        pending take this order's (planned) fulfillment; True then means created or moved. One
        statement for the order and one per line, either way (on PostgreSQL a repeat locks the
        existing rows until commit, as the update it replaces did when it matched).
        The items are inserted whatever the answer (a conflict leaves the stored ones), so a
        batched transaction need not wait for it.
        """
        allowed = TRANSITIONS[order.status] if advance else ()
        on_conflict = "DO NOTHING"
        if allowed:
            paid = ", paid_at = excluded.paid_at" if order.status == "paid" else ""
            on_conflict = (f"DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, "
                           f"payment_intent = excluded.payment_intent{paid} "
                           f"WHERE orders.status IN ({', '.join('?' * len(allowed))})")
        item_conflict = "DO NOTHING" if not (advance and order.status == "paid") else (
            "DO UPDATE SET fulfillment_status = excluded.fulfillment_status, fulfillment = excluded.fulfillment "
            "WHERE order_items.fulfillment_status = 'pending'")
        cur = self._exec(
            f"INSERT INTO orders ({INSERT_ORDER_COLUMNS}) VALUES ({', '.join('?' * 19)}) "
            f"ON CONFLICT (session_id) {on_conflict}",
            (order.session_id, order.status, order.mode, int(order.livemode), order.customer_email, order.customer_name,
             order.amount_total, order.currency, order.payment_intent, order.subscription, order.customer,
             order.client_reference_id, json.dumps(order.shipping) if order.shipping else None,
             self.now, self.now, self.now if order.status == "paid" else None, order.amount_refunded,
             order.receipt_url, order.reference, *allowed))
        for item in order.items:
            self._exec(
                f"INSERT INTO order_items (session_id, {ITEM_COLUMNS}) VALUES ({', '.join('?' * 11)}) "
                f"ON CONFLICT (session_id, position) {item_conflict}",
                (order.session_id, item.position, item.price_id, item.product_key, item.description, item.quantity,
                 item.amount_total, item.currency, item.fulfillment_type, item.fulfillment_status,
                 json.dumps(item.fulfillment)))
        return self._later(cur, lambda c: c.rowcount == 1)

    def set_item_fulfillment(self, session_id: str, position: int, status: str, fulfillment: dict[str, Any]) -> None:
        """Record a line's fulfillment."""
        self._exec("UPDATE order_items SET fulfillment_status = ?, fulfillment = ? WHERE session_id = ? AND position = ?",
                   (status, json.dumps(fulfillment), session_id, position))

    def get_order(self, session_id: str) -> Order | None:
        return self._store._read_order(self._conn, session_id)

    def use_token(self, token_id: str, purpose: str) -> bool:
        """Record a single-use token as used; False if it was used before."""
        cur = self._exec("INSERT INTO used_tokens (token_id, purpose, used_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (token_id) DO NOTHING", (token_id, purpose, self.now))
        return self._later(cur, lambda c: c.rowcount == 1)

    def forget_token(self, token_id: str, purpose: str) -> None:
        """Undo `use_token` (what the token opened failed on our side)."""
        self._exec("DELETE FROM used_tokens WHERE token_id = ? AND purpose = ?", (token_id, purpose))

    def log_delivery(self, delivery: Delivery) -> None:
        """Log a webhook delivery with the effects it had (one commit for both)."""
        self._store._insert_delivery(self._conn, delivery)


class Batch:
    """Statements for `SqlStore.batched`: `rows`/`count` answer Laters, read after the block."""

    def __init__(self, store: "SqlStore", conn: Any, pipe: Pipe | None) -> None:
        self._store, self._conn, self._pipe = store, conn, pipe

    def _later(self, cur: Any, read: Callable[[Any], T]) -> Later[T]:
        if self._pipe is None:
            later: Later[T] = Later(lambda: read(cur))
            later.get()  # answered at once: read now, while this thread holds the connection
            return later
        return self._pipe.later(lambda: read(cur))

    @property
    def pipelined(self) -> bool:
        return self._pipe is not None

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> Later[list[tuple[Any, ...]]]:
        return self._later(self._store._execute(self._conn, sql, params),
                           lambda c: c.fetchall() if c.description is not None else [])

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> Later[int]:
        return self._later(self._store._execute(self._conn, sql, params), lambda c: c.rowcount)

    def claim(self, token: str, lease_s: float, limit: int, session_id: str | None = None) -> Later[list[Job]]:
        """Lease due jobs: one statement when pipelined; elsewhere (SQLite) a read first, and a
        write only when something is due (fewer write locks for concurrent processes to wait on)."""
        if self.pipelined:
            found = self.rows(*self._store.claim_statement(token, lease_s, limit, session_id))
            return Later(lambda: jobs_from_rows(found.get()))
        jobs = self._store.claim_jobs(token, lease_s, limit, session_id)
        return Later(lambda: jobs)


class SqlStore(JobsStore, ProblemsStore, DeskStore, PrivacyStore, TicketsStore, DownloadsStore, StockStore,
               RefundsStore, ShipmentsStore, SubscriptionsStore):
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.pool = ConnectionPool(dialect)
        self._migrated = False
        self._pipes: dict[int, Pipe] = {}  # connection → its open pipeline (each held by one thread)

    # ---- plumbing ------------------------------------------------------------

    def _execute(self, conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.dialect.placeholder != "?":
            sql = sql.replace("?", self.dialect.placeholder)
        cur = conn.cursor()
        cur.execute(sql, params)
        pipe = self._pipes.get(id(conn))
        return cur if pipe is None else Answering(cur, pipe)

    @contextmanager
    def _pipe(self, conn: Any) -> Iterator[Pipe]:
        """Pipeline `conn`'s statements until the block ends; then read every answer, while this
        thread still holds the connection (another thread may use it next: SQLite's is shared)."""
        with self.dialect.pipeline(conn) as pipeline:
            pipe = self._pipes[id(conn)] = Pipe(self.dialect, pipeline)
            try:
                yield pipe
            finally:
                del self._pipes[id(conn)]
        pipe.answered = pipe.queued  # the pipeline's end sent and answered the rest
        for later in pipe.laters:
            later.get()

    def _statement(self, work: Callable[[Any], T]) -> T:
        """Run one statement's `work(conn)` outside a transaction (or inside this thread's)."""
        def run(held: Any) -> T:
            self._ensure_schema(held.conn)
            return work(held.conn)
        return self._retried_once(run)

    def _retried_once(self, run: Callable[[Any], T]) -> T:
        """`run(held)` on a pooled connection. A connection reused from the pool may have died while
        idle (a pooler's idle timeout, Neon's autosuspend, a restart): then `run` goes again, once,
        on a new one — never inside a transaction, whose earlier statements died with it."""
        with self.pool.connection() as held:
            try:
                return run(held)
            except Exception as exc:
                if held.depth or held.fresh or not self.dialect.is_lost(exc):
                    raise
            self.pool.discard_held()
            return run(held)

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        def run(conn: Any) -> list[tuple[Any, ...]]:
            cur = self._execute(conn, sql, params)
            return cur.fetchall() if cur.description is not None else []
        return self._statement(run)

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self._statement(lambda conn: self._execute(conn, sql, params).rowcount)

    def _write_posted(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """A best-effort write whose answer nobody needs: posted without waiting where the dialect
        can (the Netlify bridge, which finishes it after the response), else written now."""
        def run(conn: Any) -> None:
            if not self.dialect.post_write(conn, sql, params):
                self._execute(conn, sql, params)
        self._statement(run)

    @contextmanager
    def transaction(self, batch: bool = False) -> Iterator[Tx]:
        """All writes in the block commit together, or none do.

        A lost connection rolls back and raises StoreUnavailable (nothing half-done). A pooled
        connection found dead at BEGIN, before any work, is replaced once, transparently.
        With `batch`, on PostgreSQL the whole transaction is pipelined into one round trip (see
        `Tx`); elsewhere it is an ordinary transaction.
        """
        with self.pool.connection() as held, ExitStack() as stack:
            if held.depth:
                raise StoreError("transactions do not nest")
            self._ensure_schema(held.conn)
            if batch and self.dialect.pipelines:
                yield from self._pipelined(held.conn)
                return
            try:
                stack.enter_context(self.dialect.begin(held.conn))
            except Exception as exc:
                if held.fresh or not self.dialect.is_lost(exc):
                    raise
                self.pool.discard_held()
                self._ensure_schema(held.conn)
                stack.enter_context(self.dialect.begin(held.conn))
            yield Tx(self, held.conn)

    def _pipelined(self, conn: Any) -> Iterator[Tx]:
        """BEGIN, the block's statements and COMMIT sent as one batch; answers read after it."""
        try:
            with self._pipe(conn) as pipe:
                tx = Tx(self, conn, pipe)
                self._execute(conn, "BEGIN")
                try:
                    yield tx
                except BaseException:
                    self._execute(conn, "ROLLBACK")
                    raise
                self._execute(conn, "COMMIT")
        except BaseException:
            # A statement failed (the server skipped the rest, COMMIT included): end the transaction.
            try:
                if not self.dialect.is_broken(conn):
                    self._execute(conn, "ROLLBACK")
            except Exception:
                pass
            raise

    def batched(self, queue: Callable[["Batch"], T], writes: bool = False) -> T:
        """Run `queue(batch)`, whose statements go together (one round trip on PostgreSQL), each on
        its own; answers its return value once the answers are in (read its Laters then).

        Like a lone statement, a batch that finds a pooled connection dead is run again, once, on a
        new one: batches are reads, or writes that may be repeated (claims, log lines, counters —
        a rate limit may then count one hit twice). A batch of plain `writes` (no claim in it)
        commits once on SQLite, not once per statement.
        """
        return self._retried_once(lambda held: self._run_batch(held, queue, writes))

    def _run_batch(self, held: Any, queue: Callable[["Batch"], T], writes: bool) -> T:
        self._ensure_schema(held.conn)
        if held.depth or not self.dialect.pipelines:  # inside a transaction, or nothing to pipeline
            if writes and not held.depth:
                with self.dialect.begin(held.conn):
                    return queue(Batch(self, held.conn, None))
            return queue(Batch(self, held.conn, None))
        with self._pipe(held.conn) as pipe:
            answer = queue(Batch(self, held.conn, pipe))
        return answer

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
            done = {r[0] for r in self._execute(conn, SCHEMA_CHECK).fetchall()}
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
        """The order inside this thread's transaction (statements answered at once)."""
        return self._queue_order_read(Batch(self, conn, None), session_id)()

    def _queue_order_read(self, batch: "Batch", session_id: str) -> Callable[[], Order | None]:
        """Ask for an order, its items and its totals (one round trip in a batch); the function
        called after the batch assembles them."""
        head = batch.rows(f"SELECT {ORDER_COLUMNS} FROM orders WHERE session_id = ?", (session_id,))
        items = batch.rows(f"SELECT {ITEM_COLUMNS} FROM order_items WHERE session_id = ? ORDER BY position",
                           (session_id,))
        totals = batch.rows(f"SELECT {TOTALS_COLUMNS} FROM order_totals WHERE session_id = ?", (session_id,))

        def assemble() -> Order | None:
            rows = head.get()
            if not rows:
                return None
            order = order_from_row(rows[0])
            order.items = [item_from_row(i) for i in items.get()]
            found = totals.get()
            order.totals = totals_from_row(found[0] if found else None)
            return order
        return assemble

    def get_order(self, session_id: str) -> Order | None:
        return self.batched(lambda batch: self._queue_order_read(batch, session_id))()

    def order_and_due_jobs(self, session_id: str, token: str, lease_s: float,
                           limit: int = 5) -> tuple[Order | None, list[Job]]:
        """An order and its due jobs (emails a crash or an outage left behind), leased to `token`:
        one round trip for the success page's usual case."""
        read, claimed = self.batched(lambda batch: (self._queue_order_read(batch, session_id),
                                                    batch.claim(token, lease_s, limit, session_id)))
        return read(), claimed.get()

    def orders_of_email(self, email: str, limit: int = 100) -> list[Order]:
        """A buyer's orders with their items (not their totals), newest first (the email's case does
        not matter): two statements, however many orders."""
        return self._with_items(self._query(f"SELECT {ORDER_COLUMNS} FROM orders WHERE lower(customer_email) = "
                                            f"lower(?) ORDER BY created_at DESC LIMIT ?", (email, limit)))

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
        self._execute(conn, *delivery_statement(delivery))

    def precheck_delivery(self, delivery: Delivery, token: str, lease_s: float,
                          limit: int = 10) -> tuple[bool, list[Job]]:
        """Before any work on an event, in one round trip: was it processed already (then its delivery
        is logged as a duplicate), and the due jobs (emails a crash or an outage left behind), leased
        to `token`. Returns (already processed, the jobs claimed)."""
        seen_sql = "SELECT 1 FROM processed_events WHERE event_id = ?"
        sql, params = delivery_statement(delivery)

        def queue(b: Batch) -> tuple[Later[Any], Later[list[Job]]]:
            if b.pipelined:  # one statement: the log line is written only if processed, and says so
                seen: Later[Any] = b.count(sql.replace(" VALUES (?, ?, ?, ?, ?)",
                                                       f" SELECT ?, ?, ?, ?, ? WHERE EXISTS ({seen_sql})"),
                                           (*params, delivery.event_id))
            else:  # in process: read first, write only if needed (no write lock for a new event)
                seen = b.rows(seen_sql, (delivery.event_id,))
                if seen.get():
                    b.count(sql, params)
            return seen, b.claim(token, lease_s, limit)
        seen, claimed = self.batched(queue)
        return bool(seen.get()), claimed.get()

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
        sql, params = hit_statement(bucket, window_s)
        sweep = "DELETE FROM rate_limits WHERE window_start < ?"
        old = int(time.time()) - 2 * 86400

        # The first hit of a window also sweeps windows long gone (two days' are kept). Pipelined, in
        # the same round trip: the sweep's condition reads the row the hit just wrote (checked once,
        # no scan otherwise); in process, only when the hit says it was the first.
        def queue(b: Batch) -> Later[list[tuple[Any, ...]]]:
            hits = b.rows(sql, params)
            if b.pipelined:
                b.count(f"{sweep} AND EXISTS (SELECT 1 FROM rate_limits WHERE bucket = ? AND window_start = ? "
                        f"AND hits = 1)", (old, *params))
            elif hits.get()[0][0] == 1:
                b.count(sweep, (old,))
            return hits
        return int(self.batched(queue).get()[0][0])

    def cron_pass(self, token: str, lease_s: float, limit: int) -> tuple[list[Job], int, bool]:
        """The scheduled route's usual case in one round trip: the due jobs (leased to `token`), how
        many jobs are unfinished, and whether this is the day's first run."""
        claimed, pending, day = self.batched(lambda b: (
            b.claim(token, lease_s, limit),
            b.rows(PENDING_COUNT),
            b.rows(*hit_statement("cron:reconcile", 86400))))
        return claimed.get(), pending.get()[0][0], day.get()[0][0] == 1


def hit_statement(bucket: str, window_s: int) -> tuple[str, tuple[Any, ...]]:
    """One hit in `bucket`'s current fixed window of `window_s` seconds, answering the count so far."""
    window = int(time.time()) // window_s * window_s
    return ("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) ON CONFLICT (bucket, window_start) "
            "DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits", (bucket, window))


def delivery_statement(delivery: Delivery) -> tuple[str, tuple[Any, ...]]:
    """The statement logging one webhook delivery."""
    return ("INSERT INTO webhook_deliveries (event_id, event_type, outcome, detail, received_at) VALUES (?, ?, ?, ?, ?)",
            (delivery.event_id, delivery.event_type, delivery.outcome, delivery.detail[:500],
             delivery.received_at or time.time()))


def open_store(url: str, pool_size: int | None = None, prepare: str = "auto") -> SqlStore:
    """A store for `sqlite:///relative/or//absolute/path.db` or `postgresql://…`."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):] or ":memory:"
        return SqlStore(SqliteDialect(path))
    if url.startswith(("postgresql://", "postgres://")):
        return SqlStore(PostgresDialect(url, pool_size, prepare))
    raise StoreError("DATABASE_URL must start with sqlite:/// or postgresql://")
