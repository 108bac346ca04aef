"""A 2,000-event storm against one server process, 8 deliveries at a time: 500 paid sessions,
each event 4 times (duplicates arrive together). Everything is recorded once, and the
server's resources stay bounded while it works: its PostgreSQL connections (sampled from
pg_stat_activity) never exceed its pool, and its open file descriptors (sampled from
/proc/<pid>/fd) never rise more than a small constant over the idle baseline. A connection or
file left behind per request — what a connection per thread did — would pass that constant
within a few dozen of the 2,000 requests."""

from __future__ import annotations

import pytest

from checkout_kit.store import open_store
from tests.reliability.checks import assert_once_each, assert_orders_complete, assert_receipt_jobs_done, receipts_smtp
from tests.reliability.processes import server_env, shop_processes, smtp_mail
from tests.reliability.storm import storm

SESSIONS, COPIES, CLIENTS = 500, 4, 8
POOL = 4
# Per request in flight: its client's socket, its Stripe call, its SMTP send; plus the pool filling up.
FD_SLACK = 3 * CLIENTS + POOL + 4


@pytest.mark.timeout(300)
def test_a_2000_event_storm_is_recorded_with_bounded_connections_and_files(database, stripe_side, smtp, tmp_path):
    paid = stripe_side.pay(SESSIONS, "storm")
    env = server_env(database, stripe_side.url, smtp_mail(smtp.url), DATABASE_POOL_SIZE=str(POOL))
    postgres = database if database.startswith("postgresql") else None
    with shop_processes(env, 1, tmp_path) as servers:
        report = storm(servers, paid, COPIES, CLIENTS, tmp_path, postgres_url=postgres)
        smtp.wait_for(lambda messages: len(messages) >= SESSIONS, timeout=60)
        log = servers[0].log()

    assert report.statuses == {200: SESSIONS * COPIES}, [a for a in report.answers if a.status != 200][:5]
    assert [a.outcome for a in report.answers].count("fulfilled") == SESSIONS
    assert "Traceback" not in log
    assert report.fd_growth <= FD_SLACK, (report.baseline_fds, report.peak_fds)
    if postgres:
        assert 0 < report.peak_connections <= POOL
    store = open_store(database)
    try:
        assert_orders_complete(store, paid)
        assert_receipt_jobs_done(store, paid)
    finally:
        store.close()
    assert_once_each(receipts_smtp(smtp.messages), paid)
    print(f"storm: {report.events_per_s:.0f} ev/s, p50 {report.median_ms:.0f} ms, p99 {report.latency_ms(0.99):.0f} ms, "
          f"fds +{report.fd_growth}, connections {report.peak_connections}")
