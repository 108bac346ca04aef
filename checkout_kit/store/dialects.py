"""The two databases the store speaks: how to connect, begin a transaction,
and tell a lost connection from an ordinary SQL error.

The SQL itself is written once (in the store modules) with `?` placeholders and
portable `ON CONFLICT` clauses; a dialect supplies only what differs.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

from checkout_kit.store.errors import StoreUnavailable

log = logging.getLogger("checkout_kit.store")

CONNECT_TIMEOUT_S = 5
# A statement a connection runs this many times is prepared on the server (psycopg's default).
PREPARE_AFTER = 5
# SQLSTATEs of a prepared statement the server does not know (or knows twice): a transaction
# pooler handed the connection's statements to another server connection.
PREPARED_STATEMENT_LOST = ("26000", "42P05")
# How many times that may happen within PREPARED_LOSS_WINDOW_S before the process stops preparing:
# once can be psycopg's own bookkeeping after a failed pipeline (a new connection fixes it); twice
# within the hour is a pooler.
PREPARED_LOSSES_TOLERATED = 1
PREPARED_LOSS_WINDOW_S = 3600
# DATABASE_PREPARE=auto prepares on PostgreSQL's own port only: poolers that cannot keep prepared
# statements listen elsewhere (PgBouncer 6432, Supabase's transaction pooler 6543).
DIRECT_PORTS = (5432,)
SQLITE_BUSY_TIMEOUT_MS = 10_000


class Dialect:
    name = "sql"
    placeholder = "?"
    ddl = {"real": "DOUBLE PRECISION", "serial": "BIGSERIAL PRIMARY KEY"}
    # How many connections a process may hold at once (SQLite: one; PostgreSQL: a small pool).
    pool_size = 1
    # Claiming rows several workers race for: PostgreSQL skips rows another claim holds; SQLite has one writer.
    skip_locked = ""
    pipelines = False  # statements can be sent without waiting for each answer

    def pipeline(self, conn: Any) -> Any:
        """A context in which statements are sent without waiting for each answer (one round trip
        for the lot, results readable after the block). Databases in process need none."""
        return nullcontext(None)

    def sync(self, pipeline: Any) -> None:
        """Send what is queued and wait for the answers (a result is needed now)."""

    def post_write(self, conn: Any, sql: str, params: tuple[Any, ...]) -> bool:
        """Send a best-effort write without waiting for it, if this dialect can (True when sent);
        otherwise `SqlStore._write_posted` runs it as usual."""
        return False

    def ping(self, conn: Any) -> None:
        conn.execute("SELECT 1")

    def connect(self) -> Any:
        raise NotImplementedError

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        raise NotImplementedError

    def lock_migrations(self, cursor: Any) -> None:
        """Keep two cold starts from migrating at once (inside the migration transaction)."""

    def is_lost(self, exc: BaseException) -> bool:
        """True when `exc` means the database is unreachable or the connection died."""
        return isinstance(exc, StoreUnavailable)

    def is_broken(self, conn: Any) -> bool:
        """True when `conn` can no longer be used and must be replaced."""
        return bool(getattr(conn, "closed", False))

    def is_stale(self, conn: Any) -> bool:
        """True when `conn` works but should not be lent again (opened with settings since changed)."""
        return False

    def where(self) -> str:
        """Where the database is, for messages: never a password."""
        return self.name

    def compact(self, conn: Any) -> None:
        """Rewrite storage so that erased values are gone from the files, not only from queries."""


class SqliteDialect(Dialect):
    name = "sqlite"
    ddl = {"real": "REAL", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"}

    def __init__(self, path: str) -> None:
        self.path = path

    def where(self) -> str:
        return self.path

    def connect(self) -> Any:
        import sqlite3

        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open the SQLite database {self.path}: {exc}") from None
        conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Switching to WAL needs an exclusive lock (and skips the busy handler): only when not WAL yet.
        if self.path != ":memory:" and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            for attempt in range(50):
                try:
                    conn.execute("PRAGMA journal_mode=WAL")
                    break
                except sqlite3.OperationalError:
                    time.sleep(0.02 * (attempt + 1))
        # NORMAL in WAL mode: a commit survives a crash of the process; only a power loss may
        # lose the last transactions (never corrupts). See docs/production.md.
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
            try:
                conn.execute("ROLLBACK")
            except Exception:
                pass  # nothing to roll back, or the connection is gone: the transaction is gone with it
            raise
        conn.execute("COMMIT")

    def is_lost(self, exc: BaseException) -> bool:
        import sqlite3

        if isinstance(exc, StoreUnavailable):
            return True
        if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
            return True
        # Locked past the busy timeout, or the file is unreadable: try again later.
        return isinstance(exc, sqlite3.OperationalError) and any(
            words in str(exc) for words in ("locked", "busy", "unable to open", "disk I/O", "readonly"))

    def is_broken(self, conn: Any) -> bool:
        return False  # a SQLite connection is a file handle: it does not drop

    def compact(self, conn: Any) -> None:
        # secure_delete zeroes freed space; VACUUM rebuilds every page; the checkpoint moves the
        # WAL's pages (which still hold old row images) into the file and truncates the WAL.
        conn.execute("PRAGMA secure_delete=ON")
        try:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.execute("PRAGMA secure_delete=OFF")


def prepares_by_default(url: str, environ: Mapping[str, str] = os.environ) -> bool:
    """DATABASE_PREPARE=auto: whether `url` reaches PostgreSQL on its own port (5432), read as libpq
    reads it: the URL's port, else its `?port=`, else PGPORT, else 5432."""
    try:
        parts = urlsplit(url)
        port = parts.port or parse_qs(parts.query).get("port", [None])[0] or environ.get("PGPORT") or 5432
        return int(port) in DIRECT_PORTS
    except ValueError:
        return False


class PostgresDialect(Dialect):
    name = "postgresql"
    placeholder = "%s"
    pool_size = 4
    skip_locked = " FOR UPDATE SKIP LOCKED"
    pipelines = True

    def pipeline(self, conn: Any) -> Any:
        return conn.pipeline()  # psycopg's pipeline mode: one round trip per batch

    def sync(self, pipeline: Any) -> None:
        pipeline.sync()

    def __init__(self, url: str, pool_size: int | None = None, prepare: str = "auto") -> None:
        self.url = url
        if pool_size:
            self.pool_size = pool_size
        self.prepares = prepare == "on" or (prepare == "auto" and prepares_by_default(url))
        self._prepared_losses: list[float] = []  # when prepared statements were lost (monotonic)

    def where(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.hostname}:{parts.port or 5432}"

    def connect(self) -> Any:
        import psycopg  # lazy: costs ~0.15 s, only Postgres users pay it

        try:
            # Statements a connection runs again and again (every webhook's) are prepared on the
            # server after a few runs: PostgreSQL then skips parsing and planning them. Off behind
            # a transaction pooler that cannot keep them (see `prepares`).
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                   prepare_threshold=PREPARE_AFTER if self.prepares else None,
                                   application_name="checkout-kit")
        except psycopg.Error as exc:
            first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise StoreUnavailable(f"cannot connect to PostgreSQL at {self.where()}: {first}") from None

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        with conn.transaction():
            yield

    def lock_migrations(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(715517)")

    def compact(self, conn: Any) -> None:
        # Updated rows leave dead versions behind until vacuumed (autocommit: VACUUM cannot run in a transaction).
        for table in ("orders", "jobs", "problems", "webhook_deliveries", "audit_log"):
            conn.execute(f"VACUUM {table}")

    def is_lost(self, exc: BaseException) -> bool:
        import psycopg

        if self._lost_prepared(exc):
            # The server does not know this connection's prepared statements (a pooler moved it to
            # another server connection): the connection goes (what it ran was undone).
            if self.prepares and not getattr(exc, "_kit_counted", False):
                exc._kit_counted = True  # type: ignore[attr-defined]  # counted once, however often asked
                now = time.monotonic()
                self._prepared_losses = [t for t in self._prepared_losses if now - t < PREPARED_LOSS_WINDOW_S] + [now]
                if len(self._prepared_losses) > PREPARED_LOSSES_TOLERATED:
                    self.prepares = False
                    log.warning("PostgreSQL lost prepared statements again (a transaction pooler?): the kit stops "
                                "preparing them; set DATABASE_PREPARE=off to skip this step")
            return True
        # OperationalError: refused, terminated (57P01 admin shutdown), server closed the connection;
        # InterfaceError: "the connection is closed".
        return isinstance(exc, (StoreUnavailable, psycopg.OperationalError, psycopg.InterfaceError))

    @staticmethod
    def _lost_prepared(exc: BaseException) -> bool:
        sqlstate = getattr(exc, "sqlstate", None)
        # 08P01 (protocol violation) is what an old PgBouncer answers for a statement name it mixed up.
        return sqlstate in PREPARED_STATEMENT_LOST or (sqlstate == "08P01" and "prepared statement" in str(exc))

    def is_broken(self, conn: Any) -> bool:
        return bool(conn.closed or conn.broken)

    def is_stale(self, conn: Any) -> bool:
        # Still preparing after preparing was turned off: replaced when it comes back to the pool.
        return not self.prepares and getattr(conn, "prepare_threshold", None) is not None
