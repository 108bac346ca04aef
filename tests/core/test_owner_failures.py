"""When an owner's command fails, it says which of three things happened, in plain words, with
what to do: Stripe cannot be reached (the network), Stripe does not accept the key, or Stripe
refused the request (and why). Run outside the project's environment, a command says how to run
it instead of dying on an import. Never a trace, never the key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from checkout_kit.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_test_owner_key_123456"
PRODUCT = """
[shop]
name = "Corner Shop"
[products.mug]
name = "Mug"
fulfillment = "service"
  [[products.mug.prices]]
  lookup_key = "mug"
  unit_amount = {amount}
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def run(args: list[str], cwd: Path, python: list[str] | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "SMTP_", "MAIL_", "DATABASE_"))}
    environment.update({"STRIPE_SECRET_KEY": KEY, "CATALOG_PATH": str(cwd / "catalog.toml"),
                        "DATABASE_URL": f"sqlite:///{cwd}/o.db", "PYTHONPATH": str(ROOT), **env})
    return subprocess.run([*(python or [sys.executable]), "-m", "checkout_kit", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "catalog.toml").write_text(PRODUCT.format(amount=1200))
    return tmp_path


@pytest.fixture
def emulator():
    with Emulator(port=0, settle_after=None) as emu:
        yield emu


def said(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output and KEY not in output, output
    return output


@pytest.mark.parametrize("command", [["doctor"], ["catalog", "push"], ["setup-webhook", "https://shop.example.com/api/webhook"]])
def test_nothing_listening_at_the_api_is_a_network_problem(project: Path, command: list[str]) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    output = said(run(command, project, STRIPE_API_BASE=base))
    assert f"Cannot reach Stripe: nothing accepts connections at {base.removeprefix('http://')}." in output
    assert f"check that STRIPE_API_BASE={base} is running, or unset it to use Stripe" in output
    assert "ConnectionRefusedError" not in output and "unavailable" not in output


def test_a_name_that_does_not_resolve_is_a_network_problem(project: Path) -> None:
    output = said(run(["catalog", "push"], project, STRIPE_API_BASE="https://api.stripe.invalid"))
    assert "Cannot reach Stripe: the name api.stripe.invalid does not resolve (no internet connection, or no DNS)." \
        in output
    assert "gaierror" not in output


def test_a_key_stripe_does_not_accept_is_a_key_problem(project: Path, emulator: Emulator) -> None:
    live = "sk_live_owner_key_654321"  # the emulator, like Stripe in test mode, answers 401 to it
    for command in (["doctor"], ["catalog", "push"]):
        result = run(command, project, STRIPE_API_BASE=emulator.url, STRIPE_SECRET_KEY=live)
        output = said(result)
        assert result.returncode == 1
        assert "Stripe does not accept the key sk_live_…4321 (HTTP 401: wrong, rolled or deleted)." in output
        assert "Dashboard → Developers → API keys" in output and live not in output


def test_a_request_stripe_refuses_says_why(tmp_path: Path, emulator: Emulator) -> None:
    (tmp_path / "catalog.toml").write_text(PRODUCT.format(amount=100_000_000_000))
    result = run(["catalog", "push"], tmp_path, STRIPE_API_BASE=emulator.url)
    output = said(result)
    assert result.returncode == 1
    assert "Stripe refused the request (HTTP 400): This value must be less than or equal to 99999999." in output


@pytest.mark.parametrize("command", [["doctor"], ["dev"], ["catalog", "push", "--write"]])
def test_outside_the_project_environment_it_says_how_to_run_it(project: Path, command: list[str]) -> None:
    """-S: a Python without site-packages, like the system python3 of a fresh machine."""
    (project / ".env").write_text("SUPPORT_EMAIL=help@corner.example\n")
    result = run(command, project, python=[sys.executable, "-S"])
    output = said(result)
    assert result.returncode == 2
    assert "does not have Checkout Kit's packages" in output
    assert f".venv/bin/python -m checkout_kit {' '.join(command)}" in output and "`make doctor`" in output
