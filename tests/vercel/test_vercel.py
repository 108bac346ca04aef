"""Deploying to Vercel: the entry point runs through Vercel's own Python shim
(vercel_runtime.vc_init.vc_handler, the version @vercel/python pins), from the
repository and from a bundle built as Vercel builds it; vercel.json publishes
only the public set and carries the same security headers as the dev server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checkout_kit.emulator import Emulator
from checkout_kit.public_site import public_files
from checkout_kit.security_headers import page_headers
from checkout_kit.web import ROUTES
from checkout_kit.webhook_signature import sign_header
from tests.support import vercel
from tests.support.deploy import first_sale, odd_bytes, paid_session_event
from tests.support.vercel import ROOT, decode_body, request

from tests.vercel.conftest import SECRET


def shop_requests(session_id: str, event: dict) -> list[dict]:
    body = odd_bytes(event)
    return [
        request("POST", "/api/webhook", body, {"content-type": "application/json", "stripe-signature": sign_header(body, SECRET)}),
        request("POST", "/api/webhook", body, {"content-type": "application/json",
                                               "stripe-signature": sign_header(body, "whsec_forged_by_someone")}),
        request("POST", "/api/create-checkout-session", first_sale().body,
                {"content-type": "application/json", "origin": "https://shop.example.com", "x-forwarded-for": "203.0.113.7"}),
        request("GET", f"/api/checkout-session?session_id={session_id}"),
        request("GET", "/api/cron/outbox", headers={"authorization": "Bearer cron-secret-for-tests"}),
        request("GET", "/api/nope"),
    ]


def check_answers(data: dict, emulator: Emulator, smtp) -> None:
    webhook, forged, create, summary, cron, missing = data["results"]
    assert webhook["statusCode"] == 200, decode_body(webhook)
    assert json.loads(decode_body(webhook))["outcome"] == "fulfilled"
    assert forged["statusCode"] == 400 and json.loads(decode_body(forged))["error"]["code"] == "invalid_signature"
    assert create["statusCode"] == 200, decode_body(create)
    assert json.loads(decode_body(create))["url"].startswith(f"{emulator.url}/c/pay/cs_test_")
    assert summary["statusCode"] == 200
    detail = json.loads(decode_body(summary))
    assert detail["payment_status"] == "paid" and detail["customer_email"] == "buyer@example.com"
    headers = {k.lower(): v for k, v in summary["headers"].items()}
    assert headers["cache-control"] == ["no-store"] and headers["referrer-policy"] == ["no-referrer"]
    assert cron["statusCode"] == 200 and json.loads(decode_body(cron))["pending"] == 0
    assert missing["statusCode"] == 404
    assert "stripe" not in data["modules"]  # the kit's own Stripe client: no SDK on any route
    smtp.wait_for(lambda ms: len(ms) == 2)


def test_routes_through_the_vercel_shim(emulator, function_env, smtp):
    session_id, event = paid_session_event(emulator)
    data = vercel.invoke(ROOT, shop_requests(session_id, event), function_env)
    check_answers(data, emulator, smtp)


def test_webhook_path_alone_loads_neither_stripe_nor_jinja_for_ignored_events(emulator, function_env):
    body = json.dumps({"id": "evt_x", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}).encode()
    data = vercel.invoke(ROOT, [request("POST", "/api/webhook", body, {"stripe-signature": sign_header(body, SECRET)})],
                         function_env)
    assert data["results"][0]["statusCode"] == 200
    assert "stripe" not in data["modules"] and "jinja2" not in data["modules"] and "werkzeug" not in data["modules"]


def test_sqlite_is_refused_on_vercel_with_a_clear_error(emulator, function_env, caplog):
    env = dict(function_env, DATABASE_URL="sqlite:///.data/orders.db")
    data = vercel.invoke(ROOT, [request("GET", "/api/health")], env)
    answer = data["results"][0]
    assert answer["statusCode"] == 500
    assert json.loads(decode_body(answer))["error"]["code"] == "misconfigured"
    assert "DATABASE_URL" in data["stderr"] and "SQLite files do not last on Vercel" in data["stderr"]


@pytest.fixture(scope="session")
def vendor_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("vendor") / "site-packages"


def test_bundle_built_as_vercel_builds_it_has_everything_it_needs(tmp_path, vendor_cache, emulator, function_env, smtp):
    bundle = vercel.build_bundle(tmp_path / "bundle", vendor_cache)
    shipped = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file() and "_vendor" not in p.parts}
    assert "api/index.py" in shipped and "catalog.toml" in shipped
    assert not any(p.startswith(("tests/", "benchmarks/", "site/", "admin/", "checkout_kit/emulator/")) for p in shipped)
    assert not {".env", "README.md", "requirements-dev.txt"} & shipped
    session_id, event = paid_session_event(emulator)
    data = vercel.invoke(bundle, shop_requests(session_id, event), function_env, isolated=True)
    check_answers(data, emulator, smtp)
    # Isolated: nothing came from the repository or the test venv.
    assert all(not p.startswith(str(ROOT)) for p in data["sys_path"])
    assert not any("site-packages" in p and "_vendor" not in p for p in data["sys_path"])


def test_vercel_json_contract():
    config = json.loads((ROOT / "vercel.json").read_text())
    assert config["framework"] is None and config["outputDirectory"] == "public"
    assert "scripts/build-site.sh" in config["buildCommand"]
    rewrite = config["rewrites"][0]
    assert rewrite == {"source": "/api/:path*", "destination": "/api/index"}
    for cron in config["crons"]:
        assert cron["path"] in ROUTES
    assert config["functions"]["api/index.py"]["maxDuration"] >= 10
    pages = next(h for h in config["headers"] if h["source"] == "/(.*)")
    sent = {h["key"]: h["value"] for h in pages["headers"]}
    for key, value in page_headers():
        assert sent[key] == value, f"vercel.json's {key} differs from checkout_kit/security_headers.py"
    assert "form-action 'self' https://checkout.stripe.com" in sent["Content-Security-Policy"]


def test_every_api_route_is_reachable_through_the_rewrite():
    pattern = re.compile("^/api/(.*)$")
    assert all(pattern.match(route) for route in ROUTES)
    assert [p.name for p in (ROOT / "api").glob("*.py")] == ["index.py"]


def test_no_private_file_is_published(tmp_path):
    """public/ (what Vercel and Netlify serve) holds the public set only."""
    import shutil
    import subprocess

    work = tmp_path / "project"
    for rel in ["scripts/build-site.sh", "success.html", "canceled.html", "catalog.toml", "README.md"]:
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, work / rel)
    for folder in ("site", "js", "admin", "checkout_kit"):
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (work / ".env").write_text("STRIPE_SECRET_KEY=sk_test_do_not_publish\n")
    subprocess.run(["sh", "scripts/build-site.sh"], cwd=work, check=True, capture_output=True)
    published = sorted(p.relative_to(work / "public").as_posix() for p in (work / "public").rglob("*") if p.is_file())
    assert published == sorted(public_files(work))
    assert not [p for p in published if p.endswith((".py", ".toml", ".env", ".md")) or p.startswith(".")]


def test_vercel_json_respects_vercels_limits():
    """Limits `vercel build` enforces (seen: excludeFiles 'should NOT be longer than 256 characters')."""
    config = json.loads((ROOT / "vercel.json").read_text())
    assert len(config["functions"]["api/index.py"]["excludeFiles"]) <= 256


PROBE = """
import os, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url, autocommit=True) as conn:
    backends = conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'checkout-kit' "
                            "AND datname = current_database()").fetchone()[0]
found = {"backends": backends, "fds": len(os.listdir("/proc/self/fd"))}
"""


def test_two_hundred_invocations_share_a_bounded_pool(emulator, function_env, smtp):
    """Vercel's shim serves each invocation on a new thread: the connections stay within the pool
    (it once left one PostgreSQL connection per invocation open, 200 here, past max_connections)."""
    session_id, event = paid_session_event(emulator)
    body = odd_bytes(event)
    first = request("POST", "/api/webhook", body, {"content-type": "application/json",
                                                   "stripe-signature": sign_header(body, SECRET)})
    cron = request("GET", "/api/cron/outbox", headers={"authorization": "Bearer cron-secret-for-tests"})
    summary = request("GET", f"/api/checkout-session?session_id={session_id}")
    data = vercel.invoke(ROOT, [first] + [cron, summary] * 100, function_env, probe=PROBE)
    assert all(r["statusCode"] == 200 for r in data["results"]), [decode_body(r) for r in data["results"][:3]]
    assert data["probe"]["backends"] <= 4  # DATABASE_POOL_SIZE's default
    assert data["probe"]["fds"] < 64
