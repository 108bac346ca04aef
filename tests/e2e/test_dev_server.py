"""`make dev` follows the owner's edits: catalog.toml and .env changes apply at the next request (an
edited amount too, with a word on how Stripe differs), new pages are served at once, a broken edit keeps the last good version; localhost, 127.0.0.1
and [::1] are all the shop's origin; a refused origin is explained in one log line; and
`/_dev/outbox` shows the emails, newest first, their HTML safely framed."""

from __future__ import annotations

import json
import re
import logging
import shutil
import socket
import time
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from checkout_kit.devserver import DevShop
from tests.core.conftest import FIXTURE_SITE, FIXTURES, CUSTOMER, Shop, http, shop_env, start_shop
from tests.e2e.flows import buy_button
from tests.support.smtp import SmtpServer

NEW_PRODUCT = """
[products.mug]
name = "Enamel Mug"
fulfillment = "shipment"
shipping_countries = ["US"]
  [[products.mug.prices]]
  lookup_key = "mug"
  unit_amount = 1800
"""


def post(shop: DevShop, payload: dict, origin: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    answer = http("POST", shop.url + "/api/create-checkout-session", json.dumps(payload).encode(), headers)
    return answer.status, answer.json()


def touch_later(path: Path, text: str) -> None:
    """Write, making sure the modification time moves even on a coarse clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    while path.stat().st_mtime_ns == before:
        time.sleep(0.01)
        path.write_text(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "catalog.toml", tmp_path / "catalog.toml")
    shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    return tmp_path


@pytest.fixture
def dev(project: Path) -> Iterator[DevShop]:
    env = shop_env(f"sqlite:///{project}/orders.db", SmtpServer(), CATALOG_PATH=str(project / "catalog.toml"))
    shop = DevShop(port=0, emulator_port=0, env=env, site=project / "site", dotenv=project / ".env",
                   settle_after=None).start()
    yield shop
    shop.stop()


def test_catalog_edits_apply_at_the_next_request(dev: DevShop, project: Path) -> None:
    assert post(dev, {"lookupKey": "mug"}) == (400, {"error": {"code": "unknown_price",
                                                                "message": "That item is not for sale here."}})
    touch_later(project / "catalog.toml", (project / "catalog.toml").read_text() + NEW_PRODUCT)
    status, session = post(dev, {"lookupKey": "mug", "quantity": 2})
    assert status == 200, session
    # The emulator was seeded with the new price: the session charges it.
    pay_page = http("GET", session["url"])
    assert pay_page.status == 200 and b"$36.00" in pay_page.body


def test_an_edited_amount_is_charged_at_the_next_request_and_the_log_says_stripe_keeps_its_own(
        dev: DevShop, project: Path, caplog: pytest.LogCaptureFixture) -> None:
    status, before = post(dev, {"priceId": "price_test_ebook"})
    assert status == 200 and b"$15.00" in http("GET", before["url"]).body
    catalog = (project / "catalog.toml").read_text()
    touch_later(project / "catalog.toml", catalog.replace("unit_amount = 1500", "unit_amount = 1900"))
    with caplog.at_level(logging.WARNING, logger="checkout_kit.dev"):
        status, after = post(dev, {"priceId": "price_test_ebook"})
        assert status == 200 and b"$19.00" in http("GET", after["url"]).body  # what the page now says
        assert post(dev, {"priceId": "price_test_tshirt"})[0] == 200
    said = [r.getMessage() for r in caplog.records if "catalog push --write" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("price_test_ebook ")  # only the price that changed
    assert b"$15.00" in http("GET", before["url"]).body  # a session made before keeps its amount


def test_an_amount_stripe_would_refuse_keeps_the_last_good_price_and_says_why(
        dev: DevShop, project: Path, caplog: pytest.LogCaptureFixture) -> None:
    catalog = (project / "catalog.toml").read_text()
    touch_later(project / "catalog.toml", catalog.replace("unit_amount = 1500", "unit_amount = 150000000"))
    with caplog.at_level(logging.ERROR, logger="checkout_kit.dev"):
        for _ in range(2):
            status, session = post(dev, {"priceId": "price_test_ebook"})
            assert status == 200 and b"$15.00" in http("GET", session["url"]).body
    said = [r.getMessage() for r in caplog.records if "not reloaded" in r.getMessage()]
    assert len(said) == 1 and "99999999" in said[0].replace(",", "")
    touch_later(project / "catalog.toml", catalog.replace("unit_amount = 1500", "unit_amount = 1700"))
    status, session = post(dev, {"priceId": "price_test_ebook"})
    assert status == 200 and b"$17.00" in http("GET", session["url"]).body


def test_a_broken_catalog_edit_keeps_the_last_good_one_and_says_why(
        dev: DevShop, project: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = (project / "catalog.toml").read_text()
    touch_later(project / "catalog.toml", good.replace('unit_amount = 1500', 'unit_amount = "1500"'))
    with caplog.at_level(logging.ERROR, logger="checkout_kit.dev"):
        assert post(dev, {"priceId": "price_test_ebook"})[0] == 200
        assert post(dev, {"priceId": "price_test_ebook"})[0] == 200
    said = [r.getMessage() for r in caplog.records if "not reloaded" in r.getMessage()]
    assert len(said) == 1 and "[products.ebook.prices[0]]: unit_amount" in said[0]
    touch_later(project / "catalog.toml", good + NEW_PRODUCT)
    assert post(dev, {"lookupKey": "mug"})[0] == 200


def test_the_shops_identity_follows_catalog_edits(dev: DevShop, project: Path) -> None:
    assert b"<title>Test Shop" in http("GET", dev.url + "/").body
    catalog = (project / "catalog.toml").read_text()
    touch_later(project / "catalog.toml", catalog.replace('name = "Test Shop"', 'name = "Renamed Shop"\naccent = "#7a1f3d"'))
    assert b"<title>Renamed Shop" in http("GET", dev.url + "/").body
    assert b"--accent: #7a1f3d;" in http("GET", dev.url + "/styles.css").body


def test_env_edits_apply_at_the_next_request(dev: DevShop, project: Path) -> None:
    other = "https://blog.example.org"
    assert post(dev, {"priceId": "price_test_ebook"}, origin=other)[0] == 403
    touch_later(project / ".env", f"ALLOWED_ORIGINS={other}\n")
    assert post(dev, {"priceId": "price_test_ebook"}, origin=other)[0] == 200
    touch_later(project / ".env", f"ALLOWED_ORIGINS={other},not-an-origin\n")  # broken: the last good settings stay
    assert post(dev, {"priceId": "price_test_ebook"}, origin=other)[0] == 200


def test_a_page_added_to_the_site_is_served_at_once(dev: DevShop, project: Path) -> None:
    assert http("GET", dev.url + "/new.html").status == 404
    (project / "site" / "new.html").write_text("<!doctype html><title>New</title><h1>Just added</h1>")
    answer = http("GET", dev.url + "/new.html")
    assert answer.status == 200 and b"Just added" in answer.body


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def test_every_loopback_name_of_the_dev_port_is_the_shops_origin(dev: DevShop) -> None:
    for host in ("127.0.0.1", "localhost", "[::1]"):
        assert post(dev, {"priceId": "price_test_ebook"}, origin=f"http://{host}:{dev.port}")[0] == 200, host
    assert post(dev, {"priceId": "price_test_ebook"}, origin=f"http://localhost:{dev.port + 1}")[0] == 403
    if ipv6_loopback():
        answer = http("GET", f"http://[::1]:{dev.port}/")
        assert answer.status == 200 and b"Test Shop" in answer.body


def test_a_refused_origin_is_explained_once_in_the_log(dev: DevShop, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="checkout_kit.web"):
        for _ in range(3):
            assert post(dev, {"priceId": "price_test_ebook"}, origin="https://stranger.example")[0] == 403
    lines = [r.getMessage() for r in caplog.records if "stranger.example" in r.getMessage()]
    assert lines == ["refused a checkout from a page on https://stranger.example: only SITE_URL "
                     f"({dev.url}) and ALLOWED_ORIGINS may start one. If that page is yours, add it: "
                     "ALLOWED_ORIGINS=https://stranger.example (comma-separated, after any you have)"]


@pytest.mark.browser
def test_a_page_opened_on_localhost_buys(dev: DevShop, page: Page) -> None:
    page.goto(f"http://localhost:{dev.port}/")
    buy_button(page, "Buy the e-book").click()
    page.wait_for_url(f"{dev.emulator.url}/c/pay/**")


# ---- /_dev/outbox ------------------------------------------------------------------------------

HOSTILE = b"""From: Someone <x@example.com>
To: owner@example.com
Subject: An old email with a script
Date: Mon, 01 Jan 2024 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head></head><body><p id="p">Hello</p><script>fetch("/api/health?ran-a-script")</script>
<img src="x" onerror="fetch('/api/health?ran-onerror')"></body></html>
"""


@pytest.fixture
def outbox_shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """The dev shop without a mail transport: emails become .eml files in the outbox."""
    env = shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, OUTBOX_DIR=str(tmp_path / "outbox"))
    del env["SMTP_URL"]
    (tmp_path / "outbox").mkdir()
    old = tmp_path / "outbox" / "20240101-100000-old.eml"
    old.write_bytes(HOSTILE)
    shop = start_shop(env, smtp)
    yield shop
    shop.dev.stop()


@pytest.mark.browser
def test_the_outbox_lists_emails_newest_first_and_opens_them_safely(
        outbox_shop: Shop, context: BrowserContext, page: Page) -> None:
    shop = outbox_shop
    session_id = shop.new_session("price_test_ebook")
    shop.pay(session_id)
    shop.wait_order(session_id)
    outbox = Path(shop.services.settings.outbox_dir)
    deadline = time.time() + 10
    while len(list(outbox.glob("*.eml"))) < 3 and time.time() < deadline:
        time.sleep(0.05)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route("https://downloads.example.com/**", lambda route: route.fulfill(body="the file", content_type="text/plain"))

    page.goto(shop.url + "/_dev/outbox")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    subjects = rows.locator("td:first-child").all_inner_texts()
    assert subjects[-1] == "An old email with a script"  # newest first
    receipt = next(s for s in subjects if s.startswith("Your receipt from Test Shop"))
    expect(rows.filter(has_text=receipt).locator("td").nth(1)).to_have_text(CUSTOMER)
    expect(rows.filter(has_text=receipt).locator("time")).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"))

    page.get_by_role("link", name=receipt).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(receipt)
    expect(page.locator("pre")).to_contain_text(f"Download: {shop.url}/api/download?token=")
    frame = page.frame_locator("iframe")
    link = frame.get_by_role("link", name="Download")  # the shop's signed link, which leads to the file
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    with context.expect_page() as opened:
        link.click()
    opened.value.wait_for_load_state()
    assert any(u.startswith(f"{shop.url}/api/download?token=") for u in requested), requested

    page.goto(shop.url + "/_dev/outbox")
    page.get_by_role("link", name="An old email with a script").click()
    expect(page.frame_locator("iframe").locator("#p")).to_have_text("Hello")
    page.wait_for_timeout(300)
    assert not [u for u in requests if "ran-" in u], "a script in an email ran"
    assert http("GET", shop.url + "/_dev/outbox/..%2f..%2fcatalog.toml").status == 404
