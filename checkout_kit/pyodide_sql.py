"""The store's PostgreSQL through the Pyodide bridge (DESIGN §7): a DB-API surface over messages.

Pyodide has no sockets, so `BridgePostgresDialect`'s connection sends statements to a
node-postgres client held by the bridge's worker thread (netlify/lib/bridge-worker.mjs). The
SQL, the transactions (BEGIN/COMMIT/ROLLBACK on one session), the unique constraints and the
advisory lock are the ones psycopg runs on Vercel, so duplicate and concurrent deliveries
behave alike.

Round trips count as on psycopg: outside a pipeline each statement is one bridge message; in
`BridgeConnection.pipeline()` (psycopg's pipeline mode, which `SqlStore` uses for batches and
batched transactions) statements are queued with their cursors and `sync()` (or leaving the
block) sends them as ONE message, which the worker writes to PostgreSQL at once, with one Sync
(netlify/lib/pg-pipeline.mjs): one round trip. PostgreSQL's pipeline rules hold: statements run
in order, the first error skips the rest, and without a BEGIN they commit together or not at all.

The worker holds one connection per instance and reconnects only between transactions: every
message sent while a transaction is open names the database session it began on, and the worker
refuses it (without running anything) if that session is gone, so a transaction never continues,
half-autocommitted, on a new one. The connection learns whether a transaction is open from each
answer's transaction status, so a BEGIN inside a pipelined batch counts like a lone one.

Pure Python: testable on CPython with any function in place of the bridge.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable, Iterator

from checkout_kit.store.dialects import PostgresDialect
from checkout_kit.store.errors import StoreError, StoreUnavailable

log = logging.getLogger("checkout_kit.store")

SQL_TIMEOUT_MS = 25_000
# Worker error codes that mean the connection, not the statement, failed: retry later (503).
LOST = frozenset({"connect", "connection", "connection_lost", "bridge"})
IN_TRANSACTION = frozenset({"T", "E"})  # ReadyForQuery's status: in a transaction, or in a failed one

# sqlBatchSync(statementsJson, timeoutMs, session) → answer JSON (netlify/lib/bridge.mjs)
SendBatch = Callable[[str, int, str], str]
# postSql(statementsJson): sent without waiting for it (over after the answer)
PostBatch = Callable[[str], Any]


def numbered_placeholders(sql: str) -> str:
    """The store's `?` placeholders as PostgreSQL's `$1, $2…` (the store's SQL has no `?` in literals)."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))


def sql_param(value: Any) -> Any:
    """Parameters travel as PostgreSQL text (exact for BIGINT and floats); None stays NULL."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    raise TypeError(f"unsupported SQL parameter type {type(value).__name__}")


_INT_OIDS = {20, 21, 23, 26}
_FLOAT_OIDS = {700, 701}


def _converter(oid: int) -> Callable[[str], Any]:
    if oid in _INT_OIDS:
        return int
    if oid in _FLOAT_OIDS:
        return float
    if oid == 1700:
        return Decimal
    if oid == 16:
        return lambda text: text == "t"
    return str


def decode_rows(rows: list[list[str | None]], types: list[int]) -> list[tuple[Any, ...]]:
    """Rows of PostgreSQL text values → Python values by column type (as psycopg returns them)."""
    converters = [_converter(oid) for oid in types]
    return [tuple(None if v is None else conv(v) for conv, v in zip(converters, row)) for row in rows]


class BridgeCursor:
    """The DB-API surface SqlStore uses: execute, fetchone, fetchall, rowcount, description.

    In a pipeline the statement is only queued: reading its answer first sends what is queued
    (psycopg does the same), and a statement the server skipped after an earlier error has none.
    """

    def __init__(self, connection: "BridgeConnection") -> None:
        self.connection = connection
        self._answered = True
        self._rowcount = -1
        self._types: list[int] = []
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> "BridgeCursor":
        self._answered = False
        self.connection.submit(self, numbered_placeholders(sql), [sql_param(p) for p in params])
        return self

    def answer(self, result: dict[str, Any]) -> None:
        """The worker's result for this cursor's statement."""
        self._types = result.get("types") or []
        self._rows = decode_rows(result.get("rows") or [], self._types)
        self._rowcount = result.get("rowCount", -1)
        self._answered = True

    def _ready(self) -> None:
        if not self._answered:
            self.connection.sync()
        if not self._answered:
            raise StoreError("this statement was skipped: an earlier statement of its batch failed")

    @property
    def rowcount(self) -> int:
        self._ready()
        return self._rowcount

    @property
    def description(self) -> list[int] | None:
        """Like DB-API: None when the statement returns no rows (only presence is used)."""
        self._ready()
        return self._types or None

    def fetchone(self) -> tuple[Any, ...] | None:
        self._ready()
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        self._ready()
        rows, self._rows = self._rows, []
        return rows


class BridgePipeline:
    """psycopg's `Pipeline` surface: `sync()` sends the queued statements as one message."""

    def __init__(self, connection: "BridgeConnection") -> None:
        self.connection = connection

    def __enter__(self) -> "BridgePipeline":
        if self.connection.queued is not None:
            raise StoreError("pipelines do not nest")
        self.connection.queued = []
        return self

    def sync(self) -> None:
        self.connection.sync()

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        # As psycopg does, what is queued is sent even when the block failed (a ROLLBACK queued
        # by the failing block must reach the server); an error then does not hide the block's.
        try:
            self.connection.sync()
        except StoreError as error:
            if exc is None:
                raise
            log.warning("error ignored ending a pipeline that failed: %s", error)
        finally:
            self.connection.queued = None


class BridgeConnection:
    """One PostgreSQL session held by the bridge worker (node-postgres over TCP)."""

    def __init__(self, send_batch: SendBatch, post_batch: PostBatch | None = None) -> None:
        self._send_batch = send_batch
        self._post_batch = post_batch
        self.closed = False
        self.broken = False
        # The worker's database session a transaction began on ("" outside one): every statement
        # of the transaction must run there, or not at all.
        self.session = ""
        # In a pipeline: the statements waiting for sync() (sql, params, cursor); else None.
        self.queued: list[tuple[str, list[Any], BridgeCursor]] | None = None

    def pipeline(self) -> BridgePipeline:
        return BridgePipeline(self)

    def submit(self, cursor: BridgeCursor, sql: str, params: list[Any]) -> None:
        if self.queued is not None:
            self.queued.append((sql, params, cursor))
        else:
            self._send([(sql, params, cursor)])

    def sync(self) -> None:
        """Send the pipeline's queued statements (one message), if any."""
        if self.queued:
            batch, self.queued[:] = list(self.queued), []
            self._send(batch)

    def _send(self, batch: list[tuple[str, list[Any], BridgeCursor]]) -> None:
        if self.closed:
            raise StoreUnavailable("the database connection is closed")
        statements = json.dumps([[sql, params] for sql, params, _ in batch])
        answer = json.loads(self._send_batch(statements, SQL_TIMEOUT_MS, self.session))
        if "tx" in answer:
            self.session = answer.get("session", "") if answer["tx"] in IN_TRANSACTION else ""
        for (_, _, cursor), result in zip(batch, answer.get("results") or []):
            cursor.answer(result)
        error = answer.get("error")
        if error:
            code = error.get("code") or ""
            message = error.get("message", "")
            if len(batch) > 1:
                message = f"{message} (statement {error.get('index', 0) + 1} of {len(batch)} in a pipeline)"
            if code in LOST:
                self.broken = bool(self.session)  # mid-transaction: this transaction is over
                raise StoreUnavailable(message or "lost the database connection")
            raise StoreError(f"PostgreSQL error {code}: {message}".strip())

    def post(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> bool:
        """Send one statement without waiting for it (the worker runs it before any sent later);
        False, and nothing sent, inside a transaction or a pipeline or without the bridge's
        `postSql`: the caller then runs it as usual."""
        if self._post_batch is None or self.closed or self.session or self.queued is not None:
            return False
        self._post_batch(json.dumps([[numbered_placeholders(sql), [sql_param(p) for p in params]]]))
        return True

    def cursor(self) -> BridgeCursor:
        return BridgeCursor(self)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> BridgeCursor:
        return self.cursor().execute(sql, params)

    def close(self) -> None:
        self.closed = True


class BridgePostgresDialect(PostgresDialect):
    """PostgreSQL through the bridge: the same SQL, transactions, pipelines and advisory lock as psycopg
    (`pipeline()`/`sync()` are PostgresDialect's, on `BridgeConnection.pipeline()`)."""

    placeholder = "?"  # kept as `?` by SqlStore; the cursor numbers them $1, $2…
    pool_size = 1  # one request at a time per instance, and one connection per instance

    def __init__(self, url: str, send_batch: SendBatch, post_batch: PostBatch | None = None) -> None:
        super().__init__(url)
        self._send_batch = send_batch
        self._post_batch = post_batch

    def connect(self) -> BridgeConnection:
        return BridgeConnection(self._send_batch, self._post_batch)

    def post_write(self, conn: Any, sql: str, params: tuple[Any, ...]) -> bool:
        return conn.post(sql, params)

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        """BEGIN … COMMIT as separate messages (a transaction that reads as it goes); the session
        the BEGIN ran on comes back in its answer, and every later statement must run there."""
        conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except StoreError:
                pass  # the session is gone, and its transaction with it
            raise
        conn.execute("COMMIT")

    def is_lost(self, exc: BaseException) -> bool:
        return isinstance(exc, StoreUnavailable)

