"""Round trips per route against PostgreSQL 10 ms away (through `latency_proxy`).

The app runs in process on a warm instance whose connection is already open (connection setup
is reported apart); Stripe and the mail service are in-memory stand-ins, so every millisecond
and every round trip counted is the database's. Goals (issue 15): a paid webhook ≤ 3 round
trips, a duplicate 1, create-checkout-session's limiter 1, the summary of a stored order 1.
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from typing import Any

from benchmarks.core_bench import CATALOG, SECRET, FakeGateway, NullMailer, call
from benchmarks.latency_proxy import LatencyProxy, proxied_database

DELAY_S = 0.010
RUNS = 5
CRON = "cron-secret-for-the-round-trip-bench"
GOALS = {"paid webhook (new order, 2 emails)": 3, "duplicate delivery": 1,
         "create-checkout-session (limiter, then the record of intent)": 2, "summary of a stored order": 1,
         "cron route (nothing due)": 1}


class CreatingGateway(FakeGateway):
    """The in-memory Stripe, able to create sessions too (the create route's one Stripe call)."""

    def create_checkout_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        session_id = f"cs_test_rt{time.time_ns()}"
        return {"id": session_id, "url": f"https://checkout.example/{session_id}", "amount_total": 1500,
                "currency": "usd", "livemode": False}

    def prices_by_lookup_keys(self, keys: list[str]) -> list[dict[str, Any]]:
        return []

    def list_all(self, path: str, params: dict[str, Any] | None = None, what: str = "") -> list[dict[str, Any]]:
        return []  # the cron's daily reconcile: Stripe has nothing the store lacks


def environ(method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict[str, Any]:
    from checkout_kit.web import environ_for

    path, _, query = target.partition("?")
    return environ_for(method, path, query, headers or {}, body, remote_addr="127.0.0.1")


def measure(proxy: LatencyProxy, action: Any, runs: int = RUNS) -> tuple[float, float]:
    """(round trips per run, median ms) of `action(n)` over `runs` runs."""
    trips, times = [], []
    for n in range(runs):
        before = proxy.snapshot().round_trips
        started = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - started) * 1000)
        trips.append(proxy.snapshot().round_trips - before)
    return statistics.mean(trips), statistics.median(times)


def run() -> list[tuple[str, object, str, str]]:
    from checkout_kit.config import from_env
    from checkout_kit.store.dialects import PREPARE_AFTER
    from checkout_kit.services import Services
    from checkout_kit.web import App
    from checkout_kit.webhook_signature import sign_header
    from tests.support.postgres import PostgresServer

    rows: list[tuple[str, object, str, str]] = []
    pg = PostgresServer().start()
    proxy = None
    try:
        proxy, url = proxied_database(pg, DELAY_S)
        services = Services(from_env({
            "DATABASE_URL": url, "STRIPE_WEBHOOK_SECRET": SECRET, "CATALOG_PATH": str(CATALOG),
            "MERCHANT_EMAIL": "owner@example.com", "STRIPE_SECRET_KEY": "sk_test_bench", "CRON_SECRET": CRON,
            "RATE_LIMIT_PER_MINUTE": "100000", "DATABASE_POOL_SIZE": "1",
            "DATABASE_PREPARE": "on"}))  # a direct connection (through the proxy's port, not 5432)
        gateway = CreatingGateway()
        services._gateway, services._mailer = gateway, NullMailer()
        app = App(services)

        call(app, environ("GET", f"/api/checkout-session?session_id={gateway.add(0)}"))  # create the schema
        # A new instance on the existing database: connecting and checking the schema, once per instance.
        fresh = Services(services.settings)
        fresh._gateway, fresh._mailer = gateway, NullMailer()
        before = proxy.snapshot().round_trips
        started = time.perf_counter()
        call(App(fresh), environ("GET", f"/api/checkout-session?session_id={gateway.add(0)}"))
        rows.append(("new instance: connect + schema check + first summary", proxy.snapshot().round_trips - before,
                     "trips", f"{(time.perf_counter() - started) * 1000:.0f} ms, once per instance "
                     "(TLS adds its own handshake on a real network)"))
        fresh.close()

        events: list[bytes] = []

        def webhook(body: bytes) -> None:
            status, out = call(app, environ("POST", "/api/webhook", body, {
                "Content-Type": "application/json", "Stripe-Signature": sign_header(body, SECRET)}))
            assert status == 200, out

        fresh_sessions = itertools.count(1000)

        def paid(n: int) -> None:
            session_id = gateway.add(next(fresh_sessions))  # a new order every time
            body = json.dumps({"id": f"evt_rt_{n}_{time.time_ns()}", "type": "checkout.session.completed",
                               "data": {"object": {"id": session_id}}}).encode()
            events.append(body)
            webhook(body)

        paid(-1)  # warm the route's own imports
        routes = {
            "paid webhook (new order, 2 emails)": paid,
            "duplicate delivery": lambda n: webhook(events[n % len(events)]),
            "create-checkout-session (limiter, then the record of intent)": lambda n: _ok(call(app, environ(
                "POST", "/api/create-checkout-session", json.dumps({"priceId": "price_test_ebook"}).encode(),
                {"Content-Type": "application/json"}))),
            "summary of a stored order": lambda n: _ok(call(app, environ(
                "GET", f"/api/checkout-session?session_id={gateway.add(1000 + n)}"))),
            "cron route (nothing due)": lambda n: _ok(call(app, environ(
                "GET", "/api/cron/outbox", headers={"Authorization": f"Bearer {CRON}"}))),
        }
        for name, action in routes.items():
            for n in range(PREPARE_AFTER + 1):  # warm: its statements prepared on the server, as on a warm instance
                action(n)
            trips, ms = measure(proxy, action)
            goal = GOALS.get(name)
            note = f"{ms:.1f} ms median at {DELAY_S * 1000:.0f} ms per trip" + (f"; goal ≤ {goal}" if goal else "")
            rows.append((f"{name}, PostgreSQL", round(trips, 1), "trips", note))
        services.close()
    finally:
        if proxy is not None:
            proxy.close()
        pg.stop()
    return rows


def _ok(answer: tuple[int, bytes]) -> None:
    status, out = answer
    assert status == 200, out
