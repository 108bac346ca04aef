"""The owner's desk with 100,000 orders (items and email jobs too), on SQLite and PostgreSQL:
warm answers of the admin API — the orders list's first page, a search by email, a search by
reference, "today", the 90-day revenue chart — and the CSV export's rate. Goal: ≤ 50 ms each."""

from __future__ import annotations

import statistics
import tempfile
import time
from typing import Any, Callable

from benchmarks.desk_seed import email, seed_postgres, seed_sqlite, session_id
from checkout_kit.store.records import order_reference

ORDERS = 100_000
RUNS = 25
TOKEN = "bench-admin-token"
GOAL_MS = 50


def app_for(database_url: str) -> Any:
    from checkout_kit.config import from_env
    from checkout_kit.services import Services
    from checkout_kit.web import App

    return App(Services(from_env({"DATABASE_URL": database_url, "ADMIN_TOKEN": TOKEN})))


def migrate(database_url: str) -> None:
    """The schema with the desk's indexes, by the kit itself; closed after (an idle connection's
    snapshot would keep VACUUM from marking pages all-visible, and index-only scans need that)."""
    app = app_for(database_url)
    app.services.store.ping()
    app.services.close()


def get(app: Any, path: str, query: str = "") -> bytes:
    from checkout_kit.web import call_wsgi, environ_for

    status, _, body = call_wsgi(app, environ_for("GET", path, query, {"Authorization": f"Bearer {TOKEN}"}, b"",
                                                 remote_addr="127.0.0.1"))
    assert status == 200, body[:300]
    return body


def warm_ms(work: Callable[[], Any], runs: int = RUNS) -> float:
    """Median of `runs` timed calls after three untimed ones (connection, caches and plans warm)."""
    for _ in range(3):
        work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(name: str, database_url: str) -> list[tuple[str, object, str, str]]:
    app = app_for(database_url)
    n = ORDERS - 12_345  # an order of a customer with a few
    reference = order_reference(session_id(n))
    checks = [
        ("orders list, first page", "/api/admin/orders", "limit=50"),
        ("search by email", "/api/admin/orders", f"q={email(n)}"),
        ("search by reference", "/api/admin/orders", f"q={reference}"),
        ("today", "/api/admin/today", "tz=0"),
        ("revenue chart, 90 days", "/api/admin/revenue", "days=90&tz=0"),
    ]
    assert reference.encode() in get(app, "/api/admin/orders", f"q={reference}")
    rows: list[tuple[str, object, str, str]] = []
    for metric, path, query in checks:
        ms = warm_ms(lambda: get(app, path, query))
        rows.append((f"{metric}, {name}", round(ms, 2), "ms", f"warm median of {RUNS}, 100k orders "
                     f"({'within' if ms <= GOAL_MS else 'MISSES'} the {GOAL_MS} ms goal)"))
    get(app, "/api/admin/export.csv")  # warm
    started = time.perf_counter()
    lines = get(app, "/api/admin/export.csv").count(b"\n") - 1
    elapsed = time.perf_counter() - started
    rows.append((f"CSV export, {name}", round(lines / elapsed), "rows/s",
                 f"{lines:,} item rows in {elapsed:.1f} s through /api/admin/export.csv"))
    app.services.close()
    return rows


def run() -> list[tuple[str, object, str, str]]:
    rows: list[tuple[str, object, str, str]] = []
    now = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/desk.db"
        migrate(url)
        started = time.perf_counter()
        seed_sqlite(f"{tmp}/desk.db", ORDERS, now)
        rows.append(("seed 100k orders, SQLite", round(time.perf_counter() - started, 1), "s", "bulk insert, one transaction"))
        rows += measure("SQLite", url)
    try:
        from tests.support.postgres import PostgresServer

        pg = PostgresServer().start()
    except Exception as exc:  # no PostgreSQL binaries here: say so rather than guess
        return rows + [("desk, PostgreSQL", "n/a", "", f"PostgreSQL not available: {exc}")]
    try:
        url = pg.create_database()
        migrate(url)
        started = time.perf_counter()
        seed_postgres(url, ORDERS, now)
        rows.append(("seed 100k orders, PostgreSQL", round(time.perf_counter() - started, 1), "s", "COPY"))
        rows += measure("PostgreSQL", url)
    finally:
        pg.stop()
    return rows
