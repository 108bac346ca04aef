"""Stripe and SMTP down and hanging, on the addresses the server was configured with, then
back. A hanging service costs a request one bounded wait (STRIPE_WEBHOOK_TIMEOUT=2,
MAIL_TIMEOUT=2): every webhook is answered, 503 while Stripe cannot be read (Stripe
retries) and 200 once the order is recorded, well within the client's own 60 s — the kit
gave up, not the client. Nothing is lost: after the services return, Stripe's redelivery
and the owner's `jobs retry` leave every order and every receipt exactly once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from checkout_kit.store import open_store
from tests.reliability.checks import (
    assert_once_each, assert_orders_complete, assert_receipt_jobs_done, receipts_smtp,
)
from tests.reliability.processes import ROOT, ShopProcess, server_env, smtp_mail
from tests.reliability.stream import deliver_all
from tests.support.outbox import make_due
from tests.support.servers import HangingServer

SESSIONS, WORKERS = 12, 6


def answered(answers, status: int) -> bool:
    """Every delivery got `status` (a 0 would be the client giving up, or a connection lost)."""
    return [a.status for a in answers] == [status] * len(answers)


@pytest.mark.timeout(180)
def test_hanging_and_dead_services_cost_bounded_answers_and_lose_nothing(stripe_side, smtp, tmp_path):
    paid = stripe_side.pay(SESSIONS, "hang")
    stripe = HangingServer(forward_to=("127.0.0.1", stripe_side.emulator.port))
    mail = HangingServer(forward_to=("127.0.0.1", smtp.port))
    database = f"sqlite:///{tmp_path}/orders.db"
    env = server_env(database, stripe.url, smtp_mail(f"smtp://127.0.0.1:{mail.port}"),
                     STRIPE_WEBHOOK_TIMEOUT="2", MAIL_TIMEOUT="2")
    store = open_store(database)
    try:
        with ShopProcess(env, tmp_path / "server.log") as server:
            stripe.set_mode("hang")
            answers = deliver_all(server.url, paid, WORKERS)
            assert answered(answers, 503) and all(a.retry_after for a in answers), answers[:3]
            assert stripe.count == SESSIONS  # one attempt each used the whole budget; no retry piled on

            stripe.set_mode("down")
            mail.set_mode("hang")
            answers = deliver_all(server.url, paid, WORKERS)
            assert answered(answers, 503) and stripe.reset >= SESSIONS
            assert store.count("orders") == 0 and store.count("processed_events") == 0

            stripe.set_mode("forward")  # Stripe is back; SMTP greets, then hangs
            mail.greeting = b"220 stalled.example ESMTP\r\n"
            answers = deliver_all(server.url, paid, WORKERS)
            assert answered(answers, 200) and {a.outcome for a in answers} == {"fulfilled"}
            assert mail.count == SESSIONS and smtp.messages == []  # each request tried its own receipt once

            # Every receipt is due again: one request tries one send, not all ten it claimed.
            make_due(store)
            assert answered(deliver_all(server.url, paid[:1], 1), 200)
            assert mail.count == SESSIONS + 1
            mail.set_mode("down")  # SMTP crashed
            make_due(store)
            assert answered(deliver_all(server.url, paid[:1], 1), 200)
            assert mail.reset == 1
            assert store.pending_email_count() == SESSIONS

            mail.set_mode("forward")  # everything is back
            answers = deliver_all(server.url, [p for p in paid if not store.is_processed(p.event_id)], WORKERS)
            assert answered(answers, 200)
            owner = subprocess.run([sys.executable, "-m", "checkout_kit", "jobs", "retry"], cwd=ROOT, env=env,
                                   capture_output=True, text=True, timeout=60)
            assert owner.returncode == 0, owner.stdout + owner.stderr
            assert f"done {SESSIONS}" in owner.stdout
            assert "Traceback" not in server.log()
        assert_orders_complete(store, paid)
        assert_receipt_jobs_done(store, paid)
    finally:
        store.close()
        stripe.close()
        mail.close()
    assert_once_each(receipts_smtp(smtp.messages), paid)
