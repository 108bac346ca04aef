"""Round trips per route through the Netlify function (issue 15): the bridge's SQL messages and the
round trips to PostgreSQL 10 ms away (benchmarks/latency_proxy.py), on a warm instance of
netlify/functions/api.mjs whose connection is open, for the routes roundtrip_bench.py measures on
psycopg. A pipelined batch or transaction is one message and one round trip (netlify/lib/
pg-pipeline.mjs), so the two counts agree; tests/netlify/test_bridge_round_trips.py asserts them.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Callable

from benchmarks.latency_proxy import proxied_database
from benchmarks.roundtrip_bench import DELAY_S, GOALS, RUNS

CRON = {"authorization": "Bearer cron-secret-for-the-netlify-trips"}


def run(pg: Any, emu: Any, mail_api: Any, env: dict[str, str], workdir: Path) -> list[tuple[str, object, str, str]]:
    from tests.netlify.test_pyodide import Instance, body_of, paid_event, req, signed
    from tests.support.deploy import first_sale

    proxy, url = proxied_database(pg, DELAY_S)
    secret = env["STRIPE_WEBHOOK_SECRET"]
    instance = Instance(dict(env, DATABASE_URL=url, CRON_SECRET=CRON["authorization"].split()[1],
                             RATE_LIMIT_PER_MINUTE="100000"), workdir, "trips")
    rows: list[tuple[str, object, str, str]] = []
    try:
        before = proxy.snapshot().round_trips
        started = time.perf_counter()
        first = instance.send(req("GET", "/api/health"), timeout=120)
        assert first["status"] == 200, instance.stderr()[-2000:]
        rows.append(("netlify first instance on an empty database: connect + create the schema", proxy.snapshot().round_trips - before, "trips",
                     f"{(time.perf_counter() - started) * 1000:.0f} ms cold start with the database {DELAY_S * 1000:.0f} ms "
                     "away; the bridge's worker connects while Pyodide loads"))
        sessions: list[str] = []

        def paid(n: int) -> dict:
            session_id, body = paid_event(emu)
            sessions.append(session_id)
            return signed(body, secret)

        deliveries: list[dict] = []

        def remembered(n: int) -> dict:
            deliveries.append(paid(n))
            return deliveries[-1]

        routes: dict[str, Callable[[int], dict]] = {
            "paid webhook (new order, 2 emails)": remembered,
            "duplicate delivery": lambda n: deliveries[n % len(deliveries)],
            "create-checkout-session (limiter, then the record of intent)": lambda n: req(
                "POST", "/api/create-checkout-session", first_sale().body, {"content-type": "application/json"}),
            "summary of a stored order": lambda n: req("GET", f"/api/checkout-session?session_id={sessions[n % len(sessions)]}"),
            "cron route (nothing due)": lambda n: req("GET", "/api/cron/outbox", headers=CRON),
        }
        for name, make in routes.items():
            warm = instance.send(make(0))  # the route's own first use
            assert warm["status"] == 200, body_of(warm)
            messages, trips, times = [], [], []
            for n in range(1, RUNS + 1):
                before = proxy.snapshot().round_trips
                answer = instance.send(make(n))
                assert answer["status"] == 200, body_of(answer)
                trips.append(proxy.snapshot().round_trips - before)
                messages.append(answer["bridge"]["sqlBatch"])
                times.append(answer["ms"])
            goal = GOALS.get(name)
            note = (f"{statistics.mean(trips):.1f} round trips to PostgreSQL; {statistics.median(times):.1f} ms median at "
                    f"{DELAY_S * 1000:.0f} ms per trip" + (f"; goal ≤ {goal}" if goal else ""))
            rows.append((f"netlify {name}: SQL bridge messages", round(statistics.mean(messages), 1), "messages", note))
    finally:
        instance.close()
        proxy.close()
    return rows

