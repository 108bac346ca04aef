"""Fixtures of the Netlify tests: the staged function, a seeded emulator, the mail API
stand-in, and the environment a Netlify site sets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from checkout_kit.emulator import Emulator
from tests.support.deploy import ROOT, MailApiStandIn, seeded_emulator
from tests.support.tools import require

SECRET = "whsec_netlify_pyodide_tests_01"


def netlify_env(database_url: str, emulator: Emulator, mail_api: MailApiStandIn) -> dict[str, str]:
    """What a Netlify site sets: PostgreSQL, the Resend API (here its stand-in), test keys."""
    return {"NETLIFY": "true", "DATABASE_URL": database_url, "STRIPE_SECRET_KEY": "sk_test_netlify",
            "STRIPE_API_BASE": emulator.url, "STRIPE_WEBHOOK_SECRET": SECRET, "SITE_URL": "https://shop.example.com",
            "MAIL_API": "resend", "MAIL_API_KEY": "re_test_key", "MAIL_API_BASE": mail_api.url,
            "EMAIL_FROM": "Shop <shop@shop.example>", "CRON_SECRET": "cron-secret-for-tests",
            "KIT_SIGNING_KEY": "test-signing-key-0123456789-abcdefghijklmnop"}


@pytest.fixture(scope="session")
def netlify_build() -> Path:
    """scripts/build-netlify.sh, as Netlify's build runs it (it reuses node_modules and the vendored wheels)."""
    require("node", "npm", why="the Netlify function runs on Node 20+")
    subprocess.run(["sh", "scripts/build-netlify.sh"], cwd=ROOT, check=True, capture_output=True, timeout=300,
                   env={**os.environ, "PYTHON": sys.executable})
    return ROOT / "netlify"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with seeded_emulator() as emu:
        yield emu


@pytest.fixture
def mail_api() -> Iterator[MailApiStandIn]:
    api = MailApiStandIn()
    yield api
    api.close()


@pytest.fixture
def function_env(netlify_build, emulator, postgres, mail_api) -> dict[str, str]:
    """The staged function's environment, on a fresh database."""
    return netlify_env(postgres.create_database(), emulator, mail_api)


class Bridge:
    """netlify/lib/bridge.mjs alone (no Pyodide), in a Node process (tests/netlify/bridge_cli.mjs):
    `call` calls one of its methods; `send` is the sqlBatchSync Pyodide's side calls."""

    def __init__(self, database_url: str = "") -> None:
        self.proc = subprocess.Popen(["node", str(Path(__file__).with_name("bridge_cli.mjs"))], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True,
                                     env={"PATH": os.environ["PATH"], "DATABASE_URL": database_url})
        self.messages = 0
        self.counts: dict[str, float] = {}

    def call(self, method: str, *args: Any) -> Any:
        self.proc.stdin.write(json.dumps({"method": method, "args": list(args)}) + "\n")
        self.proc.stdin.flush()
        line = json.loads(self.proc.stdout.readline())
        self.counts = line["counts"]
        return line["answer"]

    def send(self, statements_json: str, timeout_ms: int, session: str) -> str:
        self.messages += 1
        return self.call("sqlBatchSync", statements_json, timeout_ms, session)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
