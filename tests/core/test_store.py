"""The order store on SQLite and a real PostgreSQL: schema, idempotency by
constraint, forward-only states, the email lease, the rate limiter."""

from __future__ import annotations

import time

import pytest

from checkout_kit.store import Order, OrderItem, open_store
from checkout_kit.store.sql import SCHEMA_VERSION, StoreError, StoreUnavailable
from tests.core.conftest import run_threads


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
        assert tx.insert_order(new_order(status="awaiting_payment"), advance=True)
        assert not tx.insert_order(new_order(status="awaiting_payment"), advance=True)
        assert tx.insert_order(new_order(status="paid"), advance=True)
        assert not tx.insert_order(new_order(status="payment_failed"), advance=True)
        assert not tx.insert_order(new_order(status="paid"), advance=True)
    order = store.get_order("cs_test_store1")
    assert order.status == "paid" and order.paid_at
    assert store.count("orders") == 1 and store.count("order_items") == 1


def test_a_paid_order_fills_in_only_lines_still_pending(store):
    """An order that awaited its payment takes its lines' fulfillment when paid; a later delivery of
    the payment leaves a line that moved on since (shipped, say) as it is."""
    waiting = new_order(status="awaiting_payment")
    waiting.items[0].fulfillment = {}
    with store.transaction() as tx:
        tx.insert_order(waiting, advance=True)
    paid = new_order(status="paid")
    paid.items[0].fulfillment_status = "fulfilled"  # as the line's kind planned it
    with store.transaction() as tx:
        assert tx.insert_order(paid, advance=True)
    item = store.get_order("cs_test_store1").items[0]
    assert item.fulfillment_status == "fulfilled" and item.fulfillment["url"] == "https://d.example/x"
    with store.transaction() as tx:
        tx.set_item_fulfillment("cs_test_store1", 0, "shipped", {"tracking": "T1"})
    again = new_order(status="paid")
    again.items[0].fulfillment_status = "pending"
    with store.transaction() as tx:
        assert not tx.insert_order(again, advance=True)
    item = store.get_order("cs_test_store1").items[0]
    assert item.fulfillment_status == "shipped" and item.fulfillment == {"tracking": "T1"}


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


def queue(store, key: str = "cs_1:receipt", **kwargs):
    with store.transaction() as tx:
        return tx.enqueue_job(key, "email", {"template": "receipt", "to": "a@example.com"}, "cs_1", **kwargs)


def test_jobs_are_queued_once_per_key_and_claimed_by_one_worker(store):
    assert queue(store) is not None
    assert queue(store) is None  # the same key again: nothing new
    claims = run_threads(6, lambda i: store.claim_jobs(f"token-{i}", 30))
    assert sorted(len(c) for c in claims) == [0] * 5 + [1]
    job = next(c for c in claims if c)[0]
    assert job.attempts == 1 and job.status == "running" and job.lease_token.startswith("token-")
    assert store.retry_job(job, "SMTP down", run_after=time.time() - 1)
    again = store.claim_jobs("token-again", 30)
    assert [j.id for j in again] == [job.id] and again[0].attempts == 2 and again[0].last_error == "SMTP down"
    assert store.complete_jobs([(again[0], {"subject": "S"})]) == []  # none taken over
    assert store.claim_jobs("token-late", 30) == [] and store.pending_job_count() == 0
    assert store.emails("cs_1")[0].status == "sent" and store.emails("cs_1")[0].subject == "S"


def test_a_job_waits_out_its_backoff(store):
    queue(store)
    [job] = store.claim_jobs("t1", 30)
    store.retry_job(job, "refused", run_after=time.time() + 60)
    assert store.claim_jobs("t2", 30) == []  # not due yet
    assert [j.id for j in store.claim_jobs("t3", 30, waiting_since=time.time() + 1)] == [job.id]  # the owner's retry


def test_only_the_lease_holder_can_finish_or_release_a_job(store, monkeypatch):
    queue(store)
    [slow] = store.claim_jobs("slow-worker", 30)
    later = time.time() + 31
    monkeypatch.setattr(time, "time", lambda: later)
    [taken] = store.claim_jobs("second-worker", 30)  # the lease ran out: another worker takes over
    assert taken.id == slow.id and taken.lease_token == "second-worker"
    assert store.complete_jobs([(taken, {"subject": "S"})]) == []
    # The first worker wakes up: whatever it reports changes nothing (no third copy queued again).
    assert not store.retry_job(slow, "timed out", run_after=later)
    assert store.complete_jobs([(slow, None)]) == [slow]  # its lease was taken over
    assert not store.give_up_job(slow, "gave up")
    assert store.jobs()[0].status == "done" and store.claim_jobs("third", 30) == []


def test_a_job_queued_leased_is_taken_over_only_after_its_lease(store, monkeypatch):
    queue(store, lease_token="request-1", lease_s=20)
    assert store.claim_jobs("other", 30) == []  # the request that queued it is sending it
    later = time.time() + 21
    monkeypatch.setattr(time, "time", lambda: later)
    assert len(store.claim_jobs("other", 30)) == 1  # it crashed after commit: the lease ran out


def test_unclaimed_jobs_go_back_without_an_attempt(store):
    queue(store, "k1")
    queue(store, "k2")
    jobs = store.claim_jobs("t", 30)
    store.unclaim_jobs(jobs[1:])
    [back] = store.claim_jobs("t2", 30)
    assert back.key == "k2" and back.attempts == 1


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
    with pytest.raises(StoreUnavailable) as info:
        store.ping()
    assert "127.0.0.1" in str(info.value) and "secret-pw" not in str(info.value)


def test_unknown_database_url():
    with pytest.raises(StoreError):
        open_store("mysql://x")


def test_a_windows_first_hit_sweeps_windows_older_than_two_days_and_later_hits_do_not(store):
    def leftovers() -> int:
        return store._query("SELECT COUNT(*) FROM rate_limits WHERE bucket = 'ip:gone'")[0][0]

    def old_window() -> None:
        store._write("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, ?)",
                     ("ip:gone", int(time.time()) // 86400 * 86400 - 3 * 86400, 7))

    old_window()
    assert store.hit("ip:sweeper", 86400) == 1 and leftovers() == 0  # the window's first hit sweeps
    old_window()
    assert store.hit("ip:sweeper", 86400) == 2 and leftovers() == 1  # a later one leaves it
