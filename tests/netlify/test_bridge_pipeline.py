"""SQL through the Netlify bridge, pipelined as psycopg pipelines: the store's dialect
(checkout_kit/pyodide_sql.py) on CPython, talking to the real bridge (netlify/lib/bridge.mjs, its
worker and node-postgres, without Pyodide: tests/netlify/bridge_cli.mjs) and a real PostgreSQL
behind a loopback proxy that counts round trips.

A pipeline is one bridge message and one round trip to PostgreSQL; PostgreSQL's pipeline rules
hold (the first error skips the rest and says which, a batch without BEGIN commits all or
nothing); a transaction never continues on another database session."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from benchmarks.latency_proxy import LatencyProxy
from checkout_kit.pyodide_sql import BridgeConnection, BridgePostgresDialect
from checkout_kit.store.errors import StoreError, StoreUnavailable
from checkout_kit.store.sql import SqlStore
from tests.support.tools import require

CLI = Path(__file__).resolve().parent / "bridge_cli.mjs"


class Bridge:
    """bridge_cli.mjs in a Node process: `send` is the sqlBatchSync Pyodide's side calls."""

    def __init__(self, database_url: str) -> None:
        self.proc = subprocess.Popen(["node", str(CLI)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env={"PATH": os.environ["PATH"], "DATABASE_URL": database_url})
        self.messages = 0

    def send(self, statements_json: str, timeout_ms: int, session: str) -> str:
        self.messages += 1
        self.proc.stdin.write(json.dumps({"statements": json.loads(statements_json), "session": session}) + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture
def db(netlify_build, postgres) -> Iterator[tuple[str, LatencyProxy, Bridge]]:
    require("node", why="the bridge runs in Node")
    direct = postgres.create_database()
    proxy = LatencyProxy(postgres.port, delay_s=0.0)
    bridge = Bridge(direct.replace(f":{postgres.port}/", f":{proxy.port}/"))
    with psycopg.connect(direct, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)")
    yield direct, proxy, bridge
    bridge.close()
    proxy.close()


def rows(url: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT id, note FROM t ORDER BY id").fetchall()


def trips(proxy: LatencyProxy, bridge: Bridge, work) -> tuple[int, int]:
    """(bridge messages, round trips to PostgreSQL) that `work()` cost."""
    messages, before = bridge.messages, proxy.snapshot().round_trips
    work()
    return bridge.messages - messages, proxy.snapshot().round_trips - before


def test_a_pipeline_is_one_message_and_one_round_trip(db):
    url, proxy, bridge = db
    conn = BridgeConnection(bridge.send)
    conn.execute("SELECT 1")  # connected
    cursors = []

    def work() -> None:
        with conn.pipeline():
            cursors.append(conn.execute("INSERT INTO t VALUES (?, ?) ON CONFLICT (id) DO NOTHING", (1, "a")))
            cursors.append(conn.execute("INSERT INTO t VALUES (?, ?) ON CONFLICT (id) DO NOTHING", (1, "again")))
            cursors.append(conn.execute("SELECT id, note FROM t WHERE id = ?", (1,)))
            cursors.append(conn.execute("UPDATE t SET note = ? WHERE id > ?", ("b", 5)))
    assert trips(proxy, bridge, work) == (1, 1)
    first, repeat, select, update = cursors
    assert (first.rowcount, repeat.rowcount, update.rowcount) == (1, 0, 0)
    assert select.fetchall() == [(1, "a")] and select.description and first.description is None
    assert conn.session == ""  # no transaction left open


def test_reading_inside_a_pipeline_sends_what_is_queued(db):
    url, proxy, bridge = db
    conn = BridgeConnection(bridge.send)
    with conn.pipeline() as pipeline:
        conn.execute("INSERT INTO t VALUES (?, ?)", (1, "a"))
        count = conn.execute("SELECT COUNT(*) FROM t")
        assert bridge.messages == 0
        assert count.fetchone() == (1,) and bridge.messages == 1  # the read sent both, as psycopg does
        conn.execute("INSERT INTO t VALUES (?, ?)", (2, "b"))
        pipeline.sync()
        assert bridge.messages == 2
    assert bridge.messages == 2 and rows(url) == [(1, "a"), (2, "b")]  # nothing left to send at the end


def test_the_first_error_skips_the_rest_and_the_batch_commits_nothing(db):
    url, proxy, bridge = db
    conn = BridgeConnection(bridge.send)
    with pytest.raises(StoreError, match=r"23505.*statement 2 of 3 in a pipeline"):
        with conn.pipeline():
            ok = conn.execute("INSERT INTO t VALUES (?, ?)", (1, "a"))
            conn.execute("INSERT INTO t VALUES (?, ?)", (1, "duplicate key"))
            skipped = conn.execute("INSERT INTO t VALUES (?, ?)", (3, "c"))
    assert ok.rowcount == 1  # it ran, in the batch's implicit transaction, which the error rolled back
    with pytest.raises(StoreError, match="skipped"):
        skipped.rowcount
    assert rows(url) == [] and conn.session == ""
    assert conn.execute("INSERT INTO t VALUES (?, ?)", (4, "d")).rowcount == 1  # the connection goes on
    assert rows(url) == [(4, "d")]


def test_a_transaction_never_continues_on_another_session(db, postgres):
    url, proxy, bridge = db
    conn = BridgeConnection(bridge.send)
    with conn.pipeline() as pipeline:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES (?, ?)", (1, "a"))
        pipeline.sync()
        assert conn.session  # the answer said a transaction is open, and on which session
        with psycopg.connect(url, autocommit=True) as admin:  # the server drops that session
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'checkout-kit-netlify'")
        conn.execute("INSERT INTO t VALUES (?, ?)", (2, "b"))
        conn.execute("COMMIT")
        with pytest.raises(StoreUnavailable):
            pipeline.sync()  # refused by the worker: not run on a new connection
    assert conn.broken and rows(url) == []
    fresh = BridgeConnection(bridge.send)  # outside a transaction the worker reconnects
    assert fresh.execute("SELECT COUNT(*) FROM t").fetchone() == (0,) and fresh.session == ""


def test_the_store_batches_and_pipelined_transactions_are_one_message_each(db):
    url, proxy, bridge = db
    store = SqlStore(BridgePostgresDialect(url, bridge.send))
    store.migrate()
    try:
        with store.transaction(batch=True) as tx:  # BEGIN, the writes and COMMIT: one message
            fresh = tx.use_token("tok_1", "test")
            again = tx.use_token("tok_1", "test")
        assert fresh.get() is True and again.get() is False
        assert trips(proxy, bridge, lambda: store.is_processed("evt_x")) == (1, 1)

        def failing() -> None:
            with pytest.raises(StoreError):
                with store.transaction(batch=True) as tx:
                    tx.use_token("tok_2", "test")
                    tx.forget_token("tok_1", "test")
                    tx._exec("SELECT 1 / 0")
        messages, _ = trips(proxy, bridge, failing)
        assert messages == 2  # the batch, then the ROLLBACK that ends its failed transaction
        assert store.pool.open_connections == 1 and store.is_processed("evt_x") is False
        with psycopg.connect(url, autocommit=True) as conn:  # nothing of the failed transaction stayed
            assert conn.execute("SELECT token_id FROM used_tokens").fetchall() == [("tok_1",)]
    finally:
        store.close()
