"""`python -m checkout_kit deploy-env netlify|vercel [--dry-run]`: the production settings, copied
to the host in one command.

The values come from `.env.production` (every variable in it), or, without that file, from the
environment (the kit's settings only, never the whole environment). They go to the host's API:
Netlify's environment variables API (`NETLIFY_AUTH_TOKEN`, `NETLIFY_SITE_ID`; the production
deploy context) or Vercel's project env API (`VERCEL_TOKEN`, `VERCEL_PROJECT_ID`, optional
`VERCEL_TEAM_ID`; the production target, upserted). Plain HTTPS through the kit's own transport:
no SDK to install.

It prints names, never any part of a value; refuses Stripe test keys for production unless told
(`--allow-test-keys`), sending nothing; skips what only means something on the owner's machine;
and says which settings the host would still find wrong (the same checks the functions make).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlencode

from checkout_kit.config import ConfigError, from_env
from checkout_kit.http_transport import HttpResponse, TransportError, default_transport

NETLIFY_API = "https://api.netlify.com/api/v1"
VERCEL_API = "https://api.vercel.com"
# What the kit reads: copied from the environment when there is no .env.production.
SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "STRIPE_PORTAL_CONFIGURATION",
            "SITE_URL", "ALLOWED_ORIGINS",
            "DATABASE_URL", "EMAIL_FROM", "SUPPORT_EMAIL", "MERCHANT_EMAIL", "SMTP_URL", "MAIL_API", "MAIL_API_KEY",
            "CRON_SECRET", "ADMIN_TOKEN", "KIT_SIGNING_KEY", "DATABASE_POOL_SIZE", "DATABASE_PREPARE", "JOBS_MAX_ATTEMPTS", "RATE_LIMIT_PER_MINUTE",
            "CATALOG_PATH", "KIT_PYODIDE_SNAPSHOT", "ALERT_WEBHOOK_URL", "STRIPE_CHECKOUT_TIMEOUT",
            "STRIPE_WEBHOOK_TIMEOUT", "MAIL_TIMEOUT", "STRIPE_ACCOUNT", "STRIPE_JS_URL",
            # After the sale (docs/selling.md, docs/tickets.md).
            "HOOKS_SIGNING_SECRET", "HOOKS_TIMEOUT", "CHECKIN_TOKEN", "CHECKOUT_EXPIRES_MINUTES", "DOWNLOADS_DIR",
            "DOWNLOADS_MAX_BYTES", "DOWNLOADS_BUCKET_URL", "DOWNLOADS_BUCKET_REGION", "DOWNLOADS_BUCKET_ACCESS_KEY_ID",
            "DOWNLOADS_BUCKET_SECRET_ACCESS_KEY")
# Never copied: the host's own credentials, what the host sets itself, and what only works locally.
CREDENTIALS = {"NETLIFY_AUTH_TOKEN", "NETLIFY_SITE_ID", "VERCEL_TOKEN", "VERCEL_PROJECT_ID", "VERCEL_TEAM_ID"}
HOST_SET = {"VERCEL", "NETLIFY", "URL"}
LOCAL_ONLY = {"PORT", "EMULATOR_PORT", "OUTBOX_DIR", "STRIPE_API_BASE", "MAIL_API_BASE", "KIT_DATA_DIR"}
TEST_KEYS = re.compile(r"^(sk|rk|pk)_test_")
SECRET_NAME = re.compile(r"SECRET|KEY|TOKEN|PASSWORD|DATABASE_URL|POSTGRES_URL|SMTP_URL|WEBHOOK_URL")


class DeployEnvError(Exception):
    """Why nothing (more) was sent; the message names settings, never values."""


@dataclass
class Plan:
    source: str
    values: dict[str, str]
    skipped: dict[str, str] = field(default_factory=dict)  # name -> why

    def redact(self, text: str) -> str:
        """A host's message with any of our values in it blanked (hosts may echo what they were sent)."""
        for value in sorted(self.values.values(), key=len, reverse=True):
            if len(value) >= 4:
                text = text.replace(value, "…")
        return text


def read_values(env: Mapping[str, str], file: Path | None) -> Plan:
    """What to copy: the file's variables, or the kit's settings found in the environment."""
    if file is not None and file.is_file():
        from dotenv import dotenv_values

        raw = {k: v for k, v in dotenv_values(file).items() if v is not None}
        source = str(file)
    else:
        raw = {k: env[k] for k in SETTINGS if k in env}
        source = "the environment"
    plan = Plan(source, {})
    for name, value in raw.items():
        if name in CREDENTIALS:
            plan.skipped[name] = "the host's credential: used to talk to the host, never stored there"
        elif name in HOST_SET:
            plan.skipped[name] = "the host sets it itself"
        elif name in LOCAL_ONLY:
            plan.skipped[name] = "only means something on your machine"
        elif not value.strip():
            plan.skipped[name] = "empty"
        else:
            plan.values[name] = value.strip()
    return plan


def test_keys(plan: Plan) -> list[str]:
    return sorted(name for name, value in plan.values.items() if TEST_KEYS.match(value))


def host_problems(plan: Plan, host: str) -> list[str]:
    """What the functions would refuse on this host, from the values alone (the first problem)."""
    try:
        from_env({**plan.values, host.upper(): "1"})
    except ConfigError as exc:
        # The problem without the "(got …)" that some messages quote the value in.
        return [plan.redact(f"{exc.variable}: {re.sub(r'[ ,]*\(got .*\)', '', exc.problem)}")]
    return []


# ---- the hosts -----------------------------------------------------------------------------------


class Host:
    name = ""

    def __init__(self, env: Mapping[str, str], api_base: str | None) -> None:
        self.env = env
        self.transport = default_transport()
        self.base = api_base

    def need(self, variable: str) -> str:
        value = self.env.get(variable, "").strip()
        if not value:
            raise DeployEnvError(f"{variable} is not set: {self.how_to(variable)}")
        return value

    def how_to(self, variable: str) -> str:
        return ""

    def call(self, method: str, url: str, token: str, body: Any = None) -> HttpResponse:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "checkout-kit/0.1"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        try:
            return self.transport.request(method, url, headers, data, 30)
        except TransportError as exc:
            raise DeployEnvError(f"cannot reach {self.name} ({exc}): check your connection and run this again") from None

    def refused(self, response: HttpResponse, plan: Plan, what: str) -> DeployEnvError:
        try:
            payload = json.loads(response.body or b"{}")
            detail = payload.get("message") or (payload.get("error") or {}).get("message") or ""
        except (ValueError, AttributeError):
            detail = ""
        if response.status in (401, 403):
            hint = f"{self.token_variable} was refused: make a new token and set it"
        elif response.status == 404:
            hint = self.not_found_hint
        else:
            hint = plan.redact(str(detail))[:300] or "no reason given"
        return DeployEnvError(f"{self.name} refused to {what} (HTTP {response.status}): {hint}")

    token_variable = ""
    not_found_hint = ""


class Netlify(Host):
    name = "Netlify"
    token_variable = "NETLIFY_AUTH_TOKEN"
    not_found_hint = "no such site: check NETLIFY_SITE_ID (Site configuration → General → Site ID)"

    def how_to(self, variable: str) -> str:
        return {"NETLIFY_AUTH_TOKEN": "make a personal access token (User settings → Applications) and export it",
                "NETLIFY_SITE_ID": "copy the Site ID (Site configuration → General) and export it"}[variable]

    def target(self) -> str:
        return f"Netlify site {self.need('NETLIFY_SITE_ID')} (production deploy context)"

    def send(self, plan: Plan) -> list[tuple[str, str]]:
        token, site = self.need("NETLIFY_AUTH_TOKEN"), self.need("NETLIFY_SITE_ID")
        base = (self.base or NETLIFY_API).rstrip("/")
        answer = self.call("GET", f"{base}/sites/{quote(site, safe='')}", token)
        if answer.status != 200:
            raise self.refused(answer, plan, "find the site")
        account = json.loads(answer.body).get("account_id") or json.loads(answer.body).get("account_slug")
        query = urlencode({"site_id": site})
        env_url = f"{base}/accounts/{quote(str(account), safe='')}/env"
        answer = self.call("GET", f"{env_url}?{query}", token)
        if answer.status != 200:
            raise self.refused(answer, plan, "list the site's variables")
        existing = {item.get("key") for item in json.loads(answer.body or b"[]")}
        done = []
        new = [{"key": k, "values": [{"context": "production", "value": v}]}
               for k, v in plan.values.items() if k not in existing]
        if new:
            answer = self.call("POST", f"{env_url}?{query}", token, new)
            if answer.status not in (200, 201):
                raise self.refused(answer, plan, "create variables")
            done += [(item["key"], "created") for item in new]
        for key, value in plan.values.items():
            if key in existing:
                answer = self.call("PATCH", f"{env_url}/{quote(key, safe='')}?{query}", token,
                                   {"context": "production", "value": value})
                if answer.status not in (200, 201):
                    raise self.refused(answer, plan, f"update {key}")
                done.append((key, "updated"))
        return done


class Vercel(Host):
    name = "Vercel"
    token_variable = "VERCEL_TOKEN"
    not_found_hint = ("no such project: check VERCEL_PROJECT_ID (Project → Settings → General), and set "
                      "VERCEL_TEAM_ID when the project belongs to a team")

    def how_to(self, variable: str) -> str:
        return {"VERCEL_TOKEN": "make a token (Account Settings → Tokens) and export it",
                "VERCEL_PROJECT_ID": "copy the Project ID (Project → Settings → General) and export it"}[variable]

    def target(self) -> str:
        team = self.env.get("VERCEL_TEAM_ID", "").strip()
        return f"Vercel project {self.need('VERCEL_PROJECT_ID')}{f' of team {team}' if team else ''} (production)"

    def send(self, plan: Plan) -> list[tuple[str, str]]:
        token, project = self.need("VERCEL_TOKEN"), self.need("VERCEL_PROJECT_ID")
        query = {"upsert": "true"}
        team = self.env.get("VERCEL_TEAM_ID", "").strip()
        if team:
            query["teamId"] = team
        url = f"{(self.base or VERCEL_API).rstrip('/')}/v10/projects/{quote(project, safe='')}/env?{urlencode(query)}"
        body = [{"key": k, "value": v, "type": kind(k), "target": ["production"]} for k, v in plan.values.items()]
        answer = self.call("POST", url, token, body)
        if answer.status not in (200, 201):
            raise self.refused(answer, plan, "set the variables")
        return [(item["key"], f"set ({item['type']})") for item in body]


def kind(name: str) -> str:
    """Vercel's type: secrets are `sensitive` (never readable again, even by the owner), the rest `encrypted`."""
    return "sensitive" if SECRET_NAME.search(name) else "encrypted"


HOSTS = {"netlify": Netlify, "vercel": Vercel}


def run(host_name: str, dry_run: bool = False, allow_test_keys: bool = False, file: str = ".env.production",
        api_base: str | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    plan = read_values(env, Path(file) if file else None)
    host = HOSTS[host_name](env, api_base)
    out = sys.stdout
    try:
        target = host.target()
    except DeployEnvError as exc:
        print(f"deploy-env: {exc}", file=sys.stderr)
        return 2
    print(f"deploy-env: {len(plan.values)} variable(s) from {plan.source} for {target}", file=out)
    for name in plan.values:
        print(f"  {name}", file=out)
    for name, why in plan.skipped.items():
        print(f"  skipped {name}: {why}", file=out)
    if not plan.values:
        print("deploy-env: nothing to send: put the production settings in .env.production (see .env.example)",
              file=sys.stderr)
        return 1
    tests = test_keys(plan)
    if tests and not allow_test_keys:
        print(f"deploy-env: refusing: {', '.join(tests)} hold(s) a Stripe test key, and this is production. Put the "
              "live keys in, or run again with --allow-test-keys for a test deployment. Nothing was sent.",
              file=sys.stderr)
        return 1
    for problem in host_problems(plan, host_name):
        print(f"  note: on {host.name} the functions would refuse {problem} (unless the host sets it)", file=out)
    if dry_run:
        print("deploy-env: dry run: nothing was sent.", file=out)
        return 0
    try:
        done = host.send(plan)
    except DeployEnvError as exc:
        print(f"deploy-env: {exc}", file=sys.stderr)
        return 1
    for name, what in done:
        print(f"  {what} {name}", file=out)
    print(f"deploy-env: done. Redeploy on {host.name} for the functions to use them.", file=out)
    return 0
