"""Browser e2e: the whole shop (dev server, emulator, a real SMTP server, SQLite in a temp
dir, the fixture catalog and storefront of tests/fixtures/) driven through Chromium.

Every browser context records Content-Security-Policy violations (Chromium's console
reports and `securitypolicyviolation` events); a test that saw one fails at teardown.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from tests.core.conftest import Shop, shop_env, start_shop
from tests.support.smtp import SmtpServer

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP-VIOLATION " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
                " in " + e.sourceFile + ":" + e.lineNumber);
});
"""


class CspWatch:
    """Collects CSP violations from every page of a browser context."""

    MARKERS = ("Content Security Policy", "Refused to", "CSP-VIOLATION")

    def __init__(self) -> None:
        self.violations: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.add_init_script(REPORT_VIOLATIONS)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if any(marker in text for marker in self.MARKERS):
            self.violations.append(f"{message.location.get('url')}: {text}")


@pytest.fixture
def csp() -> CspWatch:
    return CspWatch()


@pytest.fixture
def context(new_context: Any, csp: CspWatch) -> Iterator[BrowserContext]:
    """pytest-playwright's context, watched for CSP violations."""
    ctx = new_context()
    csp.attach(ctx)
    yield ctx
    if csp.violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(csp.violations), pytrace=False)


@pytest.fixture
def shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """The dev shop on free ports with the fixture shop, a real SMTP server and a fresh SQLite."""
    s = start_shop(shop_env(f"sqlite:///{tmp_path}/orders.db", smtp), smtp)
    yield s
    s.dev.stop()


@pytest.fixture
def desk_shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """The shop with an ADMIN_TOKEN and the test catalog (an e-book, T-shirts, tickets…), for the admin page."""
    from tests.e2e.desk import TOKEN

    s = start_shop(shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, ADMIN_TOKEN=TOKEN, JOBS_MAX_ATTEMPTS="1"), smtp)
    yield s
    s.dev.stop()


@pytest.fixture
def shop_page(shop: Shop, page: Page) -> Page:
    page.goto(shop.url + "/")
    return page


@pytest.fixture(scope="session")
def screenshots(pytestconfig: pytest.Config) -> Path:
    """Where screenshots go: $SCREENSHOTS_DIR, else test-results/screenshots (pytest-playwright's
    --output folder, which it empties at the start of every pytest run)."""
    if os.environ.get("SCREENSHOTS_DIR"):
        return Path(os.environ["SCREENSHOTS_DIR"]).absolute()
    return Path(pytestconfig.getoption("--output")).absolute() / "screenshots"
