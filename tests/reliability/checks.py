"""What must hold after every fault: read from the database and the mail servers, not from
the answers the kit gave (answers can be lost; the database and the inbox are the truth)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from tests.reliability.stripe_side import EVENT, LINES, Paid


def assert_orders_complete(store: Any, paid: list[Paid]) -> None:
    """One paid order per session with every one of its lines, and nothing half-written:
    no other order, no order short of items, no processed event without its order."""
    assert store.count("orders") == len(paid)
    assert store.count("order_items") == len(paid) * len(LINES)
    short = store._query("SELECT o.session_id FROM orders o LEFT JOIN order_items i ON i.session_id = o.session_id "
                         "GROUP BY o.session_id HAVING COUNT(i.session_id) <> ?", (len(LINES),))
    assert short == [], f"orders recorded without all their items: {short[:5]}"
    orphans = store._query("SELECT e.event_id FROM processed_events e LEFT JOIN orders o ON o.session_id = e.object_id "
                           "WHERE e.event_type = ? AND o.session_id IS NULL", (EVENT,))
    assert orphans == [], f"events marked processed without their order: {orphans[:5]}"
    for one in paid:
        order = store.get_order(one.session_id)
        assert order is not None and order.status == "paid", (one.session_id, order)
        assert order.customer_email == one.email
        assert [(i.price_id, i.quantity) for i in order.items] == list(LINES)
        assert store.is_processed(one.event_id)


def assert_receipt_jobs_done(store: Any, paid: list[Paid]) -> None:
    """Each order queued exactly one receipt, and it is done (nothing pending, leased or failed)."""
    jobs = store.jobs(kind="email")
    assert sorted(j.key for j in jobs) == sorted(f"{p.session_id}:receipt" for p in paid)
    assert [j.key for j in jobs if j.status != "done"] == []


def assert_outbox_drained(cron: Any, store: Any) -> None:
    """The scheduler's pass (GET /api/cron/outbox) answered and left no job behind."""
    unfinished = [(j.key, j.status, j.attempts, j.last_error) for j in store.jobs() if j.status != "done"]
    assert cron.status == 200 and cron.json()["pending"] == 0, (cron.body, unfinished[:5])


def receipts_smtp(messages: Iterable[Any]) -> Counter[str]:
    """Receipts the SMTP server accepted, per recipient (every copy counts)."""
    return Counter(str(m["To"]) for m in messages if "receipt" in str(m["Subject"]).lower())


def receipts_api(delivered: Iterable[dict[str, Any]]) -> Counter[str]:
    """Receipts the mail API actually sent, per recipient (repeats its idempotency key caught are not here)."""
    return Counter(to for email in delivered if "receipt" in email["subject"].lower() for to in email["to"])


def assert_once_each(receipts: Counter[str], paid: list[Paid]) -> None:
    missing = [p.email for p in paid if receipts[p.email] == 0]
    doubled = {to: n for to, n in receipts.items() if n > 1}
    strangers = set(receipts) - {p.email for p in paid}
    assert not missing and not doubled and not strangers, \
        f"missing {len(missing)} {missing[:3]}, doubled {doubled}, unexpected {strangers}"


def assert_storm_recorded(database_url: str, run: Any, smtp: Any) -> None:
    """After a storm (`storm.run_storm`): every delivery answered 200 and each event did its work
    once, no server logged a trace, every order is complete and its receipt sent once."""
    from checkout_kit.store import open_store

    report, paid = run.report, run.paid
    assert report.statuses == {200: len(report.answers)}, [a for a in report.answers if a.status != 200][:5]
    assert [a.outcome for a in report.answers].count("fulfilled") == len(paid)  # the others found it done
    assert "Traceback" not in run.logs
    store = open_store(database_url)
    try:
        assert_orders_complete(store, paid)
        assert_receipt_jobs_done(store, paid)
    finally:
        store.close()
    smtp.wait_for(lambda messages: len(messages) >= len(paid), timeout=60)
    assert_once_each(receipts_smtp(smtp.messages), paid)
