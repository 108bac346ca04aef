"""The shop as separate server processes (`tests/reliability/server.py`), as in production:
started with an environment, killed with SIGKILL, started again on the same port and
database, and always stopped at the end, even when a test fails."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

from tests.reliability.delivery import WEBHOOK_SECRET

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tests" / "fixtures" / "catalog.toml"
START_TIMEOUT_S = 30.0
# Only what a Python process needs from the test's environment: no kit setting leaks in.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def server_env(database_url: str, stripe_api_base: str, mail: dict[str, str], **extra: str) -> dict[str, str]:
    """A deployment's environment: Stripe (the emulator, or a stand-in for it), one database, one
    mail transport, the test catalog, no rate limit, and no MERCHANT_EMAIL (one email per order)."""
    return {
        **{k: os.environ[k] for k in PASSED_THROUGH if k in os.environ},
        "STRIPE_SECRET_KEY": "sk_test_reliability_suite", "STRIPE_API_BASE": stripe_api_base,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "DATABASE_URL": database_url, "CATALOG_PATH": str(CATALOG),
        "RATE_LIMIT_PER_MINUTE": "0", "EMAIL_FROM": "Test Shop <shop@shop.example>", **mail, **extra,
    }


def smtp_mail(smtp_url: str) -> dict[str, str]:
    return {"SMTP_URL": smtp_url}


def api_mail(base: str) -> dict[str, str]:
    """Resend through its stand-in (`tests.support.deploy.MailApiStandIn`, key re_test_key)."""
    return {"MAIL_API": "resend", "MAIL_API_KEY": "re_test_key", "MAIL_API_BASE": base}


class ShopProcess:
    """One server process. `port` is fixed after the first start, so a restart keeps the URL."""

    def __init__(self, env: dict[str, str], log_path: Path, port: int = 0) -> None:
        self.env = env
        self.log_path = log_path
        self.port = port
        self.proc: subprocess.Popen[str] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> "ShopProcess":
        assert not self.running, "already running"
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.server", "--port", str(self.port)], cwd=ROOT, env=self.env,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True)
        self.starts += 1
        line = self._first_line()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"the server did not start: {line!r}; log:\n{self.log()[-3000:]}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def _first_line(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], START_TIMEOUT_S)
        return self.proc.stdout.readline().strip() if ready else "(nothing within the start timeout)"

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye to the database or the mail server."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._close_pipe()

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL if it lingers. Safe to call at any time."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close_pipe()

    def _close_pipe(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def open_fds(self) -> int | None:
        """How many file descriptors the process holds now (None once it is gone)."""
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except (FileNotFoundError, ProcessLookupError):
            return None

    def open_files(self, path: str) -> int | None:
        """How many of its descriptors are open on the file `path` (a SQLite connection holds one)."""
        try:
            fds = os.listdir(f"/proc/{self.pid}/fd")
        except (FileNotFoundError, ProcessLookupError):
            return None
        count = 0
        for fd in fds:
            try:
                count += os.readlink(f"/proc/{self.pid}/fd/{fd}") == path
            except OSError:
                pass  # closed meanwhile
        return count

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "ShopProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@contextmanager
def shop_processes(env: dict[str, str], count: int, workdir: Path) -> Iterator[list[ShopProcess]]:
    """`count` servers on one environment (one database), started together, all stopped on exit."""
    with ExitStack() as stack:
        servers = [ShopProcess(env, workdir / f"server-{n}.log") for n in range(count)]
        for server in servers:
            stack.callback(server.stop)
        for server in servers:
            server.start()
        yield servers


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.02) -> None:
    """Poll `predicate()` until true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)
