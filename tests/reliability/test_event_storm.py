"""A 2,000-event storm against one server process, 8 deliveries at a time: 500 paid sessions,
each event 4 times (duplicates arrive together). Everything is recorded once, and the
server's resources stay bounded while it works: its PostgreSQL connections (sampled from
pg_stat_activity) never exceed its pool, and its open file descriptors (sampled from
/proc/<pid>/fd) never rise more than a small constant over the idle baseline. A connection or
file left behind per request — what a connection per thread did — would pass that constant
within a few dozen of the 2,000 requests."""

from __future__ import annotations

import pytest

from tests.reliability.checks import assert_storm_recorded
from tests.reliability.processes import smtp_mail
from tests.reliability.storm import run_storm

SESSIONS, COPIES, CLIENTS = 500, 4, 8
POOL = 4
# Per request in flight: its client's socket, its Stripe call, its SMTP send; plus the pool filling up.
FD_SLACK = 3 * CLIENTS + POOL + 4


@pytest.mark.timeout(300)
def test_a_2000_event_storm_is_recorded_with_bounded_connections_and_files(database, stripe_side, smtp, tmp_path):
    run = run_storm(database, stripe_side, smtp_mail(smtp.url), tmp_path, SESSIONS, COPIES, CLIENTS,
                    DATABASE_POOL_SIZE=str(POOL))
    report = run.report

    assert len(report.answers) == SESSIONS * COPIES
    assert_storm_recorded(database, run, smtp)
    assert report.fd_growth <= FD_SLACK, (report.baseline_fds, report.peak_fds)
    # PostgreSQL: never more than the pool; SQLite: the one connection a process holds.
    assert 0 < report.peak_connections <= (POOL if database.startswith("postgresql") else 1)
