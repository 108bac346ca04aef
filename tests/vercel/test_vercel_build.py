"""`vercel build`, offline, with the pinned Vercel CLI: the real builder bundles the
function, and the built function answers through its own trampoline.

The CLI (vercel@64.0.2, whose @vercel/python 25.0.0 pins vercel-runtime 0.23.2)
installs from the npm registry only with an override: it depends on
`sandbox@4.4.0`, which the registry does not have, so 4.5.0 stands in (the
sandbox CLI is not used by `vercel build`). The Python builder needs `uv` on the
PATH (requirements-dev.txt installs it from PyPI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkout_kit.webhook_signature import sign_header
from tests.support.deploy import copy_project, first_sale, paid_session_event
from tests.support.vercel import decode_body, request
from tests.vercel.conftest import SECRET
from tests.support.tools import require

CLI_VERSION = "64.0.2"
CACHE = Path(os.environ.get("CHECKOUT_KIT_CACHE", Path.home() / ".cache" / "checkout-kit")) / f"vercel-cli-{CLI_VERSION}"
PROJECT = {"projectId": "prj_checkoutkitlocal", "orgId": "team_checkoutkitlocal",
           "settings": {"framework": None, "buildCommand": "sh scripts/build-site.sh", "outputDirectory": "public",
                        "nodeVersion": "24.x"}}


@pytest.fixture(scope="session")
def vercel_cli() -> Path:
    require("npm", why="the Vercel CLI is installed with npm")
    binary = CACHE / "node_modules" / ".bin" / "vercel"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "package.json").write_text(json.dumps({
            "private": True, "dependencies": {"vercel": CLI_VERSION}, "overrides": {"sandbox": "4.5.0"}}))
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=CACHE, check=True,
                       capture_output=True, timeout=900)
    return binary


@pytest.fixture(scope="session")
def built(vercel_cli, tmp_path_factory) -> Path:
    """A copy of the project's files (as git sees them), built by `vercel build`."""
    work = tmp_path_factory.mktemp("vercel-build") / "project"
    copy_project(work)
    (work / ".vercel").mkdir()
    (work / ".vercel" / "project.json").write_text(json.dumps(PROJECT))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "VERCEL_TELEMETRY_DISABLED": "1"}
    result = subprocess.run([str(vercel_cli), "build", "--yes"], cwd=work, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return work


def materialize(work: Path, dest: Path) -> Path:
    """The function's files as deployed: the .func folder plus every entry of its filePathMap."""
    func = work / ".vercel" / "output" / "functions" / "api" / "index.func"
    shutil.copytree(func, dest)
    config = json.loads((func / ".vc-config.json").read_text())
    for target, source in config.get("filePathMap", {}).items():
        (dest / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(work / source, dest / target)
    return dest


def test_vercel_build_output_serves_only_the_public_set(built):
    static = built / ".vercel" / "output" / "static"
    published = sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())
    assert published == ["canceled.html", "index.html", "js/stripe-checkout.js", "js/success.js", "styles.css",
                         "success.html"] or set(published) >= {"index.html", "success.html", "canceled.html",
                                                               "js/stripe-checkout.js"}
    assert not [p for p in published if p.endswith((".py", ".toml", ".md", ".txt")) or p.startswith(".")]
    routes = json.loads((built / ".vercel" / "output" / "config.json").read_text())["routes"]
    assert any(r.get("dest") == "/api/index" or "api/index" in json.dumps(r) for r in routes)


def test_built_function_answers_through_its_own_trampoline(built, tmp_path, emulator, function_env, smtp):
    func = materialize(built, tmp_path / "index.func")
    config = json.loads((func / ".vc-config.json").read_text())
    assert config["runtime"] == "python3.12" and config["handler"] == "vc__handler__python.vc_handler"
    shipped = {p.relative_to(func).as_posix() for p in func.rglob("*") if p.is_file()}
    assert "api/index.py" in shipped and "catalog.toml" in shipped
    assert any(p.startswith("_vendor/jinja2/") for p in shipped) and any(p.startswith("_vendor/psycopg/") for p in shipped)
    assert any(p.startswith("_vendor/vercel_runtime/") for p in shipped)
    assert not any(p.startswith(("tests/", "benchmarks/", "site/", "checkout_kit/emulator/", ".vercel_python_packages/"))
                   for p in shipped)
    session_id, event = paid_session_event(emulator)
    body = json.dumps(event).encode()
    requests = [
        request("POST", "/api/webhook", body, {"content-type": "application/json", "stripe-signature": sign_header(body, SECRET)}),
        request("POST", "/api/webhook", body, {"content-type": "application/json", "stripe-signature": "t=1,v1=00"}),
        request("POST", "/api/create-checkout-session", first_sale().body,
                {"content-type": "application/json"}),
        request("GET", f"/api/checkout-session?session_id={session_id}"),
    ]
    runner = (
        "import json, sys\n"
        "sys.path.insert(0, '.')\n"
        "import vc__handler__python as h\n"
        "out = [h.vc_handler({'body': json.dumps(r)}, None) for r in json.loads(sys.argv[1])]\n"
        "print('__RESULTS__' + json.dumps(out))\n"
    )
    env = {"PATH": os.environ["PATH"], **config.get("environment", {}), **function_env}
    result = subprocess.run([sys.executable, "-I", "-S", "-c", runner, json.dumps(requests)], cwd=func, env=env,
                            capture_output=True, text=True, timeout=120)
    line = next((l for l in result.stdout.splitlines() if l.startswith("__RESULTS__")), None)
    assert line, result.stderr[-4000:]
    webhook, forged, create, summary = json.loads(line[len("__RESULTS__"):])
    assert webhook["statusCode"] == 200 and json.loads(decode_body(webhook))["outcome"] == "fulfilled"
    assert forged["statusCode"] == 400
    assert create["statusCode"] == 200 and "/c/pay/cs_test_" in json.loads(decode_body(create))["url"]
    assert summary["statusCode"] == 200 and json.loads(decode_body(summary))["payment_status"] == "paid"
