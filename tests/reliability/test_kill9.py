"""kill -9 of a server at random points while 100 fulfillments are in flight, restarted on
the same database and port, everything redelivered (as Stripe retries whatever got no 200):
every order recorded once with all its items, every receipt sent.

Through the HTTP mail API each receipt arrives exactly once: a retried send carries the same
Idempotency-Key. Through SMTP a receipt may arrive twice, but only for one reason: the mail
server accepted it and the process was killed before it recorded the send. Each copy names
the process that sent it (its Message-ID holds the pid), and the database, read while that
process lay dead, says whether it had recorded the send: every repeat must be such a copy.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

import pytest

from checkout_kit.store import open_store
from tests.core.conftest import http
from tests.reliability.checks import (
    assert_once_each, assert_orders_complete, assert_outbox_drained, assert_receipt_jobs_done, receipts_api,
    receipts_smtp,
)
from tests.reliability.processes import ShopProcess, api_mail, server_env, smtp_mail, wait_until
from tests.reliability.storm import KIT_APPLICATION
from tests.reliability.stream import Redelivery, deliver_all
from tests.support.outbox import expire_leases

SESSIONS, WORKERS, KILLS = 100, 8, 3
SEED = 20240609
CRON_SECRET = "cron-secret-reliability-0123"
MESSAGE_PID = re.compile(r"<\d+\.(\d+)\.")  # email.utils.make_msgid: <time.pid.random@domain>


@dataclass
class Kill:
    pid: int
    fulfilled_before: int  # events that had their 200 when it died
    unsent: set[str] = field(default_factory=set)  # receipt job keys not recorded as sent when it died


def wait_for_the_dead(store) -> None:
    """On PostgreSQL a killed client's backend outlives it for a moment and still carries out what
    it had received (a COMMIT sent just before the kill commits after it): wait until every kit
    backend but this test's own has ended, so the database says all the dead process did."""
    if store.dialect.name != "postgresql":
        return  # SQLite is in the process: what it did not write before dying, it never writes
    others = ("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
              f"AND application_name = '{KIT_APPLICATION}' AND pid <> pg_backend_pid()")
    wait_until(lambda: store._query(others)[0][0] == 0, 10, "the killed server's backends to end")


def kill_and_restart(server: ShopProcess, store, stream: Redelivery) -> Kill:
    """SIGKILL; while the process is dead, note which receipts it had not recorded as sent and let
    its leases run out (it can never renew them); then start it again on the same port."""
    kill = Kill(server.pid, len(stream.ok))
    server.kill()
    wait_for_the_dead(store)
    kill.unsent = {job.key for job in store.jobs(kind="email") if job.status != "done"}
    expire_leases(store)
    server.start()
    return kill


@pytest.mark.timeout(240)
@pytest.mark.parametrize("transport, backend", [("mail-api", "postgres"), ("smtp", "sqlite")])
def test_kill_9_mid_stream_loses_and_doubles_nothing(transport, backend, stripe_side, smtp, mail_api, tmp_path,
                                                     request):
    rng = random.Random(SEED)
    database = request.getfixturevalue("pg20").create_database() if backend == "postgres" \
        else f"sqlite:///{tmp_path}/orders.db"
    mail = api_mail(mail_api.url) if transport == "mail-api" else smtp_mail(smtp.url)
    paid = stripe_side.pay(SESSIONS, f"kill-{transport}")
    server = ShopProcess(server_env(database, stripe_side.url, mail, CRON_SECRET=CRON_SECRET), tmp_path / "server.log")
    store = open_store(database)
    kills: list[Kill] = []
    try:
        server.start()
        with Redelivery(lambda: server.url, paid, workers=WORKERS) as stream:
            for target in sorted(rng.sample(range(10, SESSIONS - 10), KILLS)):
                wait_until(lambda: len(stream.ok) >= target, 60, f"{target} events answered 200")
                time.sleep(rng.uniform(0, 0.03))  # land anywhere in a request, not just after an answer
                kills.append(kill_and_restart(server, store, stream))
            assert stream.join(120), "deliveries still running"
        assert stream.ok == {p.event_id for p in paid}, f"never answered 200: {len(paid) - len(stream.ok)}"
        assert all(a.status in (200, 0) for a in stream.answers), \
            [a for a in stream.answers if a.status not in (200, 0)][:5]  # 0: the server was dead

        # Stripe's redelivery of everything; then the scheduler's pass for whatever is left.
        assert {a.status for a in deliver_all(server.url, paid, WORKERS)} == {200}
        cron = http("GET", f"{server.url}/api/cron/outbox", headers={"Authorization": f"Bearer {CRON_SECRET}"})
        assert_outbox_drained(cron, store)
        assert_orders_complete(store, paid)
        assert_receipt_jobs_done(store, paid)
    finally:
        server.stop()
        store.close()
    assert len(kills) == KILLS and all(k.fulfilled_before < SESSIONS for k in kills)

    if transport == "mail-api":
        assert_once_each(receipts_api(mail_api.delivered), paid)
        return
    smtp.wait_for(lambda messages: len(receipts_smtp(messages)) >= SESSIONS, timeout=30)
    assert_each_repeat_is_a_lost_reply(smtp.messages, kills, paid)


def assert_each_repeat_is_a_lost_reply(messages, kills: list[Kill], paid) -> None:
    """Per buyer: exactly one copy whose send was recorded; any other copy came from a process
    that was killed before recording it (its pid, and the job unsent in the database at its death)."""
    unsent_by_pid = {k.pid: k.unsent for k in kills}
    key_of = {p.email: f"{p.session_id}:receipt" for p in paid}
    copies: dict[str, list[int]] = {}
    for message in messages:
        copies.setdefault(str(message["To"]), []).append(int(MESSAGE_PID.match(str(message["Message-ID"])).group(1)))
    assert set(copies) == set(key_of), "receipts missing or to strangers"
    repeats = 0
    for email, pids in copies.items():
        lost = [pid for pid in pids if key_of[email] in unsent_by_pid.get(pid, ())]
        assert len(pids) - len(lost) == 1, f"{email}: {len(pids)} copies from {pids}, only {lost} explained"
        assert len(set(lost)) == len(lost), f"{email}: one process sent it twice"
        repeats += len(pids) - 1
    print(f"SMTP repeats after {len(kills)} kills: {repeats}")
