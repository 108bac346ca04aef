"""The published set: what `make site` (scripts/build-site.sh) puts in public/, what the
dev server serves, and rules every published page keeps (no inline code, referrer policy,
buttons that name catalog prices, a small library)."""

from __future__ import annotations

import gzip
import re
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checkout_kit import public_site
from checkout_kit.devserver import DevShop
from checkout_kit.security_headers import STRIPE_CHECKOUT_ORIGIN, content_security_policy
from tests.core.conftest import http, shop_env
from tests.e2e.flows import CATALOG, ROOT
from tests.support.smtp import SmtpServer

JS_BUDGET_GZIPPED = 2048


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "public"
    (out / "stale.py").parent.mkdir(parents=True)
    (out / "stale.py").write_text("left over from an earlier build")
    subprocess.run(["sh", str(ROOT / "scripts" / "build-site.sh"), str(out)], check=True, capture_output=True)
    return out


def test_the_build_publishes_exactly_the_public_set(built: Path) -> None:
    published = {p.relative_to(built).as_posix(): p for p in built.rglob("*") if p.is_file()}
    expected = public_site.public_files()
    assert sorted(published) == sorted(expected)
    for name, source in expected.items():
        assert published[name].read_bytes() == source.read_bytes(), name
    assert {"index.html", "js/stripe-checkout.js", "success.html", "canceled.html"} <= set(published)


def test_the_build_publishes_no_source_config_secrets_or_tests(built: Path) -> None:
    names = [p.relative_to(built).as_posix() for p in built.rglob("*")]
    forbidden = re.compile(r"(\.py|\.pyc|\.toml|\.env|\.md|\.sh|\.db|\.eml)$|(^|/)(tests|checkout_kit|\.git|api|\.data)(/|$)|(^|/)\.")
    assert [n for n in names if forbidden.search(n)] == []
    assert not (built / "stale.py").exists(), "the build starts from an empty public/"


class PageScan(HTMLParser):
    """Collects what a strict CSP would block, and what the pages must carry."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.meta_referrer: str | None = None
        self.forms: list[dict[str, str | None]] = []
        self.buttons: list[dict[str, str | None]] = []
        self.hidden: dict[str, str | None] = {}
        self.ids: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"] or "")
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}>")
            if name == "style":
                self.inline.append(f"<{tag} style>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:>")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script":
            self._in_script = not a.get("src")
            if not a.get("src"):
                self.inline.append("<script> without src")
        if tag == "meta" and a.get("name") == "referrer":
            self.meta_referrer = a.get("content")
        if tag == "form":
            self.forms.append(a)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a.get("name") or ""] = a.get("value")
        if "data-price-id" in a or "data-lookup-key" in a:
            self.buttons.append(a)


def scan(path: Path) -> PageScan:
    parser = PageScan()
    parser.feed(path.read_text())
    return parser


PAGES = sorted(name for name in public_site.public_files() if name.endswith(".html"))


@pytest.mark.parametrize("name", PAGES)
def test_published_pages_have_no_inline_scripts_styles_or_handlers(name: str) -> None:
    page = scan(public_site.public_files()[name])
    assert page.inline == []
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"


@pytest.mark.parametrize("name", PAGES)
def test_referrer_policy_success_page_hides_the_session_and_form_pages_do_not(name: str) -> None:
    page = scan(public_site.public_files()[name])
    if name == "success.html":
        assert page.meta_referrer == "no-referrer"
    if page.forms or page.buttons:
        # Chromium would send `Origin: null` with the post, and the API answers 403.
        assert page.meta_referrer is None


def test_every_buy_button_sells_a_catalog_price_and_its_form_posts_the_same_one() -> None:
    catalog = tomllib.loads(CATALOG.read_text())
    ids = {p["id"] for product in catalog["products"].values() for p in product["prices"]}
    keys = {p.get("lookup_key") for product in catalog["products"].values() for p in product["prices"]}
    seen = 0
    for name in PAGES:
        text = public_site.public_files()[name].read_text()
        for form in re.findall(r"<form\b.*?</form>", text, re.S):
            page = PageScan()
            page.feed(form)
            if "data-portal" in page.forms[0]:  # the membership page's email form (account.html)
                assert page.forms[0].get("action") == "/api/portal" and not page.buttons
                continue
            for button in page.buttons:
                assert page.hidden.get("priceId") == button.get("data-price-id"), (name, form)
            assert page.forms[0].get("method") == "post"
            assert page.forms[0].get("action") == "/api/create-checkout-session"
        for button in scan(public_site.public_files()[name]).buttons:
            seen += 1
            assert button.get("data-price-id") in ids or button.get("data-lookup-key") in keys, (name, button)
    assert seen >= 3


def test_the_guide_shows_the_policy_the_kit_sends() -> None:
    guide = (ROOT / "site" / "add-a-buy-button.html").read_text()
    shown = " ".join(re.search(r"<code>Content-Security-Policy: (.*?)</code>", guide, re.S).group(1).split())
    assert shown == content_security_policy()


def test_the_library_stays_within_its_size_budget() -> None:
    size = len(gzip.compress((ROOT / "js" / "stripe-checkout.js").read_bytes(), 9))
    assert size <= JS_BUDGET_GZIPPED, f"js/stripe-checkout.js is {size} bytes gzipped (budget {JS_BUDGET_GZIPPED})"


def test_the_dev_server_serves_exactly_the_published_set_with_the_security_headers(tmp_path: Path) -> None:
    smtp = SmtpServer()  # configured, never started: nothing is sent here
    shop = DevShop(port=0, emulator_port=0, settle_after=None,
                   env=shop_env(f"sqlite:///{tmp_path}/o.db", smtp, CATALOG_PATH=str(CATALOG))).start()
    try:
        for name in public_site.public_files():
            answer = http("GET", f"{shop.url}/{name}")
            assert answer.status == 200, name
            csp = answer.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "default-src 'self'" in csp
            form_action = re.search(r"form-action ([^;]+)", csp).group(1).split()
            assert form_action == ["'self'", STRIPE_CHECKOUT_ORIGIN, shop.emulator.url]
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
        success = http("GET", shop.url + "/success.html?session_id=cs_test_abc")
        assert success.headers["Referrer-Policy"] == "no-referrer" and success.headers["Cache-Control"] == "no-store"
        home = http("GET", shop.url + "/")
        # Pages with buy buttons send their Origin with the form post.
        assert home.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert home.headers["Cache-Control"] == "no-cache"
        assert home.body == (ROOT / "site" / "index.html").read_bytes()
        for secret in ["/catalog.toml", "/.env", "/checkout_kit/web.py", "/tests/conftest.py", "/README.md",
                       "/site/index.html", "/js/../catalog.toml", "/%2e%2e/catalog.toml", "/pyproject.toml"]:
            answer = http("GET", shop.url + secret)
            assert answer.status == 404, secret
            assert b"Field Notes" in answer.body or answer.body == b"Not found"
        etag = home.headers["ETag"]
        assert http("GET", shop.url + "/", headers={"If-None-Match": etag}).status == 304
        assert http("POST", shop.url + "/index.html", b"x").status == 405
    finally:
        shop.stop()
