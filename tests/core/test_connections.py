"""Connections with a lifecycle, on SQLite and a real PostgreSQL: bounded whatever the
number of threads, replaced when the server ends them, and a lost database answered
with 503 + Retry-After so the caller (Stripe) retries."""

from __future__ import annotations

import os
import threading
import time

import psycopg
import pytest

from checkout_kit.store import Order, OrderItem, StoreUnavailable, open_store
from tests.core.conftest import http, run_threads, shop_env, start_shop
from tests.support.servers import free_port


def order(session_id: str) -> Order:
    return Order(session_id, "paid", "payment", False, "a@example.com", "A", 1500, "usd",
                 items=[OrderItem(0, "price_x", "ebook", "E-book", 1, 1500, "usd", "download")])


def backends(admin_url: str, database: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s", (database,)).fetchone()[0]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_thread_per_request_leaves_a_bounded_pool_on_postgres(postgres):
    """200 requests, each on its own short-lived thread (as Vercel's runtime and the dev server serve
    them), 8 at a time: the server never sees more than the pool's connections, and none leak."""
    url = postgres.create_database()
    database = url.rsplit("/", 1)[1]
    store = open_store(url, pool_size=3)
    try:
        peak = [0]

        def request(i: int) -> None:
            with store.transaction() as tx:
                tx.insert_order(order(f"cs_test_pool{i:04d}"))
                peak[0] = max(peak[0], store.open_connections)
            store.get_order(f"cs_test_pool{i:04d}")

        for batch in range(25):
            threads = [threading.Thread(target=request, args=(batch * 8 + n,)) for n in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        assert store.count("orders") == 200
        assert peak[0] <= 3 and store.open_connections <= 3
        assert backends(postgres.url(), database) <= 3
    finally:
        store.close()
    # Closed, not abandoned: each backend exits once it reads the goodbye (a moment later under load).
    deadline = time.monotonic() + 10
    while backends(postgres.url(), database) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backends(postgres.url(), database) == 0


def test_a_thread_per_request_uses_one_sqlite_connection(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/o.db")
    try:
        store.ping()
        before = open_fds()
        for batch in range(25):
            run_threads(8, lambda i, b=batch: _insert(store, f"cs_test_sq{b}_{i}"))
        assert store.count("orders") == 200
        assert store.open_connections == 1
        assert open_fds() <= before + 2  # no file handles left behind per request
    finally:
        store.close()


def _insert(store, session_id: str) -> None:
    with store.transaction() as tx:
        tx.insert_order(order(session_id))


def kill_backends(admin_url: str, database: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", (database,)).fetchone()[0]


def test_a_connection_the_server_ended_is_replaced_transparently(postgres):
    """What Neon's autosuspend or a pooler's idle timeout does to a long-lived worker: the next
    statement and the next transaction find the pooled connection dead and use a new one."""
    url = postgres.create_database()
    database = url.rsplit("/", 1)[1]
    store = open_store(url, pool_size=1)
    try:
        store.ping()
        assert kill_backends(postgres.url(), database) == 1
        assert store.get_order("cs_test_none") is None  # a statement: retried on a new connection
        assert kill_backends(postgres.url(), database) == 1
        with store.transaction() as tx:  # a transaction: its BEGIN found the connection dead
            tx.insert_order(order("cs_test_after_kill"))
        assert store.get_order("cs_test_after_kill").status == "paid"
        assert store.open_connections == 1
    finally:
        store.close()


def test_a_transaction_that_loses_its_connection_rolls_back_and_the_next_one_works(postgres):
    url = postgres.create_database()
    database = url.rsplit("/", 1)[1]
    store = open_store(url, pool_size=1)
    try:
        store.ping()
        with pytest.raises(StoreUnavailable):
            with store.transaction() as tx:
                tx.mark_event("evt_lost", "checkout.session.completed", "cs_test_lost")
                kill_backends(postgres.url(), database)
                tx.insert_order(order("cs_test_lost"))  # the connection is gone mid-transaction
        assert not store.is_processed("evt_lost") and store.get_order("cs_test_lost") is None
        with store.transaction() as tx:
            assert tx.mark_event("evt_lost", "checkout.session.completed", "cs_test_lost")
            tx.insert_order(order("cs_test_lost"))
        assert store.is_processed("evt_lost") and store.get_order("cs_test_lost") is not None
    finally:
        store.close()


def test_every_route_answers_503_with_retry_after_when_the_database_is_down(tmp_path, smtp):
    """PostgreSQL unreachable: the buyer, Stripe and the scheduler are told to come back later —
    never a 500, never a trace. The limiter is on, so even create-checkout-session needs the store."""
    down = f"postgresql://kit:pw@127.0.0.1:{free_port()}/shop"
    shop = start_shop(shop_env(down, smtp, RATE_LIMIT_PER_MINUTE="30", CRON_SECRET="cron-secret-value-123"), smtp)
    try:
        answers = [
            shop.checkout({"priceId": "price_test_ebook"}),
            shop.deliver({"id": "evt_db_down", "object": "event", "type": "checkout.session.completed",
                          "data": {"object": {"id": "cs_test_dbdown"}}}),
            shop.summary("cs_test_dbdown"),
            http("GET", f"{shop.url}/api/cron/outbox", headers={"Authorization": "Bearer cron-secret-value-123"}),
        ]
        for answer in answers:
            assert answer.status == 503, answer.body
            assert answer.headers["Retry-After"].isdigit()
            assert answer.json()["error"]["code"] == "database_unavailable"
            assert b"Traceback" not in answer.body and b"pw@" not in answer.body
    finally:
        shop.dev.stop()


def test_a_dead_connection_that_cannot_be_replaced_is_counted_once(postgres):
    """The server ended the pooled connection and then went away: the statement that found it dead
    drops it and cannot open another (503). The pool must count that one connection closed once,
    so open_connections stays true (it was -1 when the failed replacement closed it again)."""
    url = postgres.create_database()
    database = url.rsplit("/", 1)[1]
    store = open_store(url, pool_size=1)
    try:
        store.ping()
        assert store.open_connections == 1
        store.dialect.url = f"postgresql://kit:pw@127.0.0.1:{free_port()}/{database}"  # from now on: unreachable
        assert kill_backends(postgres.url(), database) == 1
        with pytest.raises(StoreUnavailable):
            store.get_order("cs_test_unreachable")
        assert store.open_connections == 0
    finally:
        store.close()


def test_statements_a_connection_repeats_are_prepared_on_the_server(postgres):
    """The webhook's statements run again and again: PostgreSQL parses and plans them once."""
    store = open_store(postgres.create_database(), pool_size=1, prepare="on")
    try:
        for n in range(8):
            store.is_processed(f"evt_prepared_{n}")
        with store.pool.connection() as held:
            prepared = held.conn.execute("SELECT statement FROM pg_prepared_statements").fetchall()
        assert any("FROM processed_events WHERE event_id" in row[0] for row in prepared)
    finally:
        store.close()


@pytest.mark.parametrize("url, setting, prepares", [
    ("postgresql://u:p@db.example:5432/shop", "auto", True),
    ("postgresql://u:p@db.example/shop", "auto", True),  # PostgreSQL's own port
    ("postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres", "auto", False),  # transaction pooler
    ("postgresql://u:p@pgbouncer.internal:6432/shop", "auto", False),  # PgBouncer's port
    ("postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres", "on", True),
    ("postgresql://u:p@db.example:5432/shop", "off", False),
])
def test_database_prepare_chooses_whether_statements_are_prepared(url, setting, prepares):
    assert open_store(url, prepare=setting).dialect.prepares is prepares


@pytest.mark.parametrize("url, environ, prepares", [
    ("postgresql://u:p@db.example/shop?port=6432", {}, False),  # libpq's ?port=
    ("postgresql://u:p@db.example/shop", {"PGPORT": "6543"}, False),  # libpq's PGPORT
    ("postgresql://u:p@db.example:5432/shop", {"PGPORT": "6543"}, True),  # the URL's own port wins
])
def test_database_prepare_auto_reads_the_port_as_libpq_does(url, environ, prepares):
    from checkout_kit.store.dialects import prepares_by_default

    assert prepares_by_default(url, environ) is prepares


def lose_prepared_statements(store) -> None:
    """Run the statement `is_processed` uses until it is prepared, then drop it on the server behind
    psycopg's back (libpq directly): what landing on another server connection looks like."""
    for n in range(8):
        assert not store.is_processed(f"evt_lost_prepared_{n}")
    with store.pool.connection() as held:
        held.conn.pgconn.exec_(b"DEALLOCATE ALL")


def test_prepared_statements_lost_twice_turn_preparing_off_and_the_statement_is_retried(postgres):
    """Behind a transaction pooler that cannot keep them, a prepared statement may be missing on the
    server connection a statement lands on: that statement goes again on a new connection. Once may
    be a fluke (the new connection prepares again); the second time the process stops preparing,
    and every connection it opens from then on prepares nothing (DATABASE_PREPARE=auto heals itself)."""
    store = open_store(postgres.create_database(), pool_size=1, prepare="on")
    try:
        lose_prepared_statements(store)
        assert store.is_processed("evt_lost_prepared_0") is False  # failed once, then ran again
        assert store.dialect.prepares is True
        lose_prepared_statements(store)
        with store.transaction() as tx:  # a transaction whose statements are not prepared: unaffected
            tx.mark_event("evt_kept", "checkout.session.completed", "cs_test_kept")
        assert store.is_processed("evt_kept")  # failed again, then ran again
        assert store.dialect.prepares is False
        with store.pool.connection() as held:
            assert held.conn.prepare_threshold is None
            assert held.conn.execute("SELECT COUNT(*) FROM pg_prepared_statements").fetchone()[0] == 0
    finally:
        store.close()


@pytest.mark.parametrize("batch", [False, True], ids=["transaction", "pipelined transaction"])
def test_a_prepared_statement_lost_inside_a_transaction_rolls_it_back_as_a_lost_connection(postgres, batch):
    """Inside a transaction the statement cannot simply go again: the transaction rolls back and the
    caller hears the database is unavailable (a webhook answers 503 and Stripe retries); the next
    transaction runs on a new connection. Webhooks use the pipelined kind."""
    store = open_store(postgres.create_database(), pool_size=1, prepare="on")
    try:
        lose_prepared_statements(store)
        with pytest.raises(StoreUnavailable):
            with store.transaction(batch=batch) as tx:
                tx.mark_event("evt_rolled_back", "checkout.session.completed", "cs_test_rb")
                store.is_processed("evt_lost_prepared_0")  # the statement that was prepared, in this transaction
        assert not store.is_processed("evt_rolled_back")
        with store.transaction() as tx:
            assert tx.mark_event("evt_rolled_back", "checkout.session.completed", "cs_test_rb")
        assert store.is_processed("evt_rolled_back")
    finally:
        store.close()
