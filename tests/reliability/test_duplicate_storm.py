"""A storm of duplicates: 4 server processes on one database, 16 client processes, 100 paid
sessions, each event delivered 4 times at once to 4 different servers (Stripe retries, and
sends the same event to parallel instances). One order and one receipt per session, and not
one 5xx — on SQLite, and on PostgreSQL with max_connections=20, where 4 servers × a pool of 4
must fit (a pool that grew past its size would meet "too many clients")."""

from __future__ import annotations

import pytest

from tests.reliability.checks import assert_storm_recorded
from tests.reliability.conftest import MAX_CONNECTIONS
from tests.reliability.processes import smtp_mail
from tests.reliability.storm import run_storm

SESSIONS, SERVERS, CLIENTS, COPIES = 100, 4, 16, 4
POOL = 4


@pytest.mark.timeout(240)
def test_duplicates_from_16_clients_across_4_servers_make_one_order_and_one_receipt_each(
        database, stripe_side, smtp, tmp_path):
    run = run_storm(database, stripe_side, smtp_mail(smtp.url), tmp_path, SESSIONS, COPIES, CLIENTS, SERVERS,
                    tag="dupes", DATABASE_POOL_SIZE=str(POOL))
    report = run.report

    assert len(report.answers) == SESSIONS * COPIES
    assert_storm_recorded(database, run, smtp)
    assert "too many clients" not in run.logs
    if database.startswith("postgresql"):
        assert 0 < report.peak_connections <= SERVERS * POOL < MAX_CONNECTIONS
    else:
        assert 0 < report.peak_connections <= SERVERS  # one SQLite connection per process
