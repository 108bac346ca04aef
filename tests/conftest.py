"""Fixtures shared by every test: Debian's Chromium for Playwright, free ports."""

from __future__ import annotations

import os
import shutil
from typing import Iterator

import pytest

from tests.support.postgres import PostgresServer
from tests.support.smtp import SmtpServer

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download its own browser here: use the system Chromium."""
    path = chromium_path()
    if not path:
        pytest.fail("No Chromium found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the run; tests take a fresh database from it."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port."""
    server = SmtpServer().start()
    yield server
    server.stop()
