"""`python -m checkout_kit check`: the owner's shop checked as they would run it, one line per
problem naming file and line, on small projects made here (never the owner's own shop)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checkout_kit.shop_check import check

ROOT = Path(__file__).resolve().parents[2]

CATALOG = """\
[shop]
name = "Corner Shop"

[products.book]
name = "Book"
fulfillment = "download"
download_url = "https://files.example.com/book.pdf"
max_quantity = 1
  [[products.book.prices]]
  id = "price_book"
  unit_amount = 1000

[products.mug]
name = "Mug"
fulfillment = "shipment"
shipping_countries = ["US"]
max_quantity = 4
  [[products.mug.prices]]
  lookup_key = "mug"
  unit_amount = 1200
"""

PAGE = """\
<!doctype html>
<html lang="en">
<head><title>Corner Shop</title><script src="/js/stripe-checkout.js" defer></script></head>
<body>
<main>
{body}
</main>
</body>
</html>
"""
BODY_LINE = 6  # the line of the page where {body} starts


def project(tmp_path: Path, catalog: str = CATALOG, pages: dict[str, str] | None = None) -> Path:
    """A shop: catalog.toml, site/ with the given pages (their <main> bodies), the kit's js/ and landing pages."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "catalog.toml").write_text(catalog)
    (tmp_path / "site").mkdir()
    for name, body in (pages or {"index.html": ""}).items():
        (tmp_path / "site" / name).write_text(PAGE.format(body=body))
    for name in ("success.html", "canceled.html"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "js").mkdir()
    return tmp_path


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def lines(tmp_path: Path) -> list[str]:
    return [str(p) for p in check(tmp_path / "catalog.toml").problems]


def run_check(cwd: Path, *args: str, python: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CATALOG_PATH"} | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([*(python or [sys.executable]), "-m", "checkout_kit", "check", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_good_shop_passes_and_says_what_it_checked(tmp_path: Path) -> None:
    project(tmp_path, pages={"index.html": """
<form method="post" action="/api/create-checkout-session">
  <input type="hidden" name="priceId" value="price_book"><input type="hidden" name="quantity" value="1">
  <button type="submit" data-price-id="price_book">Buy the book</button>
</form>
<label for="q">How many</label><input id="q" type="number" min="1" max="4" value="2">
<button data-lookup-key="mug" data-quantity-input="#q">Buy mugs</button>"""})
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Shop check passed: 2 products, 2 prices, 3 pages, 2 buy buttons."


def test_each_problem_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    body = """<button data-price-id="price_gone">Gone</button>
<button data-lookup-key="cup">Cup</button>
<button data-price-id="price_book" data-quantity="2">Two books</button>
<form method="post" action="/api/create-checkout-session">
  <input type="hidden" name="priceId" value="price_other">
  <button type="submit" data-price-id="price_book">Book</button>
</form>
<label for="n">How many</label><input id="n" type="number" min="1" max="10">
<button data-lookup-key="mug" data-quantity-input="#n">Mugs</button>
<button data-lookup-key="mug" data-quantity-input="#missing">Mugs</button>
<p style="color: red" onclick="buy()">Inline</p>
<script>alert(1)</script>"""
    project(tmp_path, pages={"index.html": body})
    at = lambda n: f"site/index.html:{BODY_LINE + n}: "  # noqa: E731
    problems = run_check(tmp_path)
    assert problems.returncode == 1
    assert "problem(s) in your shop" in problems.stderr
    assert problems.stdout.splitlines() == [
        at(0) + 'data-price-id="price_gone" is not a price in catalog.toml: add it to the catalog, or fix the id',
        at(1) + 'data-lookup-key="cup" is not a lookup_key in catalog.toml: add it to the catalog, or fix the key',
        at(2) + "data-quantity is 2, but Book sells exactly 1 at a time",
        at(3) + 'without JavaScript this form posts priceId=price_other, not the price its button names: give it '
                '<input type="hidden" name="priceId" value="price_book"> (and no other price field)',
        at(7) + "the quantity field #n allows 1 to 10, but Mug sells 1 to 4 at a time: set min and max to match",
        at(9) + 'data-quantity-input="#missing" finds no input with that id on this page',
        at(10) + "the onclick= handler on <p> is blocked by the kit's Content-Security-Policy (script-src/style-src 'self')",
        at(10) + "the style= attribute on <p> is blocked by the kit's Content-Security-Policy (script-src/style-src 'self')",
        at(11) + "the inline <script> (use a .js file) is blocked by the kit's Content-Security-Policy (script-src/style-src 'self')",
    ]


def test_text_comments_escaped_examples_and_code_are_not_buttons(tmp_path: Path) -> None:
    project(tmp_path, pages={"index.html": """
<p>Write data-price-id="price_nope" on a button.</p>
<!-- <button data-price-id="price_commented">Later</button> -->
<pre><code>&lt;button data-price-id="price_escaped"&gt;Buy&lt;/button&gt;</code></pre>
<code><button data-price-id="price_in_code">Shown, not sold</button></code>
<template><button data-lookup-key="templated">Cloned later</button></template>
<button data-price-id="price_book">Real</button>"""})
    result = check(tmp_path / "catalog.toml")
    assert result.problems == [] and result.buttons == 1


def test_catalog_errors_point_at_their_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    catalog = CATALOG.replace('  unit_amount = 1200\n', '  unit_amount = 1200\n  recurring = "monthly"\n')
    project(tmp_path, catalog)
    assert lines(tmp_path) == [f"catalog.toml:{line_of(catalog, '[[products.mug.prices]]')}: "
                               "[products.mug.prices[0]]: recurring must be one of day, week, month, year"]
    broken = CATALOG.replace('name = "Mug"', 'name = "Mug')
    project(tmp_path / "b", broken)
    (problem,) = lines(tmp_path / "b")
    assert problem.startswith(f"b/catalog.toml:{line_of(broken, 'name = \"Mug')}: not valid TOML")


def test_kinds_need_what_they_fulfil_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = CATALOG.replace('download_url = "https://files.example.com/book.pdf"', 'download_file = "book.pdf"')
    catalog = catalog.replace('shipping_countries = ["US"]\n', "")
    catalog += """
[products.club]
name = "Club"
fulfillment = "subscription"
  [[products.club.prices]]
  id = "price_club"
  unit_amount = 500

[products.guide]
name = "Guide"
fulfillment = "download"
  [[products.guide.prices]]
  lookup_key = "guide"
"""
    project(tmp_path, catalog)
    monkeypatch.chdir(tmp_path)
    at = lambda table: f"catalog.toml:{line_of(catalog, table)}: "  # noqa: E731
    assert lines(tmp_path) == [
        at("[products.book]") + "[products.book] download_file 'book.pdf' is not in downloads/ (looked for downloads/book.pdf)",
        at("[products.mug]") + "[products.mug] is a shipment without shipping_countries: Checkout would not ask for an address",
        at("[products.club]") + "[products.club] is a subscription with a one-time price: give each price recurring = "
        "\"month\" (or day, week, year)",
        at("[products.guide]") + "[products.guide] is a download without download_url or download_file: buyers would get nothing",
        at("[products.guide]") + "[products.guide] price lookup:guide has neither an id nor a unit_amount: catalog push "
        "cannot create it",
    ]
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "book.pdf").write_bytes(b"%PDF")
    assert not any("book.pdf" in line for line in lines(tmp_path))
    escaping = catalog.replace('download_file = "book.pdf"', 'download_file = "../catalog.toml"')
    (tmp_path / "catalog.toml").write_text(escaping)
    assert any("download_file must be a file name inside downloads/" in line for line in lines(tmp_path))


def test_a_page_with_buttons_needs_the_library_and_must_not_hide_its_origin(tmp_path: Path) -> None:
    project(tmp_path, pages={"index.html": '<meta name="referrer" content="no-referrer">\n'
                                           '<button data-price-id="price_book">Buy</button>'})
    page = (tmp_path / "site" / "index.html")
    page.write_text(page.read_text().replace('<script src="/js/stripe-checkout.js" defer></script>', ""))
    assert [line.split(": ", 1)[1][:40] for line in lines(tmp_path)] == [
        '<meta name="referrer" content="no-referr', "this page has buy buttons but no <script"]


def test_check_runs_on_a_python_without_the_kits_dependencies(tmp_path: Path) -> None:
    """Build hosts (Vercel's and Netlify's images) have a Python but not the kit's packages: -S leaves
    site-packages (python-dotenv, Jinja2, Werkzeug) out."""
    project(tmp_path, pages={"index.html": '<button data-price-id="price_nope">Buy</button>'})
    result = run_check(tmp_path, python=[sys.executable, "-S"])
    assert result.returncode == 1 and "price_nope" in result.stdout, result.stderr


def test_a_missing_catalog_is_one_clear_line(tmp_path: Path) -> None:
    result = run_check(tmp_path, "--catalog", "shop.toml")
    assert result.returncode == 1
    assert result.stdout.strip() == "shop.toml:1: no catalog file: copy the demo catalog.toml and edit it"


def test_the_shop_identity_and_its_placeholders_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    catalog = CATALOG.replace('name = "Corner Shop"', 'name = "Corner Shop"\naccent = "#ffd400"\nlogo = "/img/missing.png"')
    project(tmp_path, catalog, pages={"index.html": "<h1>{{shop.name}}</h1>\n<p>{{shop.slogan}}</p>\n<!-- end -->"})
    (tmp_path / "site" / "styles.css").write_text("a { color: {{ shop.accent_dark }}; }\nb { color: {{shop.colour}}; }\n")
    assert lines(tmp_path) == [
        "catalog.toml:1: [shop] accent #ffd400 is too light for the white text on buttons (contrast 1.4:1, needs 4.5:1): "
        "pick a darker colour",
        "catalog.toml:1: [shop] logo /img/missing.png is not a file of your site (put it in site/img/missing.png)",
        f"site/index.html:{BODY_LINE + 1}: {{{{shop.slogan}}}} is not a shop field (fields: name, support_email, logo, "
        "accent, accent_dark, currency_display)",
        f"site/index.html:{BODY_LINE + 2}: <!-- end --> has no matching if/end",
        "site/styles.css:2: {{shop.colour}} is not a shop field (fields: name, support_email, logo, accent, accent_dark, "
        "currency_display)",
    ]
