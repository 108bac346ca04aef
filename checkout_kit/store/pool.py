"""Connections with a lifecycle: bounded, reused, replaced when broken.

A process holds at most `dialect.pool_size` connections (one for SQLite, a
small pool for PostgreSQL), whatever the number of threads or requests: the
dev server and Vercel's runtime start a thread per request, and a connection
per thread leaked one connection (and, on SQLite, two file handles) each.

A thread that already holds a connection (inside a transaction) gets the same
one again, so a query made during a transaction sees it and a pool of one
cannot deadlock. A connection that failed with a lost-connection error is
closed and dropped; the next caller opens a fresh one.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

from checkout_kit.store.dialects import Dialect
from checkout_kit.store.errors import StoreUnavailable

log = logging.getLogger("checkout_kit.store")

DEFAULT_WAIT_S = 10.0
# A pooled connection idle longer than this is checked (one round trip) before it is lent: poolers'
# idle timeouts and Neon's autosuspend end connections after minutes, and a transaction's pipelined
# statements cannot be replayed on a new connection once they have gone out.
IDLE_CHECK_S = 30.0


class _Held:
    __slots__ = ("conn", "depth", "fresh")

    def __init__(self, conn: Any, fresh: bool) -> None:
        self.conn = conn
        self.depth = 0
        self.fresh = fresh  # opened for this checkout (not reused from the idle list)


class ConnectionPool:
    def __init__(self, dialect: Dialect, wait_s: float = DEFAULT_WAIT_S) -> None:
        self.dialect = dialect
        self.size = max(1, dialect.pool_size)
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[tuple[Any, float]] = []  # (connection, when it was returned)
        self._open = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._closed = False

    @property
    def open_connections(self) -> int:
        return self._open

    def held(self) -> _Held | None:
        """The connection this thread holds right now, if any."""
        return getattr(self._local, "held", None)

    @contextmanager
    def connection(self) -> Iterator[_Held]:
        """Lend a connection to this thread for the block (the same one when nested)."""
        held = self.held()
        if held is not None:
            held.depth += 1
            try:
                yield held
            finally:
                held.depth -= 1
            return
        if not self._slots.acquire(timeout=self.wait_s):
            raise StoreUnavailable(f"all {self.size} database connections stayed busy for {self.wait_s:.0f} s")
        try:
            held = self._checkout()
        except BaseException:
            self._slots.release()
            raise
        self._local.held = held
        keep = True
        try:
            yield held
        except BaseException as exc:
            if self.dialect.is_lost(exc) or held.conn is None or self.dialect.is_broken(held.conn):
                keep = False
                if not isinstance(exc, StoreUnavailable):
                    raise StoreUnavailable(f"lost the database connection ({self.dialect.where()}): "
                                           f"{_first_line(exc)}") from None
            raise
        finally:
            self._local.held = None
            if held.conn is not None:  # None: it was dropped and no replacement could be opened
                self._checkin(held.conn, keep and not self.dialect.is_broken(held.conn)
                              and not self.dialect.is_stale(held.conn))
            self._slots.release()

    def discard_held(self) -> None:
        """Drop this thread's connection (it failed before any work was done) and open another.

        If no other can be opened (StoreUnavailable), the thread holds none: the dropped one is
        closed and counted closed once, not again when the block ends.
        """
        held = self.held()
        if held is None:
            return
        dead, held.conn = held.conn, None
        self._close(dead)
        held.conn = self._connect()
        held.fresh = True

    def _checkout(self) -> _Held:
        while True:
            with self._lock:
                if not self._idle:
                    break
                conn, returned = self._idle.pop()
            if not self.dialect.is_broken(conn) and not self.dialect.is_stale(conn) and (
                    time.monotonic() - returned < IDLE_CHECK_S or self._alive(conn)):
                return _Held(conn, fresh=False)
            self._close(conn)
        return _Held(self._connect(), fresh=True)

    def _alive(self, conn: Any) -> bool:
        try:
            self.dialect.ping(conn)
            return True
        except Exception as exc:  # lost, or in a state no request should inherit: replaced either way
            if not self.dialect.is_lost(exc):
                log.warning("pooled connection failed its check (%s); replaced", type(exc).__name__)
            return False

    def _connect(self) -> Any:
        conn = self.dialect.connect()
        with self._lock:
            self._open += 1
        return conn

    def _checkin(self, conn: Any, keep: bool) -> None:
        with self._lock:
            if keep and not self._closed:
                self._idle.append((conn, time.monotonic()))
                return
        self._close(conn)

    def _close(self, conn: Any) -> None:
        with self._lock:
            self._open -= 1
        _quiet_close(conn)

    def close(self) -> None:
        """Close the idle connections; connections in use close when returned."""
        with self._lock:
            self._closed = True
            idle, self._idle = [c for c, _ in self._idle], []
            self._open -= len(idle)
        for conn in idle:
            _quiet_close(conn)


def _quiet_close(conn: Any) -> None:
    try:
        conn.close()
    except Exception:
        pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0][:200] if text else type(exc).__name__)
