"""The job outbox through the running shop: emails a crash stranded are picked up once their
lease runs out, by every path that runs jobs; one bad email never blocks the others; a broken
template never stops an order from being recorded."""

from __future__ import annotations

import time

import pytest

from checkout_kit import emails, outbox
from tests.core.conftest import CUSTOMER, MERCHANT, http
from tests.support.outbox import expire_leases, make_due

CRON = "cron-secret-value-123"


def paid_order_with_stranded_emails(shop, monkeypatch) -> str:
    """A paid order whose process died right after commit: its emails are queued, leased, unsent."""
    monkeypatch.setattr(outbox, "after_commit", lambda *args, **kwargs: outbox.PassResult())
    monkeypatch.setattr(outbox, "perform_all", lambda *args, **kwargs: outbox.PassResult())
    session_id = shop.new_session()
    shop.pay(session_id)
    shop.wait_order(session_id)
    shop.settle_deliveries()
    monkeypatch.undo()
    assert sorted((m.kind, m.status) for m in shop.store.emails(session_id)) == \
        [("merchant_order", "sending"), ("receipt", "sending")]
    assert shop.smtp.messages == []
    return session_id


def redeliver(shop, session_id: str) -> None:
    [event] = [e for e in shop.events("checkout.session.completed") if e["data"]["object"]["id"] == session_id]
    answer = shop.deliver(event)
    assert answer.status == 200 and answer.json()["outcome"] == "duplicate_event"


def run_cron(shop, session_id: str) -> None:
    answer = http("GET", f"{shop.url}/api/cron/outbox", headers={"Authorization": f"Bearer {CRON}"})
    assert answer.status == 200 and answer.json()["done"] == 2


def open_success_page(shop, session_id: str) -> None:
    assert shop.summary(session_id).status == 200


def owner_retries(shop, session_id: str) -> None:
    from checkout_kit import services as services_module
    from checkout_kit.admin import jobs_retry

    services_module._shared = shop.services
    try:
        assert jobs_retry() == 0
    finally:
        services_module._shared = None


@pytest.mark.parametrize("picker", [redeliver, run_cron, open_success_page, owner_retries],
                         ids=["stripe-redelivers", "cron", "success-page", "jobs-retry"])
def test_emails_stranded_by_a_crash_are_sent_once_after_their_lease(make_shop, monkeypatch, picker):
    shop = make_shop(CRON_SECRET=CRON)
    session_id = paid_order_with_stranded_emails(shop, monkeypatch)
    # While the lease holds, nobody else sends them (the crashed request might still be sending).
    run = outbox.run_due(shop.services)
    assert (run.done, shop.smtp.messages) == (0, [])
    expire_leases(shop.store)
    picker(shop, session_id)
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    time.sleep(0.2)
    assert sorted(m["To"] for m in shop.smtp.messages) == [CUSTOMER, MERCHANT]
    assert {m.status for m in shop.store.emails(session_id)} == {"sent"}
    # Every other path finds nothing left to do.
    assert outbox.drain(shop.services, ignore_backoff=True).done == 0
    assert len(shop.smtp.messages) == 2


def test_an_email_that_cannot_be_built_fails_alone(make_shop):
    """A recipient with a line break (one that got past every check) is marked failed with its reason;
    the cron route answers 200 and every other email goes out; the merchant hears of it once."""
    shop = make_shop(CRON_SECRET=CRON)
    with shop.store.transaction() as tx:
        tx.enqueue_job("bad:1", "email", {"template": "receipt", "to": "a@example.com\r\nBcc: spy@example.org",
                                          "rendered": {"subject": "S", "text": "t", "html": "<p>h</p>"}})
        tx.enqueue_job("good:1", "email", {"template": "receipt", "to": "b@example.com",
                                           "rendered": {"subject": "Hello", "text": "t", "html": "<p>h</p>"}})
    answer = http("GET", f"{shop.url}/api/cron/outbox", headers={"Authorization": f"Bearer {CRON}"})
    assert answer.status == 200 and answer.json()["gave_up"] == 1
    by_key = {j.key: j for j in shop.store.jobs()}
    assert by_key["bad:1"].status == "failed" and "recipient" in by_key["bad:1"].last_error
    assert by_key["good:1"].status == "done"
    [problem] = shop.store.problems()
    assert problem.cause == "job_gave_up" and problem.ref == "bad:1"
    outbox.drain(shop.services)  # the alert digest goes out on the next pass
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    assert [m["To"] for m in shop.smtp.messages] == ["b@example.com", MERCHANT]
    assert "could not be delivered" in shop.smtp.messages[1]["Subject"]


def test_a_broken_template_leaves_the_order_recorded_and_retries(shop, monkeypatch):
    real = emails.render

    def broken(name, **context):
        if name == "receipt":
            raise RuntimeError("template error: 'order' has no attribute 'totl'")
        return real(name, **context)

    monkeypatch.setattr(emails, "render", broken)
    session_id = shop.new_session()
    shop.pay(session_id)
    order = shop.wait_order(session_id)
    shop.settle_deliveries()
    assert order.status == "paid"  # recorded, whatever the templates do
    receipt = next(m for m in shop.store.emails(session_id) if m.kind == "receipt")
    assert receipt.status == "pending" and "template error" in receipt.last_error
    assert [m["To"] for m in shop.smtp.messages] == [MERCHANT]  # the merchant's copy went out
    monkeypatch.setattr(emails, "render", real)  # the fix is deployed
    make_due(shop.store)
    assert outbox.drain(shop.services).done == 1
    shop.smtp.wait_for(lambda ms: len(ms) >= 2)
    assert len(shop.receipts()) == 1


def test_a_database_gone_after_commit_is_one_logged_line_not_a_trace(shop, monkeypatch, caplog):
    """The order committed, then the database went away before its due jobs could be claimed (a
    restart): the request still answers, the jobs wait for their lease, and the log says what
    happened in one line — a trace is for bugs, and an outage must not read like one."""
    from checkout_kit.store import StoreUnavailable

    def gone(*args, **kwargs):
        raise StoreUnavailable("cannot connect to PostgreSQL at db:5432: the database system is shutting down")

    monkeypatch.setattr(shop.store, "claim_jobs", gone)
    with caplog.at_level("ERROR", logger="checkout_kit.outbox"):
        result = outbox.after_commit(shop.services, [], limit=10)
    assert result.stopped == "database unavailable"
    [record] = caplog.records
    assert record.exc_info is None and "shutting down" in record.getMessage()
