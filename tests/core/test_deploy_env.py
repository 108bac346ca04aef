"""`python -m checkout_kit deploy-env netlify|vercel`: the production settings reach the host
through its API, checked against local stand-ins of Netlify's and Vercel's env APIs that record
every request. A dry run sends nothing; a Stripe test key is refused and nothing is sent; names
are printed, never any part of a value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.wrappers import Request, Response

from checkout_kit.local_server import serve

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "STRIPE_SECRET_KEY": "sk_live_51Hlivekey0000secretvalue",
    "STRIPE_WEBHOOK_SECRET": "whsec_livesecret000000000001",
    "SITE_URL": "https://shop.example.com",
    "DATABASE_URL": "postgresql://shop:pg-password-123@db.example.com/shop",
    "MAIL_API": "resend",
    "MAIL_API_KEY": "re_live_mailkey_0000001",
    "EMAIL_FROM": "Corner Shop <shop@corner.example>",
    "CRON_SECRET": "cron-secret-value-000001",
    "KIT_SIGNING_KEY": "signing-key-0123456789abcdefghijklmnopqrstuvwxyz",
}


class StandIn:
    """A local stand-in of a host's API: records each request, answers from `handle`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = serve(self._app, name=type(self).__name__)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = json.loads(request.get_data() or b"null")
        record = {"method": request.method, "path": request.path, "query": dict(request.args),
                  "auth": request.headers.get("Authorization"), "body": body}
        with self.lock:
            self.requests.append(record)
            status, payload = self.handle(record)
        return Response(json.dumps(payload), status, mimetype="application/json")(environ, start_response)

    def handle(self, r: dict[str, Any]) -> tuple[int, Any]:
        raise NotImplementedError

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class NetlifyApi(StandIn):
    """GET /sites/{id}; GET, POST /accounts/{account}/env?site_id=; PATCH /accounts/{account}/env/{key}."""

    def __init__(self) -> None:
        self.env: dict[str, dict[str, str]] = {"SITE_URL": {"production": "https://old.example.com"}}
        super().__init__()

    def handle(self, r: dict[str, Any]) -> tuple[int, Any]:
        if r["auth"] != "Bearer nfp_owner_token":
            return 401, {"code": 401, "message": "Access Denied"}
        parts = r["path"].strip("/").split("/")
        if parts[:1] == ["sites"]:
            return (200, {"id": "site-123", "account_id": "acct-9", "name": "corner"}) if parts[1:] == ["site-123"] \
                else (404, {"code": 404, "message": "Not Found"})
        assert parts[:3] == ["accounts", "acct-9", "env"] and r["query"] == {"site_id": "site-123"}, r
        if r["method"] == "GET":
            return 200, [{"key": k, "values": [{"context": c, "value": v} for c, v in vs.items()]}
                         for k, vs in self.env.items()]
        if r["method"] == "POST":
            for item in r["body"]:
                assert item["key"] not in self.env, "creating a variable that exists is an error on Netlify"
                self.env[item["key"]] = {v["context"]: v["value"] for v in item["values"]}
            return 201, r["body"]
        if r["method"] == "PATCH":
            self.env[parts[3]][r["body"]["context"]] = r["body"]["value"]
            return 200, {"key": parts[3]}
        return 405, {}


class VercelApi(StandIn):
    """POST /v10/projects/{id}/env?upsert=true[&teamId=]."""

    def __init__(self) -> None:
        self.env: dict[str, dict[str, Any]] = {}
        super().__init__()

    def handle(self, r: dict[str, Any]) -> tuple[int, Any]:
        if r["auth"] != "Bearer vercel_owner_token":
            return 403, {"error": {"code": "forbidden", "message": "Not authorized"}}
        if r["path"] != "/v10/projects/prj_7f3a91/env":
            return 404, {"error": {"code": "not_found", "message": "Project not found"}}
        for item in r["body"]:
            self.env[item["key"]] = item
        return 201, {"created": r["body"], "failed": []}


@pytest.fixture
def netlify() -> Iterator[NetlifyApi]:
    api = NetlifyApi()
    yield api
    api.close()


@pytest.fixture
def vercel() -> Iterator[VercelApi]:
    api = VercelApi()
    yield api
    api.close()


def production_file(tmp_path: Path, values: dict[str, str] | None = None, extra: str = "") -> Path:
    file = tmp_path / ".env.production"
    file.write_text("".join(f"{k}={v}\n" for k, v in (values or PRODUCTION).items()) + extra)
    return file


def deploy(tmp_path: Path, host: str, api: StandIn, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "NETLIFY", "VERCEL"))}
    environment.update({"PYTHONPATH": str(ROOT), **env})
    return subprocess.run([sys.executable, "-m", "checkout_kit", "deploy-env", host, "--api-base", api.url, *args],
                          cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60)


def assert_no_value_shown(result: subprocess.CompletedProcess[str], values: dict[str, str]) -> None:
    output = result.stdout + result.stderr
    for value in values.values():
        pieces = {value[i:i + 6] for i in range(max(1, len(value) - 5))} - {"https:", "ttps:/", "tps://"}
        shown = [piece for piece in pieces if len(piece) == 6 and piece in output and not piece.isalpha()]
        assert shown == [], f"part of a value was printed: {shown}"


NETLIFY_ENV = {"NETLIFY_AUTH_TOKEN": "nfp_owner_token", "NETLIFY_SITE_ID": "site-123"}
VERCEL_ENV = {"VERCEL_TOKEN": "vercel_owner_token", "VERCEL_PROJECT_ID": "prj_7f3a91"}


def test_vercel_gets_every_setting_in_one_upsert_for_production(tmp_path: Path, vercel: VercelApi) -> None:
    production_file(tmp_path)
    result = deploy(tmp_path, "vercel", vercel, **VERCEL_ENV, VERCEL_TEAM_ID="team_shop")
    assert result.returncode == 0, result.stderr
    (request,) = vercel.requests
    assert (request["method"], request["path"]) == ("POST", "/v10/projects/prj_7f3a91/env")
    assert request["query"] == {"upsert": "true", "teamId": "team_shop"}
    assert request["auth"] == "Bearer vercel_owner_token"
    assert {item["key"]: item["value"] for item in request["body"]} == PRODUCTION
    assert all(item["target"] == ["production"] for item in request["body"])
    types = {item["key"]: item["type"] for item in request["body"]}
    assert types["STRIPE_SECRET_KEY"] == types["DATABASE_URL"] == types["CRON_SECRET"] == "sensitive"
    assert types["SITE_URL"] == types["EMAIL_FROM"] == "encrypted"
    for name in PRODUCTION:
        assert f"  set ({types[name]}) {name}" in result.stdout
    assert_no_value_shown(result, PRODUCTION)


def test_netlify_creates_new_variables_and_updates_existing_ones(tmp_path: Path, netlify: NetlifyApi) -> None:
    production_file(tmp_path)
    result = deploy(tmp_path, "netlify", netlify, **NETLIFY_ENV)
    assert result.returncode == 0, result.stderr
    calls = [(r["method"], r["path"]) for r in netlify.requests]
    assert calls == [("GET", "/sites/site-123"), ("GET", "/accounts/acct-9/env"), ("POST", "/accounts/acct-9/env"),
                     ("PATCH", "/accounts/acct-9/env/SITE_URL")]
    created = netlify.requests[2]["body"]
    assert {item["key"] for item in created} == set(PRODUCTION) - {"SITE_URL"}
    assert all(item["values"][0]["context"] == "production" for item in created)
    assert {k: v["production"] for k, v in netlify.env.items()} == PRODUCTION
    assert "  updated SITE_URL" in result.stdout and "  created STRIPE_SECRET_KEY" in result.stdout
    assert_no_value_shown(result, PRODUCTION)


@pytest.mark.parametrize("host", ["netlify", "vercel"])
def test_a_dry_run_sends_nothing(tmp_path: Path, host: str, netlify: NetlifyApi, vercel: VercelApi) -> None:
    production_file(tmp_path)
    api = {"netlify": netlify, "vercel": vercel}[host]
    result = deploy(tmp_path, host, api, "--dry-run", **NETLIFY_ENV, **VERCEL_ENV)
    assert result.returncode == 0, result.stderr
    assert api.requests == []
    assert "dry run: nothing was sent" in result.stdout
    assert all(f"  {name}\n" in result.stdout for name in PRODUCTION)
    assert_no_value_shown(result, PRODUCTION)


@pytest.mark.parametrize("host", ["netlify", "vercel"])
def test_a_test_key_for_production_is_refused_and_nothing_is_sent(tmp_path: Path, host: str, netlify: NetlifyApi,
                                                                  vercel: VercelApi) -> None:
    values = dict(PRODUCTION, STRIPE_SECRET_KEY="sk_test_51Htestkey000000000", STRIPE_PUBLISHABLE_KEY="pk_test_51Hpub0000")
    production_file(tmp_path, values)
    api = {"netlify": netlify, "vercel": vercel}[host]
    refused = deploy(tmp_path, host, api, **NETLIFY_ENV, **VERCEL_ENV)
    assert refused.returncode == 1 and api.requests == []
    assert "refusing: STRIPE_PUBLISHABLE_KEY, STRIPE_SECRET_KEY hold(s) a Stripe test key" in refused.stderr
    assert "Nothing was sent." in refused.stderr
    assert_no_value_shown(refused, values)
    allowed = deploy(tmp_path, host, api, "--allow-test-keys", **NETLIFY_ENV, **VERCEL_ENV)
    assert allowed.returncode == 0, allowed.stderr
    assert api.requests


def test_without_the_file_only_the_kits_settings_come_from_the_environment(tmp_path: Path, vercel: VercelApi) -> None:
    result = deploy(tmp_path, "vercel", vercel, **VERCEL_ENV, **PRODUCTION, AWS_SECRET_ACCESS_KEY="not-the-kits",
                    PORT="8000", OUTBOX_DIR="/tmp/outbox")
    assert result.returncode == 0, result.stderr
    assert "from the environment" in result.stdout
    assert {item["key"] for item in vercel.requests[0]["body"]} == set(PRODUCTION)


def test_credentials_and_local_settings_in_the_file_are_never_sent(tmp_path: Path, vercel: VercelApi) -> None:
    production_file(tmp_path, extra="VERCEL_TOKEN=vercel_owner_token\nSTRIPE_API_BASE=http://127.0.0.1:12111\n"
                                     "VERCEL=1\nSUPPORT_EMAIL=\n")
    result = deploy(tmp_path, "vercel", vercel, **VERCEL_ENV)
    assert result.returncode == 0, result.stderr
    assert {item["key"] for item in vercel.requests[0]["body"]} == set(PRODUCTION)
    for name in ("VERCEL_TOKEN", "STRIPE_API_BASE", "VERCEL", "SUPPORT_EMAIL"):
        assert f"  skipped {name}: " in result.stdout


def test_problems_the_host_would_find_are_named_before_sending(tmp_path: Path, vercel: VercelApi) -> None:
    values = dict(PRODUCTION, DATABASE_URL="sqlite:///orders.db")
    production_file(tmp_path, values)
    result = deploy(tmp_path, "vercel", vercel, "--dry-run", **VERCEL_ENV)
    assert "note: on Vercel the functions would refuse DATABASE_URL: SQLite files do not last on Vercel" in result.stdout


@pytest.mark.parametrize(("host", "env", "said"), [
    ("netlify", dict(NETLIFY_ENV, NETLIFY_AUTH_TOKEN="nfp_wrong"), "NETLIFY_AUTH_TOKEN was refused"),
    ("netlify", dict(NETLIFY_ENV, NETLIFY_SITE_ID="site-404"), "no such site: check NETLIFY_SITE_ID"),
    ("vercel", dict(VERCEL_ENV, VERCEL_TOKEN="wrong"), "VERCEL_TOKEN was refused"),
    ("vercel", dict(VERCEL_ENV, VERCEL_PROJECT_ID="prj_other"), "no such project: check VERCEL_PROJECT_ID"),
    ("vercel", {"VERCEL_PROJECT_ID": "prj_7f3a91"}, "VERCEL_TOKEN is not set: make a token"),
])
def test_host_refusals_say_which_setting_to_fix(tmp_path: Path, host: str, env: dict[str, str], said: str,
                                                netlify: NetlifyApi, vercel: VercelApi) -> None:
    production_file(tmp_path)
    result = deploy(tmp_path, host, {"netlify": netlify, "vercel": vercel}[host], **env)
    assert result.returncode in (1, 2) and said in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert_no_value_shown(result, PRODUCTION)


def test_an_unreachable_host_is_said_plainly(tmp_path: Path) -> None:
    production_file(tmp_path)

    class Gone:
        url = "http://127.0.0.1:9"

    result = deploy(tmp_path, "vercel", Gone(), **VERCEL_ENV)  # type: ignore[arg-type]
    assert result.returncode == 1 and "cannot reach Vercel" in result.stderr and "Traceback" not in result.stderr


def test_the_settings_it_copies_are_the_kits() -> None:
    from checkout_kit.deploy_env import CREDENTIALS, LOCAL_ONLY, SETTINGS
    from tests.core.test_owner_docs import example

    assert set(SETTINGS) | LOCAL_ONLY | CREDENTIALS | {"POSTGRES_URL", "PORT", "EMULATOR_PORT"} == set(example())
