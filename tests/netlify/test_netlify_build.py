"""`netlify build --offline`, with the pinned Netlify CLI: Netlify's own build runs
netlify.toml's build command and packages the functions (zip-it-and-ship-it), and the
packaged API function, unzipped on its own, answers from there.

The CLI (netlify-cli@27.10.2: @netlify/build 37.3.3, @netlify/zip-it-and-ship-it
16.2.3) needs no login or site for `build --offline`. It declares Node >= 22.13 but
runs on Node 20 (what this machine has, and what netlify.toml asks Netlify for).
Netlify Functions v2 (`export default` + `config`) are always packaged by nft, whatever
`node_bundler` says: esbuild inlines the relative imports (bridge.mjs; api.mjs itself into
outbox-cron.mjs) and keeps packages external, nft traces static imports, and
`included_files` adds what is loaded by path. The zip holds the files under their common
base directory (netlify/), so the bundle sits at functions/api.mjs next to lib/, python/,
node_modules/ and python-stdlib.zip, as netlify/functions/api.mjs does in the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from checkout_kit.store import open_store
from tests.netlify.conftest import netlify_env
from tests.netlify.test_pyodide import body_of, paid_event, receipts, req, signed
from tests.support.outbox import drained, make_due
from tests.support.deploy import copy_project, first_sale
from tests.support.npm_cache import installed
from tests.support.tools import require

ROOT = Path(__file__).resolve().parents[2]
CLI_VERSION = "27.10.2"

pytestmark = pytest.mark.timeout(900)  # the first run installs the CLI (about a minute from the registry)

# Calls the packaged function's module (the one ___netlify-entry-point.mjs names) the way
# Netlify does: its default export with real Request objects. Usage: node drive.mjs pkg plan.json
DRIVER = r"""
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
const [pkg, planFile] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planFile, "utf8"));
Object.assign(process.env, plan.env);
const entry = fs.readFileSync(path.join(pkg, "___netlify-entry-point.mjs"), "utf8");
const main = entry.match(/getLambdaHandler\('([^']+)'\)/)[1];
const { default: handler, config } = await import(pathToFileURL(path.join(pkg, main)).href);
const results = [];
for (const r of plan.requests) {
  const init = { method: r.method, headers: r.headers || {} };
  if (r.body_b64) init.body = Buffer.from(r.body_b64, "base64");
  const res = await handler(new Request(`https://shop.example.com${r.path}`, init), { ip: "203.0.113.9" });
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  results.push({ status: res.status, headers, body_b64: Buffer.from(await res.arrayBuffer()).toString("base64") });
}
process.stdout.write(JSON.stringify({ main, config, results }) + "\n");
process.exit(0);
"""


@pytest.fixture(scope="session")
def netlify_cli() -> Path:
    require("node", "npm", why="the Netlify CLI runs on Node 20+")
    return installed("netlify-cli", CLI_VERSION) / "node_modules" / ".bin" / "netlify"


@pytest.fixture(scope="session")
def built(netlify_cli, tmp_path_factory) -> Path:
    """A copy of the project's files (as git sees them: no netlify/python/, node_modules or public/),
    built by `netlify build --offline`."""
    base = tmp_path_factory.mktemp("netlify-build")
    work = base / "project"
    copy_project(work)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "PYTHON": sys.executable,
           "XDG_CONFIG_HOME": str(base / "config"), "NO_UPDATE_NOTIFIER": "1"}
    for var in ("NETLIFY_AUTH_TOKEN", "NETLIFY_SITE_ID"):
        env.pop(var, None)
    subprocess.run([str(netlify_cli), "--telemetry-disable"], cwd=work, env=env, capture_output=True, timeout=120)
    result = subprocess.run([str(netlify_cli), "build", "--offline", "--context", "production"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return work


def unzip(built: Path, name: str, dest: Path) -> Path:
    """A function's zip, unzipped where no node_modules or netlify/ of the repository is in reach."""
    with zipfile.ZipFile(built / ".netlify" / "functions" / f"{name}.zip") as zf:
        zf.extractall(dest)
    assert not [p for p in dest.parents if (p / "node_modules").exists() or (p / "netlify").exists()]
    return dest


def invoke(package: Path, plan: dict, tmp_path: Path) -> dict:
    """Node, started in the package with only PATH and HOME, calls its function as Netlify would."""
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    (tmp_path / "drive.mjs").write_text(DRIVER)
    result = subprocess.run(["node", str(tmp_path / "drive.mjs"), str(package), str(tmp_path / "plan.json")],
                            cwd=package, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-4000:]
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "log": result.stdout + result.stderr}


@pytest.fixture
def function_env(emulator, postgres, mail_api) -> dict[str, str]:
    return netlify_env(postgres.create_database(), emulator, mail_api)


def test_build_publishes_public_and_packages_both_functions(built):
    functions = built / ".netlify" / "functions"
    manifest = json.loads((functions / "manifest.json").read_text())
    by_name = {f["name"]: f for f in manifest["functions"]}
    assert set(by_name) == {"api", "outbox-cron"}
    api = by_name["api"]
    assert api["runtime"] == "js" and api["runtimeVersion"] == "nodejs20.x"
    assert api["buildData"]["runtimeAPIVersion"] == 2 and api["bundler"] == "nft"  # v2 functions: always nft
    assert [r["pattern"] for r in api["routes"]] == ["/api/*"]
    assert by_name["outbox-cron"]["schedule"] == "@daily"
    published = {p.relative_to(built / "public").as_posix() for p in (built / "public").rglob("*") if p.is_file()}
    assert {"index.html", "success.html", "canceled.html", "js/stripe-checkout.js"} <= published
    assert not [p for p in published if p.endswith((".py", ".toml", ".md", ".txt", ".mjs")) or p.startswith(".")]


def test_packaged_function_holds_everything_it_needs_and_nothing_else(built):
    with zipfile.ZipFile(built / ".netlify" / "functions" / "outbox-cron.zip") as zf:
        cron = set(zf.namelist())
    assert {"functions/outbox-cron.mjs", "lib/bridge-worker.mjs", "python/checkout_kit/web.py", "python-stdlib.zip",
            "node_modules/pyodide/pyodide.asm.wasm", "node_modules/pg/package.json"} <= cron
    with zipfile.ZipFile(built / ".netlify" / "functions" / "api.zip") as zf:
        shipped = set(zf.namelist())
        bundle = zf.read("functions/api.mjs").decode()
    assert "___netlify-entry-point.mjs" in shipped
    assert "function createBridge(" in bundle and 'from "pyodide"' in bundle  # bridge inlined, pyodide external
    assert {"lib/bridge.mjs", "lib/bridge-worker.mjs", "lib/pg-pipeline.mjs"} <= shipped
    assert {"python/catalog.toml", "python/checkout_kit/web.py", "python/checkout_kit/pyodide_platform.py",
            "python/checkout_kit/pyodide_sql.py", "python/jinja2/__init__.py", "python/markupsafe/__init__.py",
            "python/dotenv/__init__.py", "python/segno/__init__.py", "python/downloads/static-shop-handbook.pdf"} <= shipped
    assert any(p.startswith("python/checkout_kit/__pycache__/") and p.endswith(".pyc") for p in shipped)
    assert "python-stdlib.zip" in shipped
    assert {"node_modules/pyodide/pyodide.mjs", "node_modules/pyodide/pyodide.asm.mjs",
            "node_modules/pyodide/pyodide.asm.wasm", "node_modules/pyodide/python_stdlib.zip",
            "node_modules/pyodide/pyodide-lock.json", "node_modules/pg/package.json",
            "node_modules/pg-protocol/package.json"} <= shipped
    assert not [p for p in shipped if p.startswith(("tests/", "site/", "benchmarks/", "public/", "netlify/", "api/"))
                or "checkout_kit/emulator/" in p or p.endswith(".so")]
    assert not [p for p in shipped if p.startswith("python/") and not p.startswith(
        ("python/checkout_kit/", "python/jinja2/", "python/markupsafe/", "python/dotenv/", "python/segno/",
         "python/catalog.toml", "python/downloads/",  # files sold as downloads, private to the function
         "python/_pyodide_snapshot/"))]  # the memory snapshot (KIT_PYODIDE_SNAPSHOT=0: none)
    assert {"lib/snapshot-check.mjs", "lib/snapshot-files.mjs"} <= shipped  # loaded by path, like the bridge's worker
    assert any(p.startswith("python/_pyodide_snapshot/pyodide-314.0.7-") for p in shipped)


def test_packaged_function_answers_from_its_own_files(built, tmp_path, emulator, function_env, mail_api):
    package = unzip(built, "api", tmp_path / "api")
    session_id, body = paid_event(emulator)  # non-ASCII bytes a re-serialisation would change
    plan = {"env": function_env, "requests": [
        signed(body),
        signed(body, "whsec_forged_by_someone"),
        req("POST", "/api/create-checkout-session", first_sale().body,
            {"content-type": "application/json", "origin": "https://shop.example.com"}),
        req("GET", f"/api/checkout-session?session_id={session_id}"),
    ]}
    data = invoke(package, plan, tmp_path)
    assert data["main"] == "./functions/api.mjs" and data["config"] == {"path": "/api/*"}
    assert "pyodide: restored from snapshot pyodide-314.0.7-" in data["log"]  # the default build's, still matching
    webhook, forged, create, summary = data["results"]
    assert webhook["status"] == 200, body_of(webhook)
    assert json.loads(body_of(webhook))["outcome"] == "fulfilled"  # signature checked over the exact bytes
    assert forged["status"] == 400 and json.loads(body_of(forged))["error"]["code"] == "invalid_signature"
    assert create["status"] == 200, body_of(create)
    assert json.loads(body_of(create))["url"].startswith(f"{emulator.url}/c/pay/cs_test_")
    assert summary["status"] == 200 and summary["headers"]["cache-control"] == "no-store"
    detail = json.loads(body_of(summary))
    assert detail["payment_status"] == "paid" and detail["customer_email"] == "buyer@example.com"
    store = open_store(function_env["DATABASE_URL"])
    try:
        assert store.count("orders") == 1 and store.get_order(session_id).status == "paid"
    finally:
        store.close()
    sent = receipts(mail_api, session_id)
    assert len(sent) == 1 and sent[0]["to"] == ["buyer@example.com"]


def test_packaged_scheduled_function_sends_pending_emails(built, tmp_path, emulator, function_env, mail_api):
    """outbox-cron.zip holds its own copy of api.mjs (inlined by esbuild) and everything api.mjs loads."""
    mail_api.statuses = [500]  # the webhook's own attempt fails; the receipt stays pending
    session_id, body = paid_event(emulator)
    api = invoke(unzip(built, "api", tmp_path / "api"), {"env": function_env, "requests": [signed(body)]},
                 tmp_path)["results"][0]
    assert api["status"] == 200 and json.loads(body_of(api))["outcome"] == "fulfilled"
    make_due(function_env["DATABASE_URL"])  # the daily schedule comes after the receipt's backoff
    data = invoke(unzip(built, "outbox-cron", tmp_path / "cron"),
                  {"env": function_env, "requests": [{"method": "GET", "path": "/"}]}, tmp_path)
    assert data["main"] == "./functions/outbox-cron.mjs" and data["config"] == {"schedule": "@daily"}
    cron = data["results"][0]
    assert cron["status"] == 200 and drained(json.loads(body_of(cron))) == {"done": 1, "retrying": 0, "gave_up": 0,
                                                                    "pending": 0}
    assert len(receipts(mail_api, session_id)) == 2  # the failed attempt, then the scheduled retry
