"""SQL through the Netlify bridge, pipelined as psycopg pipelines: the store's dialect
(checkout_kit/pyodide_sql.py) on CPython, talking to the real bridge (netlify/lib/bridge.mjs, its
worker and node-postgres, without Pyodide: tests/netlify/bridge_cli.mjs) and a real PostgreSQL
behind a loopback proxy that counts round trips.

A pipeline is one bridge message and one round trip to PostgreSQL; PostgreSQL's pipeline rules
hold (the first error skips the rest and says which, a batch without BEGIN commits all or
nothing); a transaction never continues on another database session."""

from __future__ import annotations

import json
import threading
from typing import Iterator

import psycopg
import pytest

from benchmarks.latency_proxy import COUNTING_DELAY_S, LatencyProxy
from checkout_kit.pyodide_sql import BridgeConnection, BridgePostgresDialect
from checkout_kit.store.errors import StoreError, StoreUnavailable
from checkout_kit.store.sql import SCHEMA_CHECK, SqlStore
from tests.netlify.conftest import Bridge


@pytest.fixture
def db(netlify_build, postgres) -> Iterator[tuple[str, LatencyProxy, Bridge]]:
    direct = postgres.create_database()
    proxy = LatencyProxy(postgres.port, delay_s=COUNTING_DELAY_S)
    bridge = Bridge(proxy.through(direct))
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


def test_a_statement_sent_ahead_answers_the_first_identical_one_without_a_round_trip(db):
    url, proxy, bridge = db
    conn = BridgeConnection(bridge.send)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION)")
    conn.execute("INSERT INTO schema_migrations VALUES (1, 0), (2, 0)")
    before, messages = proxy.snapshot().round_trips, bridge.messages
    bridge.call("prefetchSql", json.dumps([[SCHEMA_CHECK, []]]))  # what install() sends for a new instance
    with psycopg.connect(url, autocommit=True) as admin:  # another instance migrates meanwhile: harmless,
        admin.execute("INSERT INTO schema_migrations VALUES (3, 0)")  # as versions only grow
    first = conn.execute(SCHEMA_CHECK).fetchall()
    assert {(1,), (2,)} <= set(first)  # the answer sent ahead (with or without version 3)
    assert proxy.snapshot().round_trips - before == 1  # the statement sent ahead, not another
    assert bridge.messages - messages == 1 and bridge.counts["prefetch"] == 1
    before = proxy.snapshot().round_trips
    assert sorted(conn.execute(SCHEMA_CHECK).fetchall()) == [(1,), (2,), (3,)]  # used once: now from the server
    assert proxy.snapshot().round_trips - before == 1



def posting(bridge: Bridge) -> BridgeConnection:
    """A connection whose posted writes go through the bridge's postSql, as Pyodide's does."""
    return BridgeConnection(bridge.send, lambda statements: bridge.call("postSql", statements))


def test_a_posted_write_is_not_waited_for_and_is_over_before_anything_sent_after_it(db):
    url, proxy, bridge = db
    conn = posting(bridge)
    conn.execute("SELECT 1")  # connected
    with psycopg.connect(url) as admin:  # holds a lock the write needs until this block commits
        admin.execute("LOCK TABLE t IN EXCLUSIVE MODE")
        assert conn.post("INSERT INTO t VALUES (?, ?)", (1, "posted")) is True  # returned: nobody waits
        assert admin.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)  # the write is still blocked
        assert bridge.messages == 1 and bridge.counts["posted"] == 1 and bridge.counts["sqlBatch"] == 2
    # The next statement waits its turn behind the write, so it sees it.
    assert conn.execute("SELECT id, note FROM t").fetchall() == [(1, "posted")]
    # A posted write that fails is logged by the worker and leaves the bridge working.
    assert conn.post("INSERT INTO no_such_table VALUES (?)", (1,)) is True
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone() == (1,)


def test_a_posted_write_that_loses_the_connection_is_over_before_the_next_batch_reconnects(db):
    url, proxy, bridge = db
    conn = posting(bridge)
    conn.execute("INSERT INTO t VALUES (?, ?)", (1, "a"))
    assert conn.post("SELECT pg_terminate_backend(pg_backend_pid())") is True  # its session ends
    # Sent after it: runs once the loss is known, on a new connection (not on the dying one).
    assert conn.execute("SELECT note FROM t").fetchall() == [("a",)]


def test_settled_is_a_promise_of_the_posted_writes_being_over(db):
    url, proxy, bridge = db
    assert bridge.call("settled") is None  # nothing posted: nothing to wait for
    conn = posting(bridge)
    conn.execute("SELECT 1")
    admin = psycopg.connect(url)
    admin.execute("LOCK TABLE t IN EXCLUSIVE MODE")
    assert conn.post("INSERT INTO t VALUES (?, ?)", (1, "posted")) is True
    threading.Timer(1.0, admin.commit).start()  # the lock goes (once settled() waits), and the write with it
    try:
        assert bridge.call("settled") == {"settled": True}  # answered once the write is over…
        assert rows(url) == [(1, "posted")]  # …so it is there, with no other message sent
    finally:
        admin.close()
    assert bridge.call("settled") is None


def test_a_write_is_not_posted_inside_a_transaction_or_a_pipeline_or_without_the_bridge(db):
    url, proxy, bridge = db
    posted: list[str] = []
    conn = BridgeConnection(bridge.send, posted.append)
    conn.execute("BEGIN")
    assert conn.session and conn.post("INSERT INTO t VALUES (?, ?)", (1, "a")) is False
    conn.execute("ROLLBACK")
    with conn.pipeline():
        assert conn.post("INSERT INTO t VALUES (?, ?)", (1, "a")) is False
    assert BridgeConnection(bridge.send).post("INSERT INTO t VALUES (?, ?)", (1, "a")) is False
    assert posted == [] and rows(url) == []
    # The store then writes as usual, waiting for the answer: the row is there at once.
    store = SqlStore(BridgePostgresDialect(url, bridge.send))
    try:
        store.record_intent("cs_test_unposted", 1500, "usd", False)
        assert store.count("checkout_intents") == 1
    finally:
        store.close()
