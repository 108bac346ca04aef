"""PostgreSQL restarted, and the kit's backends terminated, while deliveries keep coming.

A delivery that meets the outage gets a 503 with Retry-After (never a 500): its transaction
rolled back whole, or never began. Stripe redelivers what did not get a 200, and then every
order is complete: no order without all its items, no event marked processed without its
order, each receipt sent once (the HTTP mail API: a send whose done-mark the outage lost is
retried under the same Idempotency-Key)."""

from __future__ import annotations

import pytest

from checkout_kit.store import open_store
from tests.core.conftest import http
from tests.reliability.checks import (
    assert_once_each, assert_outbox_drained, assert_orders_complete, assert_receipt_jobs_done, receipts_api,
)
from tests.reliability.processes import ShopProcess, api_mail, server_env
from tests.reliability.storm import KIT_APPLICATION
from tests.reliability.stream import Redelivery
from tests.support.outbox import expire_leases, make_due

SESSIONS, WORKERS = 100, 6
CRON_SECRET = "cron-secret-reliability-0123"


@pytest.mark.timeout(180)
def test_a_restart_and_terminated_backends_cost_503s_then_every_order_completes(pg20, stripe_side, mail_api, tmp_path):
    paid = stripe_side.pay(SESSIONS, "pg-outage")
    database = pg20.create_database()
    env = server_env(database, stripe_side.url, api_mail(mail_api.url), CRON_SECRET=CRON_SECRET)
    terminated = []
    with ShopProcess(env, tmp_path / "server.log") as server:
        # Deliveries go round and round (a 200 too: Stripe sends duplicates) while the faults happen.
        with Redelivery(lambda: server.url, paid, workers=WORKERS, cycle=True) as stream:
            stream.wait_for(30)
            terminated.append(pg20.terminate(KIT_APPLICATION))
            stream.wait_for(30)
            pg20.restart()
            stream.wait_for(30)
            terminated.append(pg20.terminate(KIT_APPLICATION))
            stream.wait_for(30)
            stream.stop_cycling()
            assert stream.join(90), "deliveries still running"
        log = server.log()

        statuses = {a.status for a in stream.answers}
        assert statuses <= {200, 503}, [a for a in stream.answers if a.status not in (200, 503)][:5]
        unavailable = [a for a in stream.answers if a.status == 503]
        assert unavailable, "no delivery met the outage"
        assert all(a.retry_after and a.retry_after.isdigit() for a in unavailable)
        assert {a.outcome for a in unavailable} == {"database_unavailable"}
        assert stream.ok == {p.event_id for p in paid}
        assert terminated[0] >= 1 and "Traceback" not in log

        # The server is idle now: sends whose done-mark the outage lost hold leases nobody renews.
        store = open_store(database)
        try:
            expire_leases(store)
            make_due(store)
            cron = http("GET", f"{server.url}/api/cron/outbox", headers={"Authorization": f"Bearer {CRON_SECRET}"})
            assert_outbox_drained(cron, store)
            assert_orders_complete(store, paid)
            assert_receipt_jobs_done(store, paid)
        finally:
            store.close()
    assert_once_each(receipts_api(mail_api.delivered), paid)
