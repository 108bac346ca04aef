"""Netlify through Pyodide: netlify/functions/api.mjs, called as Netlify calls it
(default export, real `Request` objects, in Node) by tests/netlify/driver.mjs, runs
the kit's unchanged Python core in Pyodide against the Stripe emulator on loopback,
a real PostgreSQL (through the bridge's node-postgres client) and a local stand-in
for the Resend HTTP API (through the bridge's fetch).

The second half replays the core's integration scenarios (tests/core/test_orders.py)
through the function, on a pool of warm instances (one Node process each, driver.mjs's
`serve` mode) that share one database, as a Netlify site's instances do."""

from __future__ import annotations

import base64
import json
import queue
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
import stripe

from checkout_kit.emulator import Emulator
from checkout_kit.pyodide_sql import decode_rows, numbered_placeholders, sql_param
from checkout_kit.web import environ_for
from checkout_kit.store import open_store
from checkout_kit.webhook_signature import sign_header
from tests.netlify.conftest import SECRET, netlify_env
from tests.support.deploy import MailApiStandIn, first_sale, odd_bytes, paid_session_event, seeded_emulator
from tests.support.outbox import drained, make_due

DRAINED_ONE = {"done": 1, "retrying": 0, "gave_up": 0, "pending": 0}

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "driver.mjs"


def req(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict:
    return {"method": method, "path": path, "headers": headers or {},
            "body_b64": base64.b64encode(body).decode() if body else ""}


def body_of(answer: dict) -> bytes:
    return base64.b64decode(answer["body_b64"])


def paid_event(emulator: Emulator) -> tuple[str, bytes]:
    """A paid session's checkout.session.completed, as bytes a re-serialisation would change."""
    session_id, event = paid_session_event(emulator)
    return session_id, odd_bytes(event)


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
        req("POST", "/api/create-checkout-session", first_sale().body,
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
    created = json.loads(body_of(create))["url"]
    assert created.startswith(f"{emulator.url}/c/pay/cs_test_")
    # The record of intent: posted, and handed to Netlify's waitUntil to be finished after the answer.
    assert create["bridge"]["posted"] == 1 and create["waited_until"] == 1
    assert summary["status"] == 200 and summary["headers"]["cache-control"] == "no-store"
    assert summary["headers"]["referrer-policy"] == "no-referrer"
    detail = json.loads(body_of(summary))
    assert detail["payment_status"] == "paid" and detail["customer_email"] == "buyer@example.com"
    assert cron["status"] == 200 and json.loads(body_of(cron))["pending"] == 0
    assert missing["status"] == 404

    store = open_store(function_env["DATABASE_URL"])
    try:
        assert store.count("orders") == 1 and store.count("jobs") == 1
        assert store.get_order(session_id).status == "paid"
        # Netlify's waitUntil held the invocation until the record of intent was written.
        assert [row[0] for row in store._query("SELECT session_id FROM checkout_intents")] == \
            [created.split("/c/pay/")[1].split("#")[0].split("?")[0]]
        assert store.pending_email_count() == 0
    finally:
        store.close()
    sent = receipts(mail_api, session_id)
    assert len(sent) == 1 and sent[0]["to"] == ["buyer@example.com"]
    assert len(mail_api.requests) == 1


def test_misconfiguration_answers_500_and_names_the_variable(netlify_build, tmp_path):
    env = {"NETLIFY": "true", "DATABASE_URL": "postgresql://kit@127.0.0.1:9/none", "STRIPE_SECRET_KEY": "sk_test_x",
           "SITE_URL": "https://shop.example.com"}  # no SMTP_URL or MAIL_API: no way to send email on Netlify
    proc = start({"env": env, "requests": [req("GET", "/api/health")]}, tmp_path, "misconfigured")
    out, err = proc.communicate(timeout=60)
    answer = json.loads(out.strip().splitlines()[-1])["results"][0]
    assert answer["status"] == 500 and json.loads(body_of(answer))["error"]["code"] == "misconfigured"
    assert "SMTP_URL" in err and "emails cannot be written to files on Netlify" in err


# ---- the pure parts of checkout_kit/pyodide_platform.py and pyodide_sql.py, on CPython -----

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
    make_due(function_env["DATABASE_URL"])  # the daily schedule comes after the receipt's backoff
    cron = finish(start({"env": function_env, "module": "outbox-cron.mjs", "requests": [{"method": "GET"}]},
                        tmp_path, "cron"))["results"][0]
    assert cron["status"] == 200 and drained(json.loads(body_of(cron))) == DRAINED_ONE
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


# ---- the core's integration scenarios, through warm instances of the function --------------

class Instance:
    """One warm Netlify function instance: a Node process that imports api.mjs once and answers
    requests one per line (driver.mjs `serve`), so a group of scenarios pays one cold start."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str, module: str = "api.mjs") -> None:
        plan = workdir / f"{name}.json"
        plan.write_text(json.dumps({"env": env, "serve": True, "module": module}))
        self.log = workdir / f"{name}.stderr"
        self.started = time.perf_counter()
        with open(self.log, "w") as err:  # a file, not a pipe: a long-lived process must never block on its log
            self.proc = subprocess.Popen(["node", str(DRIVER), str(plan)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("@@result "):
                self.lines.put(line[len("@@result "):])
        self.lines.put(None)

    def submit(self, request: dict) -> None:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float = 60) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no answer in {timeout} s; log:\n{self.stderr()[-3000:]}") from None
        if line is None:
            raise AssertionError(f"the instance exited ({self.proc.wait()}); log:\n{self.stderr()[-3000:]}")
        return json.loads(line)

    def send(self, request: dict, timeout: float = 60) -> dict:
        self.submit(request)
        return self.receive(timeout)

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class NetlifyShop:
    """The emulator, the mail API stand-in, the database and a pool of warm instances sharing it."""

    def __init__(self, emulator: Emulator, mail_api: MailApiStandIn, env: dict[str, str], instances: list[Instance]):
        self.emulator, self.mail_api, self.env, self.instances = emulator, mail_api, env, instances
        self.store = open_store(env["DATABASE_URL"])
        self.stripe = stripe.StripeClient("sk_test_x", base_addresses={"api": emulator.url})

    def new_session(self) -> str:
        return self.stripe.v1.checkout.sessions.create(params=first_sale().session_params).id

    def control(self, path: str, body: dict) -> dict:
        """The emulator's control routes, over HTTP as any tool would call them."""
        request = urllib.request.Request(f"{self.emulator.url}/_emulator/{path}", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def event(self, event_type: str, session_id: str) -> dict:
        """The one event of this type the emulator emitted for the session (GET /v1/events, as Stripe serves it)."""
        request = urllib.request.Request(f"{self.emulator.url}/v1/events?type={event_type}&limit=100",
                                         headers={"Authorization": "Bearer sk_test_x"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            events = [e for e in json.load(answer)["data"] if e["data"]["object"]["id"] == session_id]
        assert len(events) == 1, (event_type, session_id, events)
        return events[0]

    def deliver(self, event: dict, instance: int = 0) -> tuple[int, dict]:
        """Stripe's delivery of the event, signed with the function's STRIPE_WEBHOOK_SECRET."""
        answer = self.instances[instance].send(signed(json.dumps(event).encode()))
        return answer["status"], json.loads(body_of(answer))

    def mail(self, session_id: str, kind: str | None = None) -> list[dict]:
        """What the stand-in received for the session (every attempt, refused ones included)."""
        return [json.loads(body) for path, headers, body in list(self.mail_api.requests)
                if path == "/emails" and headers.get("Idempotency-Key", "").split(":")[0] == session_id
                and (kind is None or headers["Idempotency-Key"] == f"{session_id}:{kind}")]


POOL = 8  # instances: the 8 concurrent deliveries come from 8 processes, as from 8 warm Netlify instances


@pytest.fixture(scope="module")
def shop(netlify_build, postgres, tmp_path_factory) -> Iterator[NetlifyShop]:
    mail_api = MailApiStandIn()
    with seeded_emulator() as emu:
        env = netlify_env(postgres.create_database(), emu, mail_api)
        workdir = tmp_path_factory.mktemp("instances")
        instances = [Instance(env, workdir, f"instance{i}") for i in range(POOL)]
        shop = NetlifyShop(emu, mail_api, env, instances)
        try:
            for instance in instances:  # cold starts, all at once; then every instance is warm
                instance.submit(req("GET", "/api/health"))
            assert all(instance.receive(timeout=180)["status"] == 200 for instance in instances)
            yield shop
        finally:
            for instance in instances:
                instance.close()
            shop.store.close()
            mail_api.close()


@pytest.mark.parametrize("concurrent_first", [True, False],
                         ids=["8-concurrent-then-5-sequential", "5-sequential-then-8-concurrent"])
def test_13_duplicate_and_concurrent_deliveries_leave_one_order_and_one_receipt(shop, concurrent_first):
    session_id = shop.new_session()
    assert shop.control(f"sessions/{session_id}/pay", {"email": "buyer@example.com"})["result"] == "paid"
    event = shop.event("checkout.session.completed", session_id)
    delivery = signed(json.dumps(event).encode())

    def concurrent() -> list[dict]:
        for instance in shop.instances:  # all warm: the 8 deliveries are in flight together
            instance.submit(delivery)
        answers = [instance.receive() for instance in shop.instances]
        in_flight = max(sum(a["started"] <= b["started"] < a["ended"] for a in answers) for b in answers)
        # They overlap (here all 8 are in flight at once): the race is real, not 8 turns.
        assert in_flight >= POOL // 2, [(a["started"], a["ended"]) for a in answers]
        return answers

    def sequential() -> list[dict]:
        return [shop.instances[0].send(delivery) for _ in range(5)]

    answers = concurrent() + sequential() if concurrent_first else sequential() + concurrent()
    assert [a["status"] for a in answers] == [200] * 13, [body_of(a) for a in answers]
    outcomes = [json.loads(body_of(a))["outcome"] for a in answers]
    assert outcomes.count("fulfilled") == 1 and outcomes.count("duplicate_event") == 12, outcomes
    logged = [d.outcome for d in shop.store.deliveries(event["id"])]
    assert sorted(logged) == sorted(outcomes)
    order = shop.store.get_order(session_id)
    assert order.status == "paid" and len(order.items) == 1
    assert [(m.kind, m.status) for m in shop.store.emails(session_id)] == [("receipt", "sent")]
    sent = shop.mail(session_id)
    assert len(sent) == 1 and sent[0]["to"] == ["buyer@example.com"]


def test_async_payment_success_is_awaiting_then_paid_with_one_receipt(shop):
    session_id = shop.new_session()
    assert shop.control(f"sessions/{session_id}/pay", {"method": "bank", "email": "buyer@example.com"})["result"] == \
        "processing"
    completed = shop.event("checkout.session.completed", session_id)
    assert shop.deliver(completed) == (200, {"received": True, "outcome": "updated"})
    order = shop.store.get_order(session_id)
    assert order.status == "awaiting_payment" and order.items[0].fulfillment == {}
    assert shop.store.emails(session_id) == [] and shop.mail(session_id) == []  # no receipt before the money

    assert shop.control(f"sessions/{session_id}/settle", {"outcome": "succeeded"})["outcome"] == "succeeded"
    succeeded = shop.event("checkout.session.async_payment_succeeded", session_id)
    assert shop.deliver(succeeded, instance=1) == (200, {"received": True, "outcome": "fulfilled"})
    order = shop.store.get_order(session_id)
    assert order.status == "paid" and order.items[0].fulfillment["type"] == "download"
    assert shop.deliver(succeeded, instance=2)[1]["outcome"] == "duplicate_event"
    assert shop.deliver(completed, instance=3)[1]["outcome"] == "duplicate_event"  # a late replay: no step back
    assert shop.store.get_order(session_id).status == "paid"
    assert [(m.kind, m.status) for m in shop.store.emails(session_id)] == [("receipt", "sent")]
    assert len(shop.mail(session_id, "receipt")) == 1 and len(shop.mail(session_id)) == 1


def test_async_payment_failure_sends_the_failure_notice_and_no_receipt(shop):
    session_id = shop.new_session()
    shop.control(f"sessions/{session_id}/pay", {"method": "bank", "account": "000111111113",
                                                 "email": "buyer@example.com"})
    assert shop.deliver(shop.event("checkout.session.completed", session_id))[1]["outcome"] == "updated"
    assert shop.store.get_order(session_id).status == "awaiting_payment"
    assert shop.control(f"sessions/{session_id}/settle", {})["outcome"] == "failed"
    failed = shop.event("checkout.session.async_payment_failed", session_id)
    assert shop.deliver(failed) == (200, {"received": True, "outcome": "updated"})
    assert shop.store.get_order(session_id).status == "payment_failed"
    assert [(m.kind, m.status) for m in shop.store.emails(session_id)] == [("payment_failed", "sent")]
    [notice] = shop.mail(session_id)
    assert shop.mail(session_id, "payment_failed") == [notice] and shop.mail(session_id, "receipt") == []
    assert notice["to"] == ["buyer@example.com"] and "did not go through" in notice["subject"]
    summary = shop.instances[0].send(req("GET", f"/api/checkout-session?session_id={session_id}"))
    assert summary["status"] == 200 and json.loads(body_of(summary))["order_status"] == "payment_failed"


def test_expired_session_leaves_no_order_and_sends_nothing(shop):
    session_id = shop.new_session()
    shop.control(f"sessions/{session_id}/expire", {})
    expired = shop.event("checkout.session.expired", session_id)
    assert shop.deliver(expired) == (200, {"received": True, "outcome": "no_order"})
    assert shop.store.is_processed(expired["id"])
    assert shop.store.get_order(session_id) is None and shop.store.emails(session_id) == []
    assert shop.mail(session_id) == []


@pytest.mark.parametrize("status,retry", [(409, "webhook"), (500, "cron")])
def test_mail_api_refusal_leaves_the_email_pending_and_one_retry_sends_it(shop, status, retry):
    """The Resend stand-in answers 409 (an idempotency conflict) or 500 once: the order stands, the
    receipt stays pending, and the next webhook (any delivery) or the cron route sends it, once."""
    session_id = shop.new_session()
    shop.control(f"sessions/{session_id}/pay", {"email": "buyer@example.com"})
    event = shop.event("checkout.session.completed", session_id)
    shop.mail_api.statuses = [status]
    assert shop.deliver(event) == (200, {"received": True, "outcome": "fulfilled"})
    assert shop.store.get_order(session_id).status == "paid"
    [pending] = shop.store.emails(session_id)
    assert (pending.kind, pending.status, pending.attempts) == ("receipt", "pending", 1)
    assert f"HTTP {status}" in pending.last_error and len(shop.mail(session_id)) == 1
    make_due(shop.store)  # the retry comes after the receipt's backoff
    if retry == "webhook":  # Stripe redelivers: a duplicate, which still retries pending emails
        assert shop.deliver(event, instance=1)[1]["outcome"] == "duplicate_event"
    else:
        cron = shop.instances[1].send(req("GET", "/api/cron/outbox",
                                          headers={"authorization": "Bearer cron-secret-for-tests"}))
        assert cron["status"] == 200 and drained(json.loads(body_of(cron))) == DRAINED_ONE
    [sent] = shop.store.emails(session_id)
    assert (sent.status, sent.attempts) == ("sent", 2)
    again = shop.instances[2].send(req("GET", "/api/cron/outbox", headers={"authorization": "Bearer cron-secret-for-tests"}))
    assert drained(json.loads(body_of(again))) == {"done": 0, "retrying": 0, "gave_up": 0, "pending": 0}
    attempts = shop.mail(session_id, "receipt")
    assert len(attempts) == 2 and attempts[0] == attempts[1]  # the same email, the same Idempotency-Key
