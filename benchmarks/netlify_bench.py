"""Netlify through Pyodide beside its peers (issue 15), in one run: cold start and warm latency of
create-checkout-session and of a webhook through netlify/functions/api.mjs (in Node, called as
Netlify calls it, by tests/netlify/driver.mjs), against the Stripe emulator, a real PostgreSQL and
the Resend API stand-in, beside
- the peer: a plain Node function creating the same Checkout Session with stripe-node
  (benchmarks/stripe_peer.mjs, stripe pinned below, installed from npm into ~/.cache/checkout-kit/),
  started and driven the same way;
- Vercel: benchmarks/vercel_bench.py's own measurement, on the same PostgreSQL server.

Cold: wall time from starting a fresh process to its first response. Warm: the handler's own time
for each later request in the same process. Goals (issue 15): the kit's cold create-checkout-session
≤ 4× the peer's, its warm one ≤ 1.5× Vercel's. The cold start is split into its phases (the
"kit:…" performance marks of api.mjs and the bridge's own timing of its messages), so a missed
goal says what the time is spent on. The default build has the memory snapshot; one row measures
the build without it (KIT_PYODIDE_SNAPSHOT=0). Round trips per route through the bridge are in
benchmarks/netlify_trips.py.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from benchmarks import netlify_trips, vercel_bench

RUNS = 5  # fresh processes per route and platform
WARM = 20  # warm requests per process after its first
SECRET = "whsec_bench_netlify_0001"
STRIPE_NODE = "23.1.0"  # the peer's stripe-node, exact
PEER_GOAL, VERCEL_WARM_GOAL = 4.0, 1.5
Row = tuple[str, object, str, str]


def _median_process_seconds(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class Runs:
    """RUNS fresh instances of one function module, each answering a first request then WARM more."""

    def __init__(self, env: dict[str, str], make: Callable[[int], dict[str, Any]], workdir: Path, name: str,
                 module: str = "api.mjs") -> None:
        from tests.netlify.test_pyodide import Instance

        self.colds: list[float] = []  # seconds, process start to first answer (as the caller saw it)
        self.firsts: list[dict[str, Any]] = []  # each instance's first answer (marks, bridge, at_ms)
        self.warms: list[float] = []  # ms, handler time of the later requests
        self.warm_waits: list[tuple[float, float]] = []  # ms each waited on Stripe and on SQL through the bridge
        self.rss: list[float] = []
        for run in range(RUNS):
            instance = Instance(env, workdir, f"{name}{run}", module)
            try:
                instance.submit(make(0))
                first = instance.receive(timeout=120)
                self.colds.append(time.perf_counter() - instance.started)
                assert first["status"] == 200, (first["status"], instance.stderr()[-2000:])
                self.firsts.append(first)
                for n in range(1, WARM + 1):
                    answer = instance.send(make(n))
                    assert answer["status"] == 200, answer["status"]
                    self.warms.append(answer["ms"])
                    waited = answer.get("bridge") or {}  # the peer has no bridge
                    self.warm_waits.append((waited.get("fetch_ms", 0.0), waited.get("sqlBatch_ms", 0.0)))
                self.rss.append(answer["rss_mb"])
            finally:
                instance.close()

    @property
    def cold(self) -> float:
        return statistics.median(self.colds)

    @property
    def warm(self) -> float:
        return statistics.median(self.warms)

    def spread(self) -> str:
        return f"median of {RUNS} fresh Node processes (range {min(self.colds) * 1000:.0f}–{max(self.colds) * 1000:.0f})"


def phase_rows(runs: Runs, route: str) -> list[Row]:
    """Where a cold start's time goes, measured in each instance (medians over the instances)."""
    def med(pick: Callable[[dict[str, Any]], float]) -> float:
        return round(statistics.median(pick(first) for first in runs.firsts), 1)

    def python(first: dict[str, Any]) -> float:  # the first request after boot, less its bridge waits
        waits = first["bridge"]["fetch_ms"] + first["bridge"]["sqlBatch_ms"]
        return first["at_ms"] - first["marks"]["ready"] - waits

    phases: list[tuple[str, Callable[[dict[str, Any]], float]]] = [
        ("Node start, api.mjs's imports, the request read", lambda f: f["marks"]["boot"]),
        ("Pyodide restored from the snapshot", lambda f: f["marks"]["pyodide"] - f["marks"]["boot"]),
        ("environment, mount, install", lambda f: f["marks"]["ready"] - f["marks"]["pyodide"]),
        ("first request: the kit's Python", python),
        ("first request: Stripe through the bridge", lambda f: f["bridge"]["fetch_ms"]),
        ("first request: SQL through the bridge", lambda f: f["bridge"]["sqlBatch_ms"]),
    ]
    rows = [(f"netlify cold {route}: {name}", med(pick), "ms", f"median of {RUNS} instances") for name, pick in phases]
    outside = runs.cold * 1000 - statistics.median(f["at_ms"] for f in runs.firsts)
    rows.append((f"netlify cold {route}: process spawn and pipes", round(outside, 1), "ms",
                 "the bench's wall time less the instance's own clock; the peer pays it too"))
    return rows


def _peer_module(workdir: Path) -> str:
    """benchmarks/stripe_peer.mjs beside a pinned stripe-node from npm (cached), as a bundle would have it."""
    from tests.support.npm_cache import installed

    home = installed("stripe", STRIPE_NODE, folder=f"stripe-node-{STRIPE_NODE}")
    target = home / "stripe_peer.mjs"
    shutil.copy(Path(__file__).with_name("stripe_peer.mjs"), target)
    return str(target)


def _build(snapshot: bool) -> float:
    from tests.support import vercel

    started = time.perf_counter()
    subprocess.run(["sh", "scripts/build-netlify.sh"], cwd=vercel.ROOT, check=True, capture_output=True,
                   env={**os.environ, "PYTHON": sys.executable, "KIT_PYODIDE_SNAPSHOT": "1" if snapshot else "0"})
    return time.perf_counter() - started


def run() -> list[Row]:
    from checkout_kit.store import open_store
    from checkout_kit.webhook_signature import sign_header
    from tests.core.test_mail import MailApiStandIn
    from tests.netlify.test_pyodide import Instance, paid_event, req
    from tests.support.deploy import first_sale, seeded_emulator
    from tests.support import vercel

    if not (shutil.which("node") and shutil.which("npm")):
        return [("netlify", "n/a", "", "node and npm are needed (Node 20+): not on PATH")]
    try:
        from tests.support.postgres import PostgresServer

        pg = PostgresServer().start()
    except Exception as exc:
        return [("netlify", "n/a", "", f"PostgreSQL not available: {exc}")]
    build_s = _build(snapshot=True)  # the build Netlify runs (bytecode and memory snapshot included)
    rows: list[Row] = []
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the mail stand-in's access log
    mail_api = MailApiStandIn()
    try:
        with seeded_emulator() as emu, tempfile.TemporaryDirectory() as tmp:
            common = {"STRIPE_SECRET_KEY": "sk_test_bench", "STRIPE_API_BASE": emu.url, "STRIPE_WEBHOOK_SECRET": SECRET,
                      "SITE_URL": "https://shop.example.com", "RATE_LIMIT_PER_MINUTE": "0"}
            netlify_env = dict(common, NETLIFY="true", DATABASE_URL=pg.create_database(), MAIL_API="resend",
                               MAIL_API_KEY="re_test_key", MAIL_API_BASE=mail_api.url,
                               EMAIL_FROM="Shop <shop@shop.example>",
                               KIT_SIGNING_KEY="bench-signing-key-0123456789-abcdefghijklmnop")
            vercel_env = dict(common, DATABASE_URL=pg.create_database(), OUTBOX_DIR=f"{tmp}/outbox")
            create_body = first_sale().body
            workdir = Path(tmp)
            manifest = json.loads((vercel.ROOT / "netlify/python/_pyodide_snapshot/manifest.json").read_text())
            rows.append(("netlify memory snapshot file", round(manifest["bytes"] / 2**20, 1), "MiB",
                         f"{manifest['file']}; made in {manifest['build_ms'] / 1000:.1f} s (whole build-netlify.sh "
                         f"{build_s:.1f} s); {manifest['imported']} imported"))

            def event_body(n: int) -> bytes:  # the event vercel_bench sends: signed, logged, not an order
                return json.dumps({"id": f"evt_bench_{n}_{time.time_ns()}", "type": "payment_intent.created",
                                   "data": {"object": {"id": "pi_1"}}}).encode()

            create = lambda n: req("POST", "/api/create-checkout-session", create_body,  # noqa: E731
                                   {"content-type": "application/json"})
            routes: dict[str, tuple[Callable[[int], dict], Callable[[int], dict]]] = {
                "create-checkout-session": (
                    create,
                    lambda n: vercel.request("POST", "/api/create-checkout-session", create_body,
                                             {"content-type": "application/json"})),
                "webhook": (
                    lambda n: (lambda b: req("POST", "/api/webhook", b, {"content-type": "application/json",
                                                                       "stripe-signature": sign_header(b, SECRET)}))(event_body(n)),
                    lambda n: (lambda b: vercel.request("POST", "/api/webhook", b,
                                                        {"stripe-signature": sign_header(b, SECRET)}))(event_body(n))),
            }
            node_floor = _median_process_seconds(["node", "-e", "0"])
            rows.append(("floor: `node -e 0`", round(node_floor * 1000, 1), "ms",
                         f"median of {RUNS}; paid by any Node function, before Pyodide"))
            peer = Runs(dict(common), create, workdir, "peer", module=_peer_module(workdir))
            all_rss: list[float] = []
            for route, (netlify_request, vercel_request) in routes.items():
                kit = Runs(netlify_env, netlify_request, workdir, route)
                all_rss += kit.rss
                v_colds, v_warms = [], []
                for _ in range(RUNS):  # vercel_bench's measurement, unchanged
                    cold, warm = vercel_bench._timed_invocations(vercel_env, [vercel_request(n) for n in range(WARM + 1)])
                    v_colds.append(cold)
                    v_warms.extend(warm)
                v_cold, v_warm = statistics.median(v_colds), statistics.median(v_warms)
                rows.append((f"netlify cold {route}, PostgreSQL", round(kit.cold * 1000, 1), "ms",
                             f"{kit.spread()}; {kit.cold / v_cold:.1f}x Vercel's"))
                if route == "create-checkout-session":
                    ratio = kit.cold / peer.cold
                    rows.append((f"peer    cold {route} (Node + stripe-node {STRIPE_NODE})", round(peer.cold * 1000, 1),
                                 "ms", f"{peer.spread()}; benchmarks/stripe_peer.mjs"))
                    rows.append((f"netlify/peer cold {route}", round(ratio, 2), "x",
                                 f"goal ≤ {PEER_GOAL:g}x: " + ("met" if ratio <= PEER_GOAL else
                                                              f"missed by {kit.cold * 1000 - PEER_GOAL * peer.cold * 1000:.0f} ms")))
                    rows += phase_rows(kit, route)
                rows.append((f"vercel  cold {route}, PostgreSQL", round(v_cold * 1000, 1), "ms",
                             f"median of {RUNS}; vercel_bench's measurement (vc_handler, CPython)"))
                stripe_ms = statistics.median(w[0] for w in kit.warm_waits)
                sql_ms = statistics.median(w[1] for w in kit.warm_waits)
                rows.append((f"netlify warm {route}, PostgreSQL", round(kit.warm, 2), "ms",
                             f"median of {len(kit.warms)} ({WARM} in each of {RUNS} instances); of which waiting on "
                             f"Stripe {stripe_ms:.2f} ms and SQL {sql_ms:.2f} ms through the bridge (medians)"))
                if route == "create-checkout-session":
                    rows.append((f"peer    warm {route}", round(peer.warm, 2), "ms",
                                 f"median of {len(peer.warms)}"))
                rows.append((f"vercel  warm {route}, PostgreSQL", round(v_warm, 2), "ms",
                             f"median of {len(v_warms)} warm requests through vc_handler"))
                ratio = kit.warm / v_warm
                goal = (f"; goal ≤ {VERCEL_WARM_GOAL:g}x: " + ("met" if ratio <= VERCEL_WARM_GOAL else
                        f"missed by {kit.warm - VERCEL_WARM_GOAL * v_warm:.1f} ms")) if route == "create-checkout-session" else ""
                rows.append((f"netlify/vercel warm {route}", round(ratio, 2), "x", f"same DB server{goal}"))
            rows.append(("netlify RSS after the warm requests", round(statistics.median(all_rss)), "MB",
                         f"median of {len(all_rss)} instances (Node + Pyodide + the kit)"))

            # The same function built without the snapshot (KIT_PYODIDE_SNAPSHOT=0), then the default again.
            _build(snapshot=False)
            try:
                plain = Runs(netlify_env, create, workdir, "plain")
            finally:
                _build(snapshot=True)
            rows.append(("netlify cold create-checkout-session, no snapshot", round(plain.cold * 1000, 1), "ms",
                         f"{plain.spread()}; KIT_PYODIDE_SNAPSHOT=0; RSS {statistics.median(plain.rss):.0f} MB"))

            rows += netlify_trips.run(pg, emu, mail_api, netlify_env, workdir)

            # A webhook that does the whole job: records a paid order and posts its receipt (Netlify only).
            bodies = [paid_event(emu)[1] for _ in range(WARM + 1)]
            paid = lambda n: req("POST", "/api/webhook", bodies[n], {"content-type": "application/json",  # noqa: E731
                                                                    "stripe-signature": sign_header(bodies[n], SECRET)})
            instance = Instance(netlify_env, workdir, "fulfil")
            try:
                instance.send(req("GET", "/api/health"), timeout=120)
                times = []
                for n in range(WARM + 1):
                    answer = instance.send(paid(n))
                    assert answer["status"] == 200 and b"fulfilled" in base64.b64decode(answer["body_b64"])
                    times.append(answer["ms"])
            finally:
                instance.close()
            store = open_store(netlify_env["DATABASE_URL"])
            try:  # every timed webhook did its work: the paid ones recorded, each with its receipt sent
                logged = [d.outcome for d in store.deliveries()]
                assert logged.count("fulfilled") >= WARM + 1, logged
            finally:
                store.close()
            rows.append(("netlify warm webhook that fulfils + sends receipt", round(statistics.median(times[1:]), 2), "ms",
                         f"median of {WARM}; order, items and outbox in PostgreSQL, POST to the mail stand-in"))
    finally:
        mail_api.close()
        pg.stop()
    return rows
