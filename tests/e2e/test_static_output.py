"""The published set: what `make site` (scripts/build-site.sh) puts in public/, what the
dev server serves, and the rules the kit's own pages keep (no inline code, referrer policy,
buttons that name catalog prices: `check`'s rules), and a small library."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
from pathlib import Path

import pytest

from checkout_kit import public_site, shop_pages
from checkout_kit.catalog import load
from checkout_kit.devserver import DevShop
from checkout_kit.security_headers import STRIPE_CHECKOUT_ORIGIN, content_security_policy
from checkout_kit.shop_check import check, scan
from tests.core.conftest import FIXTURE_SITE, http, shop_env
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
    identity = shop_pages.Identity(load(str(ROOT / "catalog.toml")).shop.with_support_email(os.environ.get("SUPPORT_EMAIL")))
    for name, source in expected.items():
        if shop_pages.fills(name):  # pages and stylesheets, with the shop's identity filled in
            assert published[name].read_text() == shop_pages.fill(source.read_text(), identity), name
        else:
            assert published[name].read_bytes() == source.read_bytes(), name
    assert {"index.html", "js/stripe-checkout.js", "success.html", "canceled.html"} <= set(published)


def test_the_build_publishes_no_source_config_secrets_or_tests(built: Path) -> None:
    names = [p.relative_to(built).as_posix() for p in built.rglob("*")]
    forbidden = re.compile(r"(\.py|\.pyc|\.toml|\.env|\.md|\.sh|\.db|\.eml)$|(^|/)(tests|checkout_kit|\.git|api|\.data)(/|$)|(^|/)\.")
    assert [n for n in names if forbidden.search(n)] == []
    assert not (built / "stale.py").exists(), "the build starts from an empty public/"


def test_the_kit_pages_pass_the_shop_check() -> None:
    """success.html, canceled.html and the fixture storefront keep `check`'s rules: no inline code
    (the CSP), a referrer policy that lets forms post, buttons that name catalog prices."""
    result = check(CATALOG, root=ROOT, site=FIXTURE_SITE)
    assert result.problems == []
    assert result.pages >= 5 and result.buttons >= 5
    # success.html never sends the session id in its address on as a referrer.
    assert scan((ROOT / "success.html").read_text()).no_referrer is not None


def test_the_guide_shows_the_policy_the_kit_sends() -> None:
    guide_file = ROOT / "site" / "add-a-buy-button.html"
    if not guide_file.is_file():
        pytest.skip("the owner removed the guide page from site/")
    guide = guide_file.read_text()
    shown = " ".join(re.search(r"<code>Content-Security-Policy: (.*?)</code>", guide, re.S).group(1).split())
    assert shown == content_security_policy()


def test_the_library_stays_within_its_size_budget() -> None:
    size = len(gzip.compress((ROOT / "js" / "stripe-checkout.js").read_bytes(), 9))
    assert size <= JS_BUDGET_GZIPPED, f"js/stripe-checkout.js is {size} bytes gzipped (budget {JS_BUDGET_GZIPPED})"


def test_the_dev_server_serves_exactly_the_published_set_with_the_security_headers(tmp_path: Path) -> None:
    smtp = SmtpServer()  # configured, never started: nothing is sent here
    shop = DevShop(port=0, emulator_port=0, settle_after=None, site=FIXTURE_SITE,
                   env=shop_env(f"sqlite:///{tmp_path}/o.db", smtp)).start()
    try:
        for name in public_site.public_files(ROOT, FIXTURE_SITE):
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
        fixture_shop = shop_pages.Identity(shop.services.shop)
        assert home.body.decode() == shop_pages.fill((FIXTURE_SITE / "index.html").read_text(), fixture_shop)
        for secret in ["/catalog.toml", "/.env", "/checkout_kit/web.py", "/tests/conftest.py", "/README.md",
                       "/site/index.html", "/js/../catalog.toml", "/%2e%2e/catalog.toml", "/pyproject.toml"]:
            answer = http("GET", shop.url + secret)
            assert answer.status == 404, secret
            assert b"Page not found" in answer.body and b"Test Shop" in answer.body
        etag = home.headers["ETag"]
        assert http("GET", shop.url + "/", headers={"If-None-Match": etag}).status == 304
        assert http("POST", shop.url + "/index.html", b"x").status == 405
    finally:
        shop.stop()


def test_the_admin_page_is_published_under_the_strict_policy_and_calls_only_its_api(built: Path) -> None:
    """The kit's admin/ goes out beside the owner's site/ (no build step, no secret), every host sends it the same
    CSP as the shop's pages (their catch-all rule, nothing for /admin/ overrides it), and its
    scripts talk to same-origin /api/admin/* only."""
    import json
    import tomllib

    admin = sorted(p.relative_to(built).as_posix() for p in (built / "admin").rglob("*") if p.is_file())
    assert {"admin/index.html", "admin/admin.css", "admin/js/app.js", "admin/js/api.js"} <= set(admin)
    vercel = json.loads((ROOT / "vercel.json").read_text())
    csp_rules = [r["source"] for r in vercel["headers"] if any(h["key"] == "Content-Security-Policy" for h in r["headers"])]
    assert csp_rules == ["/(.*)"]
    for name in ("netlify.toml", "netlify.fallback.toml"):
        rules = tomllib.loads((ROOT / name).read_text())["headers"]
        assert [r["for"] for r in rules if "Content-Security-Policy" in r["values"]] == ["/*"], name
    scripts = {p.name: p.read_text() for p in (ROOT / "admin" / "js").rglob("*.js")}
    calls = [name for name, text in scripts.items() if "fetch(" in text]
    assert calls == ["api.js"] and "fetch(`/api/admin/${path}`" in scripts["api.js"]
    assert not [name for name, text in scripts.items() if re.search(r"https?://(?!www\.w3\.org/2000/svg)", text)]
    assert not [name for name, text in scripts.items() if re.search(r"innerHTML|outerHTML|insertAdjacentHTML|eval\(", text)]
    page = (ROOT / "admin" / "index.html").read_text()
    assert "ADMIN_TOKEN" in page and not re.search(r"Bearer\s+\w", page)  # asks for the token, holds none
