"""The checkout core: webhook cold start, webhook throughput on SQLite and
PostgreSQL, and create-checkout-session's overhead over a direct SDK call."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchmarks.startup import ROOT

CATALOG = ROOT / "tests" / "fixtures" / "catalog.toml"
SECRET = "whsec_bench_secret_0123456789"
COLD_RUNS = 7


def environ(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict[str, Any]:
    from checkout_kit.web import environ_for

    return environ_for(method, path, "", headers or {}, body, remote_addr="127.0.0.1")


def call(app: Any, env: dict[str, Any]) -> tuple[int, bytes]:
    from checkout_kit.web import call_wsgi

    status, _, body = call_wsgi(app, env)
    return status, body


# ---- cold start -------------------------------------------------------------------

COLD_SCRIPT = r"""
import io, json, sys, time
from checkout_kit.web import App
from checkout_kit.webhook_signature import sign_header
body = sys.argv[1].encode()
env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/webhook", "QUERY_STRING": "", "wsgi.input": io.BytesIO(body),
       "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
       "HTTP_STRIPE_SIGNATURE": sign_header(body, sys.argv[2])}
status = []
out = b"".join(App()(env, lambda s, h: status.append(s)))
print(json.dumps({"status": status[0], "body": out.decode(), "stripe_imported": "stripe" in sys.modules,
                  "psycopg_imported": "psycopg" in sys.modules}))
"""


def cold_webhook(database_url: str, api_base: str, session_id: str, runs: int = COLD_RUNS) -> tuple[float, dict[str, Any]]:
    """Median wall time of a fresh interpreter handling one signed event (a new event id each run)."""
    times, last = [], {}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "STRIPE_SECRET_KEY": "sk_test_bench",
           "STRIPE_API_BASE": api_base, "STRIPE_WEBHOOK_SECRET": SECRET, "CATALOG_PATH": str(CATALOG),
           "OUTBOX_DIR": tempfile.mkdtemp(prefix="bench-outbox-")}
    for n in range(runs):
        event = json.dumps({"id": f"evt_cold_{n}_{time.time_ns()}", "type": "checkout.session.completed",
                            "data": {"object": {"id": session_id}}})
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", COLD_SCRIPT, event, SECRET], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        last = json.loads(out.stdout.strip().splitlines()[-1])
    return statistics.median(times), last


def reference_process_seconds(runs: int = COLD_RUNS) -> float:
    """The reference as the same kind of measurement: a whole fresh process running `import flask, stripe`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import flask, stripe"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# ---- throughput -----------------------------------------------------------------------


class FakeGateway:
    """Answers session retrievals from memory, so throughput measures the kit, not the network."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}

    def within(self, seconds: float) -> "FakeGateway":
        return self

    def add(self, n: int) -> str:
        session_id = f"cs_test_bench{n:08d}"
        self.sessions[session_id] = {
            "id": session_id, "object": "checkout.session", "status": "complete", "payment_status": "paid",
            "mode": "payment", "metadata": {"kit": "checkout-kit"}, "amount_total": 1500, "currency": "usd",
            "customer_details": {"email": f"buyer{n}@example.com", "name": "Bench Buyer"},
            "line_items": {"data": [{"description": "The Static Shop Handbook", "quantity": 1, "amount_total": 1500,
                                     "currency": "usd", "price": {"id": "price_test_ebook"}}]},
            "payment_intent": {"id": f"pi_{n}", "status": "succeeded"}, "livemode": False,
        }
        return session_id

    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]:
        return self.sessions[session_id]


class NullMailer:
    name = "null"

    def send(self, email: Any) -> None:
        pass


def throughput(database_url: str, events: int, workers: int = 1) -> tuple[float, float]:
    """(distinct paid events per second, duplicate deliveries per second) through the WSGI app,
    from `workers` threads at once (Stripe delivers concurrently; each thread has its own connection)."""
    from checkout_kit.config import from_env
    from checkout_kit.services import Services
    from checkout_kit.web import App
    from checkout_kit.webhook_signature import sign_header

    services = Services(from_env({"DATABASE_URL": database_url, "STRIPE_WEBHOOK_SECRET": SECRET,
                                  "CATALOG_PATH": str(CATALOG), "MERCHANT_EMAIL": "owner@example.com"}))
    gateway = FakeGateway()
    services._gateway, services._mailer = gateway, NullMailer()
    app = App(services)
    bodies = []
    for n in range(events):
        session_id = gateway.add(n)
        bodies.append(json.dumps({"id": f"evt_bench_{n}", "type": "checkout.session.completed",
                                  "data": {"object": {"id": session_id}}}).encode())
    call(app, environ("GET", "/api/health"))  # connect and migrate outside the timing

    def deliver(body: bytes) -> None:
        status, out = call(app, environ("POST", "/api/webhook", body, {
            "Content-Type": "application/json", "Stripe-Signature": sign_header(body, SECRET)}))
        assert status == 200, out

    def run_all() -> float:
        from concurrent.futures import ThreadPoolExecutor

        started = time.perf_counter()
        if workers == 1:
            for body in bodies:
                deliver(body)
        else:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(deliver, bodies))
        return events / (time.perf_counter() - started)

    fresh = run_all()
    assert services.store.count("orders") == events
    duplicates = run_all()
    assert services.store.count("orders") == events
    services.close()
    return fresh, duplicates


# ---- create-checkout-session overhead ------------------------------------------------


def create_overhead(api_base: str, runs: int = 200) -> tuple[float, float]:
    """Median ms of POST /api/create-checkout-session (in process) and of the same SDK call direct."""
    import stripe

    from checkout_kit.config import from_env
    from checkout_kit.services import Services
    from checkout_kit.web import App

    services = Services(from_env({"DATABASE_URL": "sqlite:///:memory:", "STRIPE_SECRET_KEY": "sk_test_bench",
                                  "STRIPE_API_BASE": api_base, "CATALOG_PATH": str(CATALOG),
                                  "RATE_LIMIT_PER_MINUTE": "0"}))
    app = App(services)
    body = json.dumps({"priceId": "price_test_tshirt", "quantity": 2}).encode()
    params = services.gateway and None
    client = stripe.StripeClient("sk_test_bench", base_addresses={"api": api_base}, max_network_retries=0)
    from checkout_kit.checkout import build_session_params, parse_json

    params = build_session_params(parse_json({"priceId": "price_test_tshirt", "quantity": 2}, services.catalog),
                                  services.catalog, services.settings)
    kit, direct = [], []
    for n in range(runs + 10):
        started = time.perf_counter()
        status, out = call(app, environ("POST", "/api/create-checkout-session", body, {"Content-Type": "application/json"}))
        elapsed = time.perf_counter() - started
        assert status == 200, out
        started = time.perf_counter()
        client.v1.checkout.sessions.create(params=params, options={"idempotency_key": f"bench-{n}-{time.time_ns()}"})
        direct_elapsed = time.perf_counter() - started
        if n >= 10:  # warm-up excluded
            kit.append(elapsed)
            direct.append(direct_elapsed)
    services.close()
    return statistics.median(kit) * 1000, statistics.median(direct) * 1000


def run() -> list[tuple[str, object, str, str]]:
    from checkout_kit.devserver import seed_payload
    from checkout_kit import catalog as catalog_module
    from checkout_kit.emulator import Emulator

    rows: list[tuple[str, object, str, str]] = []
    reference = reference_process_seconds()
    rows.append(("reference: fresh process `import flask, stripe`", round(reference * 1000, 1), "ms",
                 f"median of {COLD_RUNS}"))
    with Emulator(port=0, settle_after=None) as emu, tempfile.TemporaryDirectory() as tmp:
        with emu.state.lock:
            emu.ctl_seed(seed_payload(catalog_module.load(str(CATALOG))))
        import stripe

        client = stripe.StripeClient("sk_test_bench", base_addresses={"api": emu.url})
        session = client.v1.checkout.sessions.create(params={
            "mode": "payment", "success_url": "https://shop.example/s", "metadata": {"kit": "checkout-kit"},
            "line_items": [{"price": "price_test_ebook", "quantity": 1}]})
        emu.ctl_pay({}, session.id)
        cold, info = cold_webhook(f"sqlite:///{tmp}/cold.db", emu.url, session.id)
        rows.append(("webhook cold start, SQLite", round(cold * 1000, 1), "ms",
                     f"{cold / reference:.2f}x reference (goal ≤ 0.5x); stripe imported: {info['stripe_imported']}; {info['status']}"))
        pg = None
        try:
            from tests.support.postgres import PostgresServer

            pg = PostgresServer().start()
            cold_pg, info_pg = cold_webhook(pg.create_database(), emu.url, session.id)
            rows.append(("webhook cold start, PostgreSQL", round(cold_pg * 1000, 1), "ms",
                         f"{cold_pg / reference:.2f}x reference (goal ≤ 1.0x); psycopg loaded: {info_pg['psycopg_imported']}"))
        except Exception as exc:  # no PostgreSQL binaries here: say so rather than guess
            rows.append(("webhook cold start, PostgreSQL", "n/a", "", f"PostgreSQL not available: {exc}"))
        fresh, dupes = throughput(f"sqlite:///{tmp}/tp.db", 2000)
        rows.append(("webhook throughput, SQLite", round(fresh, 1), "ev/s",
                     "distinct paid sessions: verify, record, queue+send 2 emails (goal ≥ 1500)"))
        rows.append(("webhook duplicates, SQLite", round(dupes, 1), "ev/s", "replayed events, answered without effects"))
        if pg is not None:
            fresh_pg, dupes_pg = throughput(pg.create_database(), 1000)
            rows.append(("webhook throughput, PostgreSQL", round(fresh_pg, 1), "ev/s",
                         "same work, one delivery at a time (goal ≥ 500)"))
            rows.append(("webhook duplicates, PostgreSQL", round(dupes_pg, 1), "ev/s", ""))
            fresh_pg4, dupes_pg4 = throughput(pg.create_database(), 1000, workers=4)
            rows.append(("webhook throughput, PostgreSQL, 4 at once", round(fresh_pg4, 1), "ev/s",
                         "4 concurrent deliveries, as Stripe sends them to parallel instances (goal ≥ 500)"))
            rows.append(("webhook duplicates, PostgreSQL, 4 at once", round(dupes_pg4, 1), "ev/s", ""))
            pg.stop()
        kit_ms, direct_ms = create_overhead(emu.url)
        rows.append(("create-checkout-session (kit, in process)", round(kit_ms, 2), "ms", "median, against the emulator"))
        rows.append(("same session via stripe SDK directly", round(direct_ms, 2), "ms",
                     f"kit/direct = {kit_ms / direct_ms:.2f}x"))
    return rows
