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
SIGNING_KEY = "bench-signing-key-" + "k" * 32  # production sets KIT_SIGNING_KEY
COLD_RUNS = 7
THROUGHPUT_RUNS = 3  # each on a fresh database; the median run is reported (a shared VM is noisy)


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


def _shop(database_url: str, events: int) -> tuple[Any, Any, list[bytes]]:
    """A kit app on `database_url` with `events` paid sessions in a fake Stripe, and their signed-to-be events."""
    from checkout_kit.config import from_env
    from checkout_kit.services import Services
    from checkout_kit.web import App

    services = Services(from_env({"DATABASE_URL": database_url, "STRIPE_WEBHOOK_SECRET": SECRET,
                                  "CATALOG_PATH": str(CATALOG), "MERCHANT_EMAIL": "owner@example.com",
                                  "KIT_SIGNING_KEY": SIGNING_KEY,
                                  # a direct connection (the test server's free port is not 5432)
                                  "DATABASE_PREPARE": "on"}))
    gateway = FakeGateway()
    services._gateway, services._mailer = gateway, NullMailer()
    bodies = [json.dumps({"id": f"evt_bench_{n}", "type": "checkout.session.completed",
                          "data": {"object": {"id": gateway.add(n)}}}).encode() for n in range(events)]
    return App(services), services, bodies


def _deliver_share(database_url: str, events: int, share: int, shares: int,
                   go: Any = None) -> tuple[float, float, list[float]]:
    """Deliver every `shares`-th event from `share` on, in order (one instance's part of the deliveries):
    (wall clock at start, at the end, each delivery's seconds)."""
    from checkout_kit.webhook_signature import sign_header

    app, services, bodies = _shop(database_url, events)
    call(app, environ("GET", "/api/health"))  # connect and migrate outside the timing
    if go is not None:
        go.wait()  # every instance ready: start together
    started, latencies = time.time(), []
    for body in bodies[share::shares]:
        begun = time.perf_counter()
        status, out = call(app, environ("POST", "/api/webhook", body, {
            "Content-Type": "application/json", "Stripe-Signature": sign_header(body, SECRET)}))
        assert status == 200, out
        latencies.append(time.perf_counter() - begun)
    ended = time.time()
    services.close()
    return started, ended, latencies


def _run_instances(database_url: str, events: int, instances: int) -> tuple[float, float]:
    """Events per second and p99 (ms) of one pass over the events by `instances` processes at once,
    as Stripe delivers to parallel serverless instances (each its own interpreter and connection)."""
    if instances == 1:
        parts = [_deliver_share(database_url, events, 0, 1)]
    else:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        go, answers = context.Barrier(instances), context.Queue()

        def instance(n: int) -> None:
            answers.put(_deliver_share(database_url, events, n, instances, go))
        procs = [context.Process(target=instance, args=(n,)) for n in range(instances)]
        for proc in procs:
            proc.start()
        parts = [answers.get(timeout=600) for _ in procs]
        for proc in procs:
            proc.join()
    wall = max(p[1] for p in parts) - min(p[0] for p in parts)
    latencies = [s for p in parts for s in p[2]]
    return events / wall, statistics.quantiles(latencies, n=100)[98] * 1000


def throughput_once(database_url: str, events: int, instances: int = 1) -> dict[str, float]:
    """Distinct paid events per second and their p99 (ms), then the same for duplicate deliveries,
    through the WSGI app in `instances` processes at once."""
    from checkout_kit.store.sql import open_store

    fresh, fresh_p99 = _run_instances(database_url, events, instances)
    store = open_store(database_url)
    assert store.count("orders") == events
    store.close()
    duplicates, duplicates_p99 = _run_instances(database_url, events, instances)
    return {"fresh": fresh, "fresh_p99": fresh_p99, "duplicates": duplicates, "duplicates_p99": duplicates_p99}


def throughput(new_database: Any, events: int, instances: int = 1) -> dict[str, float]:
    """`throughput_once` on THROUGHPUT_RUNS fresh databases (`new_database()` makes one): the run
    of median fresh-event rate, and every run's rate under `runs`."""
    found = sorted((throughput_once(new_database(), events, instances) for _ in range(THROUGHPUT_RUNS)),
                   key=lambda run: run["fresh"])
    return {**found[len(found) // 2], "runs": [round(run["fresh"], 1) for run in found]}


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


def throughput_rows(label: str, found: dict[str, float], goal: int | None) -> list[tuple[str, object, str, str]]:
    aim = f"; goal ≥ {goal}" if goal else ""
    runs = ", ".join(f"{rate:g}" for rate in found["runs"])
    return [(f"webhook throughput, {label}", round(found["fresh"], 1), "ev/s",
             f"distinct paid sessions, 2 emails each; median of {len(found['runs'])} runs ({runs}); "
             f"p99 {found['fresh_p99']:.1f} ms{aim}"),
            (f"webhook duplicates, {label}", round(found["duplicates"], 1), "ev/s",
             f"replayed events, answered without effects; p99 {found['duplicates_p99']:.1f} ms")]


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
        try:
            from tests.support.postgres import PostgresServer

            pg = PostgresServer().start()
            try:
                cold_pg, info_pg = cold_webhook(pg.create_database(), emu.url, session.id)
            finally:
                pg.stop()
            rows.append(("webhook cold start, PostgreSQL", round(cold_pg * 1000, 1), "ms",
                         f"{cold_pg / reference:.2f}x reference (goal ≤ 1.0x); psycopg loaded: {info_pg['psycopg_imported']}"))
        except Exception as exc:  # no PostgreSQL binaries here: say so rather than guess
            rows.append(("webhook cold start, PostgreSQL", "n/a", "", f"PostgreSQL not available: {exc}"))
        rows += throughput_rows("SQLite (WAL, synchronous=NORMAL)", throughput(
            lambda: f"sqlite:///{tempfile.mkdtemp(dir=tmp)}/tp.db", 2000), 1500)
        try:
            from tests.support.postgres import PostgresServer

            durable = PostgresServer(durable=True).start()  # fsync and synchronous_commit on, as in production
            try:
                rows += throughput_rows("PostgreSQL (durable), one at a time", throughput(durable.create_database, 1000),
                                        None)
                rows += throughput_rows("PostgreSQL (durable), 4 at once", throughput(durable.create_database, 1000,
                                                                                      instances=4), 500)
            finally:
                durable.stop()
        except Exception as exc:
            rows.append(("webhook throughput, PostgreSQL", "n/a", "", f"PostgreSQL not available: {exc}"))
        kit_ms, direct_ms = create_overhead(emu.url)
        rows.append(("create-checkout-session (kit, in process)", round(kit_ms, 2), "ms", "median, against the emulator"))
        rows.append(("same session via stripe SDK directly", round(direct_ms, 2), "ms",
                     f"kit/direct = {kit_ms / direct_ms:.2f}x"))
    return rows
