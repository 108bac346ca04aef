"""A site hosted elsewhere (GitHub Pages, an existing Netlify site) sells through the kit's
deployment: the README's snippet on a page of one origin, the kit's API and script on another,
the README's Content-Security-Policy lines on that page, and ALLOWED_ORIGINS on the kit. Bought
offline in Chromium, with no policy violation (the library's warm-up request to the kit's health
route included); refused (and explained in the log) until the page's origin is allowed."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from checkout_kit.local_server import serve
from checkout_kit.security_headers import page_headers
from tests.core.conftest import FIXTURES, Shop, shop_env, start_shop
from tests.e2e.conftest import CspWatch
from tests.e2e.flows import expect_state, pay_with_card, receipts_after_settling, row_texts
from tests.e2e.test_make_it_yours import readme_block
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser
KIT = "https://your-kit.vercel.app"  # the README's placeholder for the kit's deployment


def readme_policy_lines() -> str:
    """The CSP sources the README tells the site to add, e.g. `script-src 'self' KIT; connect-src …`."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Buttons on a site hosted elsewhere"):readme.index("## Go live")]
    match = re.search(r"`(script-src [^`]+)`", section)
    assert match, "the README gives the Content-Security-Policy lines for a site hosted elsewhere"
    return match.group(1)


class ExistingSite:
    """Someone's existing static site on its own origin, with a strict policy of its own."""

    def __init__(self, page_html: str, kit_origin: str) -> None:
        policy = {name: value for name, value in page_headers()}["Content-Security-Policy"]
        extra = readme_policy_lines().replace(KIT, kit_origin)
        for directive in extra.split(";"):
            name, *sources = directive.split()
            policy = re.sub(rf"{name} [^;]+", f"{name} {' '.join(sources)}", policy)
        self.policy = policy
        body = f"<!doctype html><html lang=en><head><meta charset=utf-8><title>My blog</title></head>" \
               f"<body><main><h1>My blog</h1>{page_html}</main></body></html>"

        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Security-Policy", self.policy)])
            return [body.encode()]

        self.server = serve(app, name="existing-site")
        self.url = f"http://localhost:{self.server.server_port}"  # another origin than the kit's 127.0.0.1

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def kit(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """The kit's deployment: the fixture catalog plus the README's new product, reloading .env as it changes."""
    catalog = tmp_path / "catalog.toml"
    shutil.copy(FIXTURES / "catalog.toml", catalog)
    with catalog.open("a") as file:
        file.write("\n" + readme_block("toml", "[products."))
    shop = start_shop(shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, CATALOG_PATH=str(catalog)), smtp)
    shop.dev.dotenv = tmp_path / ".env"
    yield shop
    shop.dev.stop()


def test_a_page_on_another_origin_buys_through_the_kit(kit: Shop, page: Page, csp: CspWatch,
                                                       tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    snippet = readme_block("html", "data-endpoint=").replace(KIT, kit.url)
    site = ExistingSite(snippet, kit.url)
    warmups: list[str] = []
    page.on("request", lambda r: warmups.append(r.url) if r.url == kit.url + "/api/health" else None)
    try:
        page.goto(site.url + "/")
        button = page.get_by_role("button")
        # Not allowed yet: the kit refuses the page's origin, and its log says how to allow it.
        with caplog.at_level(logging.WARNING, logger="checkout_kit.web"):
            button.click()
            expect(page.get_by_role("alert")).not_to_be_empty()
        assert any(f"ALLOWED_ORIGINS={site.url}" in r.getMessage() for r in caplog.records)
        assert kit.dev.emulator.url not in page.url

        (tmp_path / ".env").write_text(f"ALLOWED_ORIGINS={site.url}\n")  # as the README says
        expect(button).to_be_enabled()
        button.click()
        page.wait_for_url(f"{kit.emulator.url}/c/pay/**")
        pay_with_card(page)
        page.wait_for_url(f"{kit.url}/success.html**")
        expect_state(page, "paid")
        product = re.search(r'^name = "([^"]+)"', readme_block("toml", "[products."), re.M).group(1)  # type: ignore[union-attr]
        assert row_texts(page)[0][0] == product
        assert warmups == [kit.url + "/api/health"]  # the kit's function, warmed once when the button showed
        assert len(receipts_after_settling(kit)) == 1
    finally:
        site.close()
    assert csp.violations == []  # the README's policy lines let the script and its request through
