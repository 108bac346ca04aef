"""Netlify through Pyodide: netlify/functions/api.mjs, called as Netlify calls it
(default export, real `Request` objects, in Node) by tests/netlify/driver.mjs, runs
the kit's unchanged Python core in Pyodide against the Stripe emulator on loopback,
a real PostgreSQL (through the bridge's node-postgres client) and a local stand-in
for the Resend HTTP API (through the bridge's fetch)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import stripe

from checkout_kit import catalog as catalog_module
from checkout_kit.devserver import seed_payload
from checkout_kit.emulator import Emulator
from checkout_kit.pyodide_platform import decode_rows, environ_for, numbered_placeholders, sql_param
from checkout_kit.store import open_store
from checkout_kit.webhook_signature import sign_header
from tests.core.test_mail import MailApiStandIn

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "driver.mjs"
SECRET = "whsec_netlify_pyodide_tests_01"
NODE_MISSING = not (shutil.which("node") and shutil.which("npm"))


@pytest.fixture(scope="session")
def netlify_build() -> Path:
    """scripts/build-netlify.sh, as Netlify's build runs it (it reuses node_modules and the vendored wheels)."""
    if NODE_MISSING:
        pytest.skip("node and npm are needed for the Netlify function (Node 20+): not on PATH")
    subprocess.run(["sh", "scripts/build-netlify.sh"], cwd=ROOT, check=True, capture_output=True, timeout=300,
                   env={**os.environ, "PYTHON": sys.executable})
    return ROOT / "netlify"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(port=0, settle_after=None) as emu:
        with emu.state.lock:
            emu.ctl_seed(seed_payload(catalog_module.load(str(ROOT / "catalog.toml"))))
        yield emu


@pytest.fixture
def mail_api() -> Iterator[MailApiStandIn]:
    api = MailApiStandIn()
    yield api
    api.close()


@pytest.fixture
def function_env(netlify_build, emulator, postgres, mail_api) -> dict[str, str]:
    """What a Netlify site sets: PostgreSQL, the Resend API (here its stand-in), test keys."""
    return {"NETLIFY": "true", "DATABASE_URL": postgres.create_database(), "STRIPE_SECRET_KEY": "sk_test_netlify",
            "STRIPE_API_BASE": emulator.url, "STRIPE_WEBHOOK_SECRET": SECRET, "SITE_URL": "https://shop.example.com",
            "MAIL_API": "resend", "MAIL_API_KEY": "re_test_key", "MAIL_API_BASE": mail_api.url,
            "EMAIL_FROM": "Shop <shop@shop.example>", "CRON_SECRET": "cron-secret-for-tests"}


def req(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict:
    return {"method": method, "path": path, "headers": headers or {},
            "body_b64": base64.b64encode(body).decode() if body else ""}


def body_of(answer: dict) -> bytes:
    return base64.b64decode(answer["body_b64"])


def paid_event(emulator: Emulator) -> tuple[str, bytes]:
    """A paid session's checkout.session.completed, as bytes a re-serialisation would change."""
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": emulator.url})
    session = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://shop.example.com/success.html?session_id={CHECKOUT_SESSION_ID}",
        "metadata": {"kit": "checkout-kit"}, "line_items": [{"price": "price_1QkitEbookDemo000000001", "quantity": 1}]})
    with emulator.state.lock:
        emulator.ctl_pay({"email": "buyer@example.com"}, session.id)
    event = client.v1.events.list(params={"type": "checkout.session.completed", "limit": 1}).data[0].to_dict()
    event = dict(event, note="naïve café — ✓ \u2028")
    return session.id, (json.dumps(event, indent=3, ensure_ascii=False) + "\n").encode("utf-8")


def signed(body: bytes, secret: str = SECRET) -> dict:
    return req("POST", "/api/webhook", body, {"content-type": "application/json",
                                              "stripe-signature": sign_header(body, secret)})


def start(plan: dict, tmp_path: Path, name: str) -> subprocess.Popen:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(plan))
    return subprocess.Popen(["node", str(DRIVER), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, timeout: float = 60) -> dict:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def receipts(api: MailApiStandIn, session_id: str) -> list[dict]:
    return [json.loads(body) for path, headers, body in api.requests
            if path == "/emails" and headers.get("Idempotency-Key", "").startswith(session_id)]


def test_routes_through_the_netlify_function(function_env, emulator, mail_api, tmp_path):
    session_id, body = paid_event(emulator)
    plan = {"env": function_env, "requests": [
        signed(body, "whsec_forged_by_someone"),
        signed(body),
        *[signed(body) for _ in range(4)],  # the same event 5 times in all, one after the other
        req("POST", "/api/create-checkout-session", json.dumps({"priceId": "price_1QkitTshirtDemo00000001",
                                                                 "quantity": 2}).encode(),
            {"content-type": "application/json", "origin": "https://shop.example.com"}),
        req("GET", f"/api/checkout-session?session_id={session_id}"),
        req("GET", "/api/cron/outbox", headers={"authorization": "Bearer cron-secret-for-tests"}),
        req("GET", "/api/nope"),
    ]}
    data = finish(start(plan, tmp_path, "routes"))
    forged, first, *repeats = data["results"][:6]
    create, summary, cron, missing = data["results"][6:]
    assert forged["status"] == 400 and json.loads(body_of(forged))["error"]["code"] == "invalid_signature"
    assert first["status"] == 200, body_of(first)
    assert json.loads(body_of(first))["outcome"] == "fulfilled"  # signature checked over the exact bytes
    assert all(r["status"] == 200 for r in repeats), [body_of(r) for r in repeats]
    assert create["status"] == 200, body_of(create)
    assert json.loads(body_of(create))["url"].startswith(f"{emulator.url}/c/pay/cs_test_")
    assert summary["status"] == 200 and summary["headers"]["cache-control"] == "no-store"
    assert summary["headers"]["referrer-policy"] == "no-referrer"
    detail = json.loads(body_of(summary))
    assert detail["payment_status"] == "paid" and detail["customer_email"] == "buyer@example.com"
    assert cron["status"] == 200 and json.loads(body_of(cron))["pending"] == 0
    assert missing["status"] == 404

    store = open_store(function_env["DATABASE_URL"])
    try:
        assert store.count("orders") == 1 and store.count("outbox") == 1
        assert store.get_order(session_id).status == "paid"
        assert store.pending_email_count() == 0
    finally:
        store.close()
    sent = receipts(mail_api, session_id)
    assert len(sent) == 1 and sent[0]["to"] == ["buyer@example.com"]
    assert len(mail_api.requests) == 1


def test_concurrent_duplicate_deliveries_leave_one_order_and_one_receipt(function_env, emulator, mail_api, tmp_path):
    """4 instances (Node processes, each with its own Pyodide and database session) × 2 deliveries at once."""
    session_id, body = paid_event(emulator)
    procs = [start({"env": function_env, "barrier": True, "warmup": [req("GET", "/api/health")],
                    "requests": [signed(body), signed(body)]}, tmp_path, f"instance{i}") for i in range(4)]
    try:
        for proc in procs:  # every instance is warm before any delivery
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-3000:]
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers = [finish(proc) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    results = [r for data in answers for r in data["results"]]
    assert len(results) == 8 and all(r["status"] == 200 for r in results), [body_of(r) for r in results]
    outcomes = [json.loads(body_of(r))["outcome"] for r in results]
    assert outcomes.count("fulfilled") == 1, outcomes
    store = open_store(function_env["DATABASE_URL"])
    try:
        assert store.count("orders") == 1 and store.count("outbox") == 1
    finally:
        store.close()
    deadline = time.monotonic() + 5
    while not mail_api.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(receipts(mail_api, session_id)) == 1 and len(mail_api.requests) == 1


def test_misconfiguration_answers_500_and_names_the_variable(netlify_build, tmp_path):
    env = {"NETLIFY": "true", "DATABASE_URL": "postgresql://kit@127.0.0.1:9/none", "STRIPE_SECRET_KEY": "sk_test_x",
           "SITE_URL": "https://shop.example.com"}  # no SMTP_URL or MAIL_API: no way to send email on Netlify
    proc = start({"env": env, "requests": [req("GET", "/api/health")]}, tmp_path, "misconfigured")
    out, err = proc.communicate(timeout=60)
    answer = json.loads(out.strip().splitlines()[-1])["results"][0]
    assert answer["status"] == 500 and json.loads(body_of(answer))["error"]["code"] == "misconfigured"
    assert "SMTP_URL" in err and "emails cannot be written to files on Netlify" in err


# ---- the pure parts of checkout_kit/pyodide_platform.py, on CPython ---------------------

def test_placeholders_parameters_and_rows_convert_like_psycopg():
    assert numbered_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == \
        "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
    assert [sql_param(v) for v in (None, "x", 7, 2**62, 1763780000.123456, True)] == \
        [None, "x", "7", str(2**62), "1763780000.123456", "true"]
    rows = decode_rows([["9223372036854775807", "1763780000.123456", "t", None, "txt"]], [20, 701, 16, 23, 25])
    assert rows == [(9223372036854775807, 1763780000.123456, True, None, "txt")]


def test_environ_keeps_the_body_and_headers():
    body = "naïve ✓".encode()
    env = environ_for("post", "/api/webhook", "a=1", {"content-type": "application/json", "stripe-signature": "t=1",
                                                       "content-length": "999", "host": "shop.example.com"}, body)
    assert env["REQUEST_METHOD"] == "POST" and env["wsgi.input"].read() == body
    assert env["CONTENT_LENGTH"] == str(len(body)) and env["CONTENT_TYPE"] == "application/json"
    assert env["HTTP_STRIPE_SIGNATURE"] == "t=1" and env["SERVER_NAME"] == "shop.example.com"


def test_scheduled_function_sends_pending_emails(function_env, emulator, mail_api, tmp_path):
    """netlify/functions/outbox-cron.mjs calls /api/cron/outbox with CRON_SECRET: a receipt that failed is sent."""
    mail_api.statuses = [500]  # the webhook's own attempt fails; the email stays pending
    session_id, body = paid_event(emulator)
    data = finish(start({"env": function_env, "requests": [signed(body)]}, tmp_path, "webhook"))
    assert data["results"][0]["status"] == 200
    cron = finish(start({"env": function_env, "module": "outbox-cron.mjs", "requests": [{"method": "GET"}]},
                        tmp_path, "cron"))["results"][0]
    assert cron["status"] == 200 and json.loads(body_of(cron)) == {"sent": 1, "failed": 0, "pending": 0}
    assert len(receipts(mail_api, session_id)) == 2  # the failed attempt, then the scheduled retry


def test_netlify_toml_runs_the_api_in_the_pyodide_function():
    import tomllib

    from checkout_kit.security_headers import page_headers

    config = tomllib.loads((ROOT / "netlify.toml").read_text())
    fallback = tomllib.loads((ROOT / "netlify.fallback.toml").read_text())
    build = config["build"]
    assert build["publish"] == "public"
    assert build["command"] == "sh scripts/build-site.sh && sh scripts/build-netlify.sh"
    functions = config["functions"]
    assert functions["directory"] == "netlify/functions"
    assert {"netlify/python/**", "netlify/python-stdlib.zip", "netlify/lib/**", "netlify/node_modules/**"} <= \
        set(functions["included_files"])
    assert {"pyodide", "pg"} <= set(functions["external_node_modules"])
    assert not [r for r in config.get("redirects", []) if r["from"].startswith("/api/")]  # the function's path
    assert 'export const config = { path: "/api/*" };' in (ROOT / "netlify/functions/api.mjs").read_text()
    assert config["headers"] == fallback["headers"]  # same CSP and security headers as the fallback (tested there)
    pages = next(h for h in config["headers"] if h["for"] == "/*")["values"]
    assert all(pages[key] == value for key, value in page_headers())
    lock = json.loads((ROOT / "netlify/package-lock.json").read_text())
    pinned = json.loads((ROOT / "netlify/package.json").read_text())["dependencies"]
    assert all(v[0].isdigit() for v in pinned.values())  # exact versions
    assert {name: lock["packages"][f"node_modules/{name}"]["version"] for name in pinned} == pinned
