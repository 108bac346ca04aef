"""After the sale, in Chromium, as buyers, door staff and the owner do it (one shop selling one
product of every kind, tests/support/after_sale.py, with buy buttons on its own page):

- the e-book: its download link works 5 times, then says it is used up; a fresh link comes by
  email through the order page; after a refund the downloads stop;
- two tickets: two QR codes on the success page (read back from the page as a scanner would),
  each checked in once at /checkin.html (typed as a keyboard scanner types), a second scan says
  "Already used at …";
- a T-shirt, the owner's hook, the outgoing webhook and a hook that fails at first: each called
  exactly once, the failing one retried until it succeeds without repeating the order's emails,
  the shipping email once after `orders ship`; and the order page lists every order of the email.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import zxingcpp
from playwright.sync_api import Page, expect

from checkout_kit import outbox, public_site
from checkout_kit.devserver import DevShop
from checkout_kit.fulfillment import reference
from tests.core.conftest import CUSTOMER, MERCHANT, Shop, cli, hooks_dir, shop_env  # noqa: F401 (fixtures)
from tests.e2e.flows import SESSION_IN_URL, expect_state, pay_with_card
from tests.hooks import calls
from tests.support.after_sale import CHECKIN_TOKEN, HANDBOOK, HOOKS_SECRET, write_shop
from tests.support.outbox import make_due
from tests.support.servers import WebhookReceiver
from tests.support.smtp import SmtpServer, text_of

BUTTONS = [("Buy the handbook", "price_as_book", 1), ("Buy two tickets", "price_as_ticket", 2),
           ("Buy a T-shirt", "price_as_shirt", 1), ("Join the room", "price_as_room", 1),
           ("Order a box", "price_as_warehouse", 1), ("Take the course", "price_as_course", 1)]
INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>After Sale Shop</title>
<link rel="stylesheet" href="/styles.css"><script src="/js/stripe-checkout.js" defer></script></head>
<body><main id="main"><h1>After Sale Shop</h1><ul>{items}</ul><p><a href="/orders.html">Your orders</a></p>
</main></body></html>"""


@pytest.fixture
def after_shop(tmp_path: Path, smtp: SmtpServer, hooks_dir: Path) -> Iterator[Shop]:
    """The after-sale shop with a storefront of its own (the kit's pages, this shop's buttons)."""
    root = tmp_path / "root"
    shutil.copytree(public_site.ROOT / "site", root / "site")
    shutil.copytree(public_site.ROOT / "js", root / "js")
    for page in ("success.html", "canceled.html"):
        shutil.copy(public_site.ROOT / page, root / page)
    items = "".join(f'<li><button data-price-id="{price}" data-quantity="{qty}">{label}</button>'
                    f'<p role="alert"></p></li>' for label, price, qty in BUTTONS)
    (root / "site" / "index.html").write_text(INDEX.format(items=items))
    receiver = WebhookReceiver()
    env = shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, **write_shop(tmp_path / "project", receiver.url))
    dev = DevShop(port=0, emulator_port=0, env=env, settle_after=None, retry_first_delay=0.05, root=root)
    dev.start()
    shop = Shop(dev, smtp)
    shop.receiver = receiver  # type: ignore[attr-defined]
    yield shop
    dev.stop()
    receiver.close()


def buy(page: Page, shop: Shop, button: str, card: str = "4242 4242 4242 4242") -> str:
    """From the storefront through the hosted Checkout page to the success page; the session id."""
    page.goto(shop.url + "/")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(SESSION_IN_URL)
    session_id = SESSION_IN_URL.search(page.url).group(1)
    pay_with_card(page, card)
    expect_state(page, "paid")
    return session_id


def emails(shop: Shop, word: str, to: str = CUSTOMER) -> list[Any]:
    return [m for m in shop.smtp.to(to) if word in m["Subject"].lower()]


def magic_link(page: Page, shop: Shop, count: int) -> str:
    """Ask the order page for a link (as the buyer), wait for email number `count`, return its link."""
    page.goto(shop.url + "/orders.html")
    page.get_by_label("Your email").fill(CUSTOMER)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("a link is on its way")
    shop.smtp.wait_for(lambda ms: len(emails(shop, "your orders")) == count)
    return re.findall(r"http://\S+/orders\.html\?token=\S+", text_of(emails(shop, "your orders")[-1]))[0]


def download(page: Page, link: Any) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_an_e_book_downloads_five_times_then_is_used_up_then_comes_back_by_email_and_stops_after_a_refund(
        after_shop: Shop, page: Page, cli: Any) -> None:
    shop = after_shop
    session_id = buy(page, shop, "Buy the handbook")
    link = page.locator("[data-fulfillment]").get_by_role("link", name="Download")
    expect(link).to_have_attribute("href", re.compile(r"/api/download\?token="))
    for _ in range(5):
        assert download(page, link) == HANDBOOK
    link.click()
    expect(page.get_by_role("heading", name="This download link is used up")).to_be_visible()
    # The page's own way back: a fresh link by email (the buyer's address is filled in).
    expect(page.get_by_label("Your email")).to_have_value(CUSTOMER)
    page.get_by_role("button", name="Email me a fresh link").click()
    expect(page.get_by_role("status")).to_contain_text("a link is on its way")
    shop.smtp.wait_for(lambda ms: len(emails(shop, "your orders")) == 1)
    page.goto(re.findall(r"http://\S+/orders\.html\?token=\S+", text_of(emails(shop, "your orders")[0]))[0])
    card = page.locator(f'[data-order="{reference(session_id)}"]')
    expect(card).to_contain_text("The Handbook")
    assert "token=" not in page.url  # the link's token left the address bar
    fresh = card.get_by_role("link", name="Download")
    assert download(page, fresh) == HANDBOOK
    fresh_url = fresh.get_attribute("href")
    # The owner refunds it: the order page says so, and no download link works any more.
    assert cli.orders_refund(reference(session_id)) == 0
    page.reload()
    card = page.locator(f'[data-order="{reference(session_id)}"]')
    expect(card.locator("[data-order-status]")).to_have_attribute("data-order-status", "refunded")
    expect(card).to_contain_text("This download ended with the order's refund.")
    expect(card.get_by_role("link", name="Download")).to_have_count(0)
    page.goto(fresh_url)
    expect(page.get_by_role("heading", name="This order was refunded")).to_be_visible()
    shop.smtp.wait_for(lambda ms: len(emails(shop, "refund")) == 1)


READ_SVG = """async (svg) => {
  const image = new Image(), size = 400;
  image.src = "data:image/svg+xml;base64," + btoa(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const g = canvas.getContext("2d");
  g.drawImage(image, 0, 0, size, size);
  const rgba = g.getImageData(0, 0, size, size).data, gray = [];
  for (let i = 0; i < rgba.length; i += 4) gray.push(rgba[i]);
  return gray;
}"""


def scan(svg: Any) -> str:
    """What a scanner reads from a QR code as the page draws it."""
    gray = bytes(svg.evaluate(READ_SVG))
    found = zxingcpp.read_barcodes(memoryview(gray).cast("B", (400, 400)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "no QR code could be read from the page"
    return found[0].text


def test_two_tickets_two_qr_codes_each_admitted_once_at_the_door(after_shop: Shop, page: Page) -> None:
    shop = after_shop
    buy(page, shop, "Buy two tickets")
    tickets = page.locator("[data-ticket-code]")
    expect(tickets).to_have_count(2)
    expect(page.locator("[data-fulfillment]")).to_contain_text("Room 2, 1 Main St")
    expect(page.locator("[data-fulfillment]")).to_contain_text("Monday 3 May 2027, 19:00")
    codes = []
    for n in range(2):
        figure = tickets.nth(n)
        code = figure.get_attribute("data-ticket-code")
        expect(figure.locator(".code")).to_have_text(code)  # the code as text beneath its QR code
        assert scan(figure.locator("svg")) == code
        codes.append(code)
    # At the door: the staff token once, then each code as a keyboard scanner types it (and Enter).
    page.goto(shop.url + "/checkin.html")
    page.get_by_label("Staff token").fill(CHECKIN_TOKEN)
    page.get_by_role("button", name="Start").click()
    field = page.get_by_label("Ticket code")
    verdict = page.locator("[data-verdict]")
    for code in codes:
        expect(field).to_be_focused()
        field.type(code)
        field.press("Enter")
        expect(verdict).to_have_attribute("data-verdict", "valid")
        expect(verdict).to_contain_text("Valid: let them in")
    field.type(codes[0].lower().replace("-", " "))  # typed by hand, loosely
    field.press("Enter")
    expect(verdict).to_have_attribute("data-verdict", "already_used")
    expect(verdict).to_contain_text(re.compile(r"Already used at \d"))
    field.type("TKT-AAAAAAAAAA")
    field.press("Enter")
    expect(verdict).to_have_attribute("data-verdict", "unknown")
    expect(page.locator("[data-count]")).to_have_text("2")
    assert all(t.checked_in_at for t in shop.store.tickets(shop.store.list_orders(1)[0].session_id))


def test_every_other_kind_once_a_failing_hook_retried_shipping_once_and_the_order_page(
        after_shop: Shop, page: Page, cli: Any, hooks_dir: Path) -> None:
    shop = after_shop
    (hooks_dir / "failures").write_text("1")  # the course platform is down for the first call
    receiver = shop.receiver  # type: ignore[attr-defined]
    sessions = {button: buy(page, shop, button) for button in
                ("Buy a T-shirt", "Join the room", "Order a box", "Take the course")}
    expect(page.locator("[data-fulfillment]")).to_contain_text("Flaky Course")
    shop.smtp.wait_for(lambda ms: len(shop.receipts()) == 4 and len(shop.smtp.to(MERCHANT)) == 4)
    shop.settle_deliveries()
    make_due(shop.store)
    outbox.drain(shop.services)  # the cron route's pass, after the failing hook's backoff
    assert [c["what"] for c in calls(hooks_dir, "flaky")] == ["failed", "done"]
    assert len(calls(hooks_dir, "record")) == 1
    [delivered] = receiver.wait_for(lambda rs: len(rs) == 1)
    assert json.loads(delivered.body)["data"]["order"]["session_id"] == sessions["Order a box"]
    assert delivered.headers["Kit-Signature"].startswith("t=") and HOOKS_SECRET not in delivered.body.decode()
    # The owner's hook answered: the success page shows it.
    page.goto(f"{shop.url}/success.html?session_id={sessions['Join the room']}")
    expect(page.locator("[data-fulfillment]")).to_contain_text("ROOM-")
    # The T-shirt leaves: one shipping email, however often the owner runs the command.
    shirt = reference(sessions["Buy a T-shirt"])
    assert cli.orders_ship(shirt, "DHL", "JD0001") == 0
    assert cli.orders_ship(shirt, "DHL", "JD0001") == 0
    shop.smtp.wait_for(lambda ms: len(emails(shop, "shipped")) == 1)
    # The order page: one link, every order of the email, the shipment's tracking.
    page.goto(magic_link(page, shop, 1))
    expect(page.locator("[data-order]")).to_have_count(4)
    expect(page.locator(f'[data-order="{shirt}"]')).to_contain_text("JD0001")
    time.sleep(0.3)
    make_due(shop.store)
    outbox.drain(shop.services)
    assert len(shop.receipts()) == 4 and len(shop.smtp.to(MERCHANT)) == 4  # nothing repeated
    assert len(receiver.received) == 1 and len(calls(hooks_dir, "record")) == 1
