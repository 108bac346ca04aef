"""One place for the shop's identity: `[shop]` in catalog.toml (name, support email, logo, accent
colour, currency display) reaches every page (storefront, success, canceled, 404), the emails and
the published build; copy that promises a reply appears only when there is an address to reply to."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.core.conftest import CUSTOMER, FIXTURES, Shop, shop_env, start_shop
from tests.e2e.flows import ROOT, expect_state, pay_with_card, receipts_after_settling, start_checkout
from tests.support.smtp import SmtpServer, html_of, text_of

pytestmark = pytest.mark.browser

IDENTITY = """[shop]
name = "Gadget & Garden"
support_email = "care@gadget-garden.example"
logo = "/img/logo.svg"
accent = "#0b6e4f"
currency_display = "code"
"""
PAGES = ["/", "/button-outside-a-form.html", "/canceled.html", "/success.html", "/no-such-page"]


def catalog_with(tmp_path: Path, shop_table: str) -> Path:
    fixture = (FIXTURES / "catalog.toml").read_text()
    path = tmp_path / "catalog.toml"
    path.write_text(re.sub(r"\[shop\]\nname = \"Test Shop\"\n", shop_table, fixture))
    assert shop_table in path.read_text()
    return path


@pytest.fixture
def branded(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    env = shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, CATALOG_PATH=str(catalog_with(tmp_path, IDENTITY)))
    del env["SUPPORT_EMAIL"]  # the address comes from [shop] alone
    shop = start_shop(env, smtp)
    yield shop
    shop.dev.stop()


@pytest.fixture
def unsupported(tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """No support_email in [shop] and no SUPPORT_EMAIL: nobody promises an answer."""
    env = shop_env(f"sqlite:///{tmp_path}/orders.db", smtp,
                   CATALOG_PATH=str(catalog_with(tmp_path, '[shop]\nname = "Quiet Shop"\n')))
    del env["SUPPORT_EMAIL"]
    shop = start_shop(env, smtp)
    yield shop
    shop.dev.stop()


def test_every_page_shows_the_shops_name_logo_colour_and_contact(branded: Shop, page: Page) -> None:
    for path in PAGES:
        page.goto(branded.url + path)
        expect(page).to_have_title(re.compile(r"— Gadget & Garden$|^Gadget & Garden —"))
        brand = page.locator(".brand")
        expect(brand).to_have_text("Gadget & Garden")
        expect(brand.locator("img")).to_have_attribute("src", "/img/logo.svg")
        expect(page.locator('meta[name="theme-color"]')).to_have_attribute("content", "#0b6e4f")
        accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
        assert accent == "#0b6e4f", path
        assert "{{" not in page.content(), path
    page.goto(branded.url + "/")
    footer = page.locator("footer")
    expect(footer).to_contain_text("a person answers")
    expect(footer.get_by_role("link", name="care@gadget-garden.example")).to_have_attribute(
        "href", "mailto:care@gadget-garden.example")
    color = page.evaluate("getComputedStyle(document.querySelector('.buy')).backgroundColor")
    assert color == "rgb(11, 110, 79)"


def test_the_success_page_and_the_emails_carry_the_identity(branded: Shop, page: Page) -> None:
    session_id = start_checkout(page, branded)
    pay_with_card(page)
    page.wait_for_url(f"{branded.url}/success.html**")
    expect_state(page, "paid")
    expect(page).to_have_title(re.compile(r"— Gadget & Garden$"))
    expect(page.locator("tfoot")).to_contain_text("USD")  # currency_display = "code"
    expect(page.locator("main")).to_contain_text("care@gadget-garden.example")
    (receipt,) = receipts_after_settling(branded)
    assert receipt["Subject"] == f"Your receipt from Gadget & Garden — order {receipt['Subject'].split()[-1]}"
    assert receipt["Reply-To"] == "care@gadget-garden.example"
    markup = html_of(receipt)
    assert "Gadget &amp; Garden" in markup and "#0b6e4f" in markup
    assert f'src="{branded.url}/img/logo.svg"' in markup
    assert "care@gadget-garden.example" in markup
    assert "15.00 USD" in text_of(receipt) and "$" not in text_of(receipt)
    assert branded.wait_order(session_id).customer_email == CUSTOMER


def test_without_an_address_no_page_or_email_promises_a_reply(unsupported: Shop, page: Page) -> None:
    for path in PAGES:
        page.goto(unsupported.url + path)
        expect(page.locator(".brand")).to_have_text("Quiet Shop")
        assert "person answers" not in page.content() and "mailto:" not in page.content(), path
    page.goto(unsupported.url + "/")
    start_checkout(page, unsupported)
    pay_with_card(page)
    page.wait_for_url(f"{unsupported.url}/success.html**")
    expect_state(page, "paid")
    assert "person answers" not in page.content()
    (receipt,) = receipts_after_settling(unsupported)
    assert receipt["Reply-To"] is None
    assert "Questions?" not in html_of(receipt) and "Questions?" not in text_of(receipt)


def test_the_build_fills_the_identity_into_the_published_copy(tmp_path: Path) -> None:
    """What Vercel and Netlify publish: the pages with the shop's identity, no placeholder left."""
    project = tmp_path / "project"
    for folder in ("site", "js", "checkout_kit", "scripts"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("success.html", "canceled.html"):
        shutil.copy(ROOT / name, project / name)
    shutil.copy(ROOT / "catalog.toml", project / "catalog.toml")
    catalog = (project / "catalog.toml").read_text()
    (project / "catalog.toml").write_text(re.sub(r'(?m)^name = "[^"]*"', 'name = "Built & Branded"', catalog, count=1))
    subprocess.run(["sh", "scripts/build-site.sh"], cwd=project, check=True, capture_output=True)
    public = project / "public"
    for file in [*public.rglob("*.html"), *public.rglob("*.css")]:
        assert not re.search(r"\{\{\s*shop\.", file.read_text()), file
    for name in ("success.html", "canceled.html"):
        text = (public / name).read_text()
        assert "<title>" in text and "Built &amp; Branded</title>" in text, name
    assert "{{shop.name}}" in (project / "success.html").read_text()  # the source keeps its placeholders
