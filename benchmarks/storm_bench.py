"""The reliability suite's storm (tests/reliability/storm.py) as a benchmark: 2,000 signed
deliveries (500 paid sessions, each event 4 times, duplicates arriving together) from 8
client processes to one server process, served thread per request, on SQLite and on
PostgreSQL. Reports events per second, latency p50/p99 as the clients saw it, and the peak
database connections and file descriptors the server held while it worked."""

from __future__ import annotations

import tempfile
from pathlib import Path

SESSIONS, COPIES, CLIENTS, POOL = 500, 4, 8, 4


def rows_for(name: str, run: object) -> list[tuple[str, object, str, str]]:
    report = run.report  # type: ignore[attr-defined]
    ok = report.statuses.get(200, 0)
    shape = f"{len(report.answers):,} deliveries ({SESSIONS} sessions × {COPIES}), {CLIENTS} client processes"
    return [
        (f"storm throughput, {name}", round(report.events_per_s, 1), "ev/s", f"{shape}; {ok:,} answered 200"),
        (f"storm latency p50, {name}", round(report.median_ms, 1), "ms", "as the clients saw it"),
        (f"storm latency p99, {name}", round(report.latency_ms(0.99), 1), "ms", ""),
        (f"storm peak connections, {name}", report.peak_connections, "conns",
         f"pool {POOL}" if name == "PostgreSQL" else "one per process"),
        (f"storm peak fds over idle, {name}", report.fd_growth, "fds",
         f"idle baseline {max(report.baseline_fds.values())}"),
    ]


def run() -> list[tuple[str, object, str, str]]:
    from tests.reliability.processes import smtp_mail
    from tests.reliability.storm import run_storm
    from tests.reliability.stripe_side import StripeSide
    from tests.support.postgres import PostgresServer
    from tests.support.smtp import SmtpServer

    rows: list[tuple[str, object, str, str]] = []
    smtp = SmtpServer().start()
    try:
        with StripeSide() as stripe_side, tempfile.TemporaryDirectory() as tmp:
            sqlite_dir = Path(tmp, "sqlite")
            sqlite_dir.mkdir()
            run = run_storm(f"sqlite:///{sqlite_dir}/orders.db", stripe_side, smtp_mail(smtp.url), sqlite_dir,
                            SESSIONS, COPIES, CLIENTS, tag="bench-sqlite")
            rows += rows_for("SQLite", run)
            try:
                pg = PostgresServer(max_connections=20).start()
            except Exception as exc:  # no PostgreSQL binaries here: say so rather than guess
                rows.append(("storm, PostgreSQL", "n/a", "", f"PostgreSQL not available: {exc}"))
                return rows
            try:
                pg_dir = Path(tmp, "postgres")
                pg_dir.mkdir()
                run = run_storm(pg.create_database(), stripe_side, smtp_mail(smtp.url), pg_dir, SESSIONS, COPIES,
                                CLIENTS, tag="bench-postgres", DATABASE_POOL_SIZE=str(POOL))
                rows += rows_for("PostgreSQL", run)
            finally:
                pg.stop()
    finally:
        smtp.stop()
    return rows
