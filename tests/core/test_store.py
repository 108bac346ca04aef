"""The order store on SQLite and a real PostgreSQL: schema, idempotency by
constraint, forward-only states, the email lease, the rate limiter."""

from __future__ import annotations

import time

import pytest

from checkout_kit.store import Order, OrderItem, open_store
from checkout_kit.store.sql import SCHEMA_VERSION, StoreError
from tests.core.conftest import run_threads


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path}/s.db" if request.param == "sqlite" else \
        request.getfixturevalue("postgres").create_database()
    s = open_store(url)
    yield s
    s.close()


def new_order(session_id: str = "cs_test_store1", status: str = "paid") -> Order:
    return Order(session_id, status, "payment", False, "a@example.com", "A", 1500, "usd",
                 items=[OrderItem(0, "price_x", "ebook", "E-book", 1, 1500, "usd", "download",
                                  fulfillment={"type": "download", "url": "https://d.example/x"})])


def test_schema_is_created_once_with_a_recorded_version(store):
    assert store.migrate() == SCHEMA_VERSION
    assert store.migrate() == SCHEMA_VERSION  # again: nothing to do
    assert store.schema_version() == SCHEMA_VERSION


def test_concurrent_first_use_migrates_once(request, tmp_path):
    url = request.getfixturevalue("postgres").create_database()
    stores = [open_store(url) for _ in range(4)]
    try:
        assert run_threads(4, lambda i: stores[i].migrate()) == [SCHEMA_VERSION] * 4
    finally:
        for s in stores:
            s.close()


def test_order_roundtrip_and_insert_is_idempotent(store):
    with store.transaction() as tx:
        assert tx.insert_order(new_order())
    with store.transaction() as tx:
        assert not tx.insert_order(new_order())
    order = store.get_order("cs_test_store1")
    assert order.status == "paid" and order.paid_at and order.items[0].fulfillment["url"] == "https://d.example/x"
    assert store.count("orders") == 1 and store.count("order_items") == 1


def test_states_only_move_forward(store):
    with store.transaction() as tx:
        tx.insert_order(new_order(status="awaiting_payment"))
        assert not tx.advance_status("cs_test_store1", "awaiting_payment")
        assert tx.advance_status("cs_test_store1", "paid")
        assert not tx.advance_status("cs_test_store1", "payment_failed")
        assert not tx.advance_status("cs_test_store1", "paid")
    assert store.get_order("cs_test_store1").status == "paid"


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            assert tx.mark_event("evt_1", "checkout.session.completed", "cs_test_store1")
            tx.insert_order(new_order())
            raise RuntimeError("crash between effects and commit")
    assert not store.is_processed("evt_1") and store.get_order("cs_test_store1") is None


def test_concurrent_event_marks_let_exactly_one_through(store):
    def mark(i: int) -> bool:
        with store.transaction() as tx:
            return tx.mark_event("evt_race", "checkout.session.completed", "cs_x")
    assert sorted(run_threads(8, mark)) == [False] * 7 + [True]


def test_email_dedupe_and_lease(store):
    with store.transaction() as tx:
        assert tx.enqueue_email("cs_1:receipt", "cs_1", "receipt", "a@example.com", "S", "t", "h")
        assert not tx.enqueue_email("cs_1:receipt", "cs_1", "receipt", "a@example.com", "S", "t", "h")
    claims = run_threads(6, lambda i: store.claim_emails())
    assert sorted(len(c) for c in claims) == [0] * 5 + [1]
    message = next(c for c in claims if c)[0]
    assert message.attempts == 1 and message.status == "sending"
    store.release_email(message.id, "SMTP down")
    again = store.claim_emails()
    assert [m.id for m in again] == [message.id] and again[0].attempts == 2
    store.mark_sent(message.id)
    assert store.claim_emails() == [] and store.pending_email_count() == 0


def test_a_stale_claim_can_be_taken_over(store, monkeypatch):
    with store.transaction() as tx:
        tx.enqueue_email("cs_2:receipt", "cs_2", "receipt", "a@example.com", "S", "t", "h")
    assert len(store.claim_emails()) == 1
    assert store.claim_emails() == []  # leased
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    assert len(store.claim_emails()) == 1  # the sender died: the lease ran out


def test_rate_counter_is_shared_between_instances(store, request, tmp_path):
    assert [store.hit("checkout:1.2.3.4", 60) for _ in range(3)] == [1, 2, 3]
    other = open_store(store.dialect.url if hasattr(store.dialect, "url") else f"sqlite:///{store.dialect.path}")
    try:
        assert other.hit("checkout:1.2.3.4", 60) == 4
        assert other.hit("checkout:5.6.7.8", 60) == 1
    finally:
        other.close()


def test_unreachable_postgres_is_a_clear_store_error():
    store = open_store("postgresql://kit:secret-pw@127.0.0.1:9/none")
    with pytest.raises(StoreError) as info:
        store.ping()
    assert "127.0.0.1" in str(info.value) and "secret-pw" not in str(info.value)


def test_unknown_database_url():
    with pytest.raises(StoreError):
        open_store("mysql://x")
