"""Fixtures of the Netlify tests: the staged function, a seeded emulator, the mail API
stand-in, and the environment a Netlify site sets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

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
