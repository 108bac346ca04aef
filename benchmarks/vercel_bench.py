"""Cold start and warm latency through Vercel's Python shim (vercel_runtime's
vc_handler): a fresh interpreter answering its first request, as a cold
function does, beside the reference `import flask, stripe` measured the same way."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.core_bench import reference_process_seconds

RUNS = 5


FLOOR_APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""
REFERENCE_APP = """
import flask, stripe
app = flask.Flask(__name__)

@app.route("/api/<path:rest>")
def route(rest):
    return {"ok": True}
"""


def _first_response(source: str) -> float:
    """Median first-response time of an api/index.py holding `source`, through the shim."""
    from tests.support import vercel

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "api").mkdir()
        (Path(tmp) / "api" / "index.py").write_text(source)
        times = [vercel.invoke(Path(tmp), [vercel.request("GET", "/api/x")], {})["first_response_s"] for _ in range(RUNS)]
    return statistics.median(times)


def _timed_invocations(env: dict[str, str], requests: list[dict[str, Any]]) -> tuple[float, list[float]]:
    """(wall seconds for a fresh process to answer the first request, warm ms of the rest)."""
    from tests.support import vercel

    data = vercel.invoke(vercel.ROOT, requests[:1], env)
    cold = data["first_response_s"]
    warm_data = vercel.invoke(vercel.ROOT, requests, env)
    warm = [r["elapsed_ms"] for r in warm_data["results"][1:]]
    assert data["results"][0]["statusCode"] in (200, 303), data["results"][0]
    return cold, warm


def run() -> list[tuple[str, object, str, str]]:
    from checkout_kit import catalog as catalog_module
    from checkout_kit.devserver import seed_payload
    from checkout_kit.emulator import Emulator
    from checkout_kit.webhook_signature import sign_header
    from tests.support.deploy import first_sale
    from tests.support.vercel import ROOT, request

    secret = "whsec_bench_vercel_0001"
    rows: list[tuple[str, object, str, str]] = []
    # The same shim in front of a bare WSGI app (its floor) and of a Flask app importing stripe (the reference).
    floor = _first_response(FLOOR_APP)
    reference = _first_response(REFERENCE_APP)
    rows.append(("shim floor: bare WSGI app via vc_handler", round(floor * 1000, 1), "ms",
                 f"median of {RUNS}; paid by every Python function on Vercel"))
    rows.append(("reference: Flask + stripe app via vc_handler", round(reference * 1000, 1), "ms",
                 f"median of {RUNS}; `import flask, stripe` alone: {reference_process_seconds() * 1000:.0f} ms"))
    with Emulator(port=0, settle_after=None) as emu, tempfile.TemporaryDirectory() as tmp:
        with emu.state.lock:
            emu.ctl_seed(seed_payload(catalog_module.load(str(ROOT / "catalog.toml"))))
        base_env = {"STRIPE_SECRET_KEY": "sk_test_bench", "STRIPE_API_BASE": emu.url, "STRIPE_WEBHOOK_SECRET": secret,
                    "SITE_URL": "https://shop.example.com", "OUTBOX_DIR": f"{tmp}/outbox", "RATE_LIMIT_PER_MINUTE": "0"}
        create = request("POST", "/api/create-checkout-session", first_sale().body,
                         {"content-type": "application/json"})

        def webhook(n: int) -> dict[str, Any]:
            body = json.dumps({"id": f"evt_bench_{n}_{time.time_ns()}", "type": "payment_intent.created",
                               "data": {"object": {"id": "pi_1"}}}).encode()
            return request("POST", "/api/webhook", body, {"stripe-signature": sign_header(body, secret)})

        stores: list[tuple[str, str]] = [("SQLite", f"sqlite:///{tmp}/bench.db")]
        pg = None
        try:
            from tests.support.postgres import PostgresServer

            pg = PostgresServer().start()
            stores.append(("PostgreSQL", pg.create_database()))
        except Exception as exc:
            rows.append(("PostgreSQL", "n/a", "", f"not available: {exc}"))
        for label, url in stores:
            env = dict(base_env, DATABASE_URL=url)
            for route, make in (("webhook", lambda: [webhook(n) for n in range(20)]), ("create-checkout-session", lambda: [create] * 20)):
                colds, warms = [], []
                for _ in range(RUNS):
                    cold, warm = _timed_invocations(env, make())
                    colds.append(cold)
                    warms.extend(warm)
                cold = statistics.median(colds)
                goal = {"webhook": {"SQLite": 0.5, "PostgreSQL": 1.0}, "create-checkout-session": {"SQLite": 1.0, "PostgreSQL": 1.0}}[route][label]
                own, ref_own = cold - floor, reference - floor
                rows.append((f"vercel cold {route}, {label}", round(cold * 1000, 1), "ms",
                             f"{cold / reference:.2f}x reference; above the shim floor {own * 1000:.0f} ms = "
                             f"{own / ref_own:.2f}x the reference's {ref_own * 1000:.0f} ms (goal ≤ {goal}x)"))
                rows.append((f"vercel warm {route}, {label}", round(statistics.median(warms), 2), "ms",
                             f"median of {len(warms)} warm requests through vc_handler"))
        if pg is not None:
            pg.stop()
    return rows
