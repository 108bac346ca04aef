"""`python -m checkout_kit check`: the owner's shop, checked before it is published.

The catalog parses; every buy button (`data-price-id` / `data-lookup-key` on an
element of a published page, read as HTML: text, comments and examples inside
`<code>`, `<pre>` or `<template>` do not count) names a price the catalog sells,
with a quantity the product allows, and its no-JavaScript form posts the same
price; each product's kind has what it needs (a download its URL or file, a
subscription recurring prices, a shipment its countries); the `[shop]` identity
is usable; and nothing on a page would be blocked by the kit's Content-Security-
Policy. One line per problem, naming file and line; exit status 1 when any.

`make test` runs it before the kit's own tests, and `scripts/build-site.sh`
before publishing. Standard library only, so it also runs on a build host
without the kit's dependencies.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from checkout_kit import public_site, shop_pages
from checkout_kit.catalog import Catalog, CatalogError, Price, Product, find_catalog, parse

CHECKOUT_ACTION = "/api/create-checkout-session"
EXAMPLE_TAGS = {"code", "pre", "template", "textarea"}  # what is inside shows markup, it is not the page's
MIN_ACCENT_CONTRAST = 4.5  # WCAG AA for the white text on buttons


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# ---- reading pages ---------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    line: int
    attrs: dict[str, str | None]
    form: int | None = None  # index into PageScan.forms


@dataclass
class Form:
    line: int
    attrs: dict[str, str | None]
    fields: dict[str, Element] = field(default_factory=dict)  # by name: priceId, lookupKey, quantity


class PageScan(HTMLParser):
    """What the check needs from one page: buy buttons, forms and their fields, inputs by id,
    scripts, the referrer policy, and anything a strict CSP blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.buttons: list[Element] = []
        self.forms: list[Form] = []
        self.inputs: dict[str, Element] = {}
        self.library = False
        self.no_referrer: int | None = None
        self.inline: list[tuple[int, str]] = []
        self._examples = 0
        self._form: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append((line, f"the {name}= handler on <{tag}>"))
            elif name == "style":
                self.inline.append((line, f"the style= attribute on <{tag}>"))
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append((line, f"the javascript: URL in <{tag} {name}>"))
        if tag == "style":
            self.inline.append((line, "the <style> element (use a .css file)"))
        elif tag == "script":
            src = a.get("src")
            if not src:
                self.inline.append((line, "the inline <script> (use a .js file)"))
            elif src.split("?")[0].endswith("/stripe-checkout.js"):
                self.library = True
        elif tag == "meta" and (a.get("name") or "").lower() == "referrer" and (a.get("content") or "").lower() == "no-referrer":
            self.no_referrer = line
        if tag in EXAMPLE_TAGS:
            self._examples += 1
        if self._examples:
            return
        element = Element(tag, line, a, self._form)
        if tag == "form":
            self.forms.append(Form(line, a))
            self._form = len(self.forms) - 1
        if tag in ("input", "select") and a.get("id"):
            self.inputs[str(a["id"])] = element
        if self._form is not None and tag in ("input", "select") and a.get("name") in ("priceId", "lookupKey", "quantity"):
            self.forms[self._form].fields[str(a["name"])] = element
        if "data-price-id" in a or "data-lookup-key" in a:
            self.buttons.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in EXAMPLE_TAGS and self._examples:
            self._examples -= 1
        elif tag == "form" and not self._examples:
            self._form = None


def scan(text: str) -> PageScan:
    page = PageScan()
    page.feed(text)
    page.close()
    return page


# ---- the rules -----------------------------------------------------------------------------


def _whole(value: str | None) -> int | None:
    return int(value) if value is not None and re.fullmatch(r"\s*[0-9]{1,6}\s*", value) else None


def _bounds(product: Product) -> str:
    if product.min_quantity == product.max_quantity:
        return f"exactly {product.min_quantity}"
    return f"{product.min_quantity} to {product.max_quantity}"


class Checker:
    def __init__(self, root: Path, catalog_file: Path, site: Path | None = None) -> None:
        self.root = root
        self.catalog_file = catalog_file
        self.site = site
        self.problems: list[Problem] = []
        self.catalog: Catalog | None = None
        self.toml = ""
        self.pages = 0
        self.buttons = 0

    def rel(self, path: Path) -> str:
        """As the owner would type it: relative to the working directory when inside it."""
        path, here = path.resolve(), Path.cwd().resolve()
        return path.relative_to(here).as_posix() if path.is_relative_to(here) else str(path)

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    # -- catalog

    def toml_line(self, where: str | None) -> int:
        """The line of the TOML table a catalog error names (`products.book.prices[1]` -> its header)."""
        if not where:
            return 1
        lines = self.toml.splitlines()
        match = re.fullmatch(r"products\.(.+)\.prices\[(\d+)\]", where)
        if match:
            key, n = re.escape(match.group(1)), int(match.group(2))
            headers = [i for i, text in enumerate(lines, 1) if re.match(rf"\s*\[\[\s*products\.{key}\.prices\s*\]\]", text)]
            if n < len(headers):
                return headers[n]
            where = f"products.{match.group(1)}"
        pattern = re.compile(rf"\s*\[\s*{re.escape(where)}\s*\]")
        return next((i for i, text in enumerate(lines, 1) if pattern.match(text)), 1)

    def load_catalog(self) -> None:
        file = self.catalog_file
        try:
            self.toml = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(file, 1, "no catalog file: copy the demo catalog.toml and edit it")
            return
        except (OSError, UnicodeDecodeError) as exc:
            self.add(file, 1, f"cannot be read ({getattr(exc, 'strerror', None) or type(exc).__name__})")
            return
        try:
            data = tomllib.loads(self.toml)
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"at line (\d+)", str(exc))
            self.add(file, int(at.group(1)) if at else 1, f"not valid TOML: {exc}")
            return
        try:
            self.catalog = parse(data)
        except CatalogError as exc:
            self.add(file, self.toml_line(exc.where), str(exc).removeprefix("catalog.toml "))

    def check_products(self) -> None:
        assert self.catalog is not None
        downloads = self.catalog_file.resolve().parent / "downloads"
        for product in self.catalog.products.values():
            line = self.toml_line(f"products.{product.key}")
            at = lambda message: self.add(self.catalog_file, line, f"[products.{product.key}] {message}")  # noqa: E731
            details = product.details
            if product.fulfillment == "download":
                if not details.get("download_url") and not details.get("download_file"):
                    at("is a download without download_url or download_file: buyers would get nothing")
            elif product.fulfillment == "subscription":
                if any(not p.recurring for p in product.prices):
                    at("is a subscription with a one-time price: give each price recurring = \"month\" (or day, week, year)")
            elif product.fulfillment == "shipment" and not product.shipping_countries:
                at("is a shipment without shipping_countries: Checkout would not ask for an address")
            if "download_file" in details:
                name = details["download_file"]
                target = (downloads / str(name)).resolve() if isinstance(name, str) and name else None
                if target is None or not target.is_relative_to(downloads.resolve()):
                    at(f"download_file must be a file name inside downloads/ (got {name!r})")
                elif not target.is_file():
                    at(f"download_file {name!r} is not in downloads/ (looked for {self.rel(target)})")
            for price in product.prices:
                if not price.id and price.unit_amount is None:
                    at(f"price {price.ref} has neither an id nor a unit_amount: catalog push cannot create it")

    def check_shop(self, published: dict[str, Path]) -> None:
        assert self.catalog is not None
        shop = self.catalog.shop
        line = self.toml_line("shop")
        ratio = shop_pages.contrast_with_white(shop.accent)
        if ratio < MIN_ACCENT_CONTRAST:
            self.add(self.catalog_file, line, f"[shop] accent {shop.accent} is too light for the white text on buttons "
                                              f"(contrast {ratio:.1f}:1, needs {MIN_ACCENT_CONTRAST}:1): pick a darker colour")
        if shop.logo and shop.logo.startswith("/") and shop.logo.lstrip("/").split("?")[0] not in published:
            self.add(self.catalog_file, line, f"[shop] logo {shop.logo} is not a file of your site (put it in site{shop.logo})")

    # -- pages

    def price_of(self, path: Path, button: Element) -> Price | None:
        assert self.catalog is not None
        price_id, key = button.attrs.get("data-price-id"), button.attrs.get("data-lookup-key")
        by_id = self.catalog.price_by_id(price_id or "") if price_id is not None else None
        by_key = self.catalog.price_by_lookup_key(key or "") if key is not None else None
        if price_id is not None and by_id is None:
            self.add(path, button.line, f"data-price-id=\"{price_id}\" is not a price in {self.catalog_file.name}: "
                                        "add it to the catalog, or fix the id")
        if key is not None and by_key is None:
            self.add(path, button.line, f"data-lookup-key=\"{key}\" is not a lookup_key in {self.catalog_file.name}: "
                                        "add it to the catalog, or fix the key")
        if by_id and by_key and by_id is not by_key:
            self.add(path, button.line, f"data-price-id and data-lookup-key name two different prices ({by_id.ref}, "
                                        f"{by_key.ref}): keep one")
        return by_id or by_key

    def check_quantity(self, path: Path, line: int, what: str, product: Product, value: int | None,
                       low: int | None = None, high: int | None = None) -> None:
        if value is not None and not product.min_quantity <= value <= product.max_quantity:
            self.add(path, line, f"{what} is {value}, but {product.name} sells {_bounds(product)} at a time")
        if low is not None and low < product.min_quantity or high is not None and high > product.max_quantity:
            self.add(path, line, f"{what} allows {low if low is not None else '…'} to {high if high is not None else '…'}, "
                                 f"but {product.name} sells {_bounds(product)} at a time: set min and max to match")

    def check_button(self, path: Path, page: PageScan, button: Element) -> None:
        price = self.price_of(path, button)
        form = page.forms[button.form] if button.form is not None else None
        posts = form is not None and (form.attrs.get("action") or "").endswith(CHECKOUT_ACTION)
        if form is not None and posts:
            sent = {name: form.fields[name].attrs.get("value") for name in ("priceId", "lookupKey") if name in form.fields}
            field_name, value = ("priceId", button.attrs["data-price-id"]) if "data-price-id" in button.attrs else \
                ("lookupKey", button.attrs.get("data-lookup-key"))
            if sent != {field_name: value}:
                self.add(path, form.line, f"without JavaScript this form posts {', '.join(f'{k}={v}' for k, v in sent.items()) or 'no price'}, not the price its "
                                          f"button names: give it <input type=\"hidden\" name=\"{field_name}\" "
                                          f"value=\"{value}\"> (and no other price field)")
            if (form.attrs.get("method") or "get").lower() != "post":
                self.add(path, form.line, "a checkout form must say method=\"post\"")
        if price is None:
            return
        assert self.catalog is not None
        product = self.catalog.product_for(price)
        raw, selector = button.attrs.get("data-quantity"), button.attrs.get("data-quantity-input")
        if selector:
            field_ = page.inputs.get(selector[1:]) if selector.startswith("#") else None
            if selector.startswith("#") and field_ is None:
                self.add(path, button.line, f"data-quantity-input=\"{selector}\" finds no input with that id on this page")
            elif field_ is not None:
                self.check_quantity(path, field_.line, f"the quantity field {selector}", product,
                                    _whole(field_.attrs.get("value")), _whole(field_.attrs.get("min")),
                                    _whole(field_.attrs.get("max")))
        elif raw is not None:
            if _whole(raw) is None:
                self.add(path, button.line, f"data-quantity=\"{raw}\" must be a whole number")
            else:
                self.check_quantity(path, button.line, "data-quantity", product, _whole(raw))
        elif form is not None and "quantity" in form.fields:
            q = form.fields["quantity"]
            self.check_quantity(path, q.line, "the form's quantity", product, _whole(q.attrs.get("value")),
                                _whole(q.attrs.get("min")), _whole(q.attrs.get("max")))
        else:
            self.check_quantity(path, button.line, "the quantity (1 unless data-quantity says otherwise)", product, 1)

    def check_page(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8", errors="replace")
        page = scan(text)
        for line, what in page.inline:
            self.add(path, line, f"{what} is blocked by the kit's Content-Security-Policy (script-src/style-src 'self')")
        if page.buttons and not page.library:
            self.add(path, page.buttons[0].line, "this page has buy buttons but no <script src=\"/js/stripe-checkout.js\" "
                                                 "defer></script>: with JavaScript on, they would do nothing")
        if page.no_referrer is not None and (page.buttons or page.forms):
            self.add(path, page.no_referrer, "<meta name=\"referrer\" content=\"no-referrer\"> on a page that starts "
                                             "checkouts: Chromium then posts with Origin: null, which the API refuses")
        self.pages += 1
        self.buttons += len(page.buttons)
        if self.catalog is not None:
            for button in page.buttons:
                self.check_button(path, page, button)

    def check_fills(self, path: Path) -> None:
        for line, message in shop_pages.problems(path.read_text(encoding="utf-8", errors="replace")):
            self.add(path, line, message)

    def run(self) -> list[Problem]:
        self.load_catalog()
        published = public_site.public_files(self.root, self.site)
        if self.catalog is not None:
            self.check_products()
            self.check_shop(published)
        for name, path in published.items():
            if shop_pages.fills(name):
                self.check_fills(path)
            if name.endswith(".html"):
                self.check_page(path)
        return sorted(set(self.problems))


def check(catalog_path: str | Path = "catalog.toml", root: Path | None = None, site: Path | None = None) -> Checker:
    """Check the shop whose catalog is `catalog_path`: its pages are `site/` beside it (or `site`),
    with the kit's `js/` and landing pages of `root` (the catalog's folder). `.problems` says what is wrong."""
    catalog_file = find_catalog(str(catalog_path))
    checker = Checker(root or catalog_file.resolve().parent, catalog_file, site)
    checker.problems = checker.run()
    return checker


def run(catalog_path: str | None = None) -> int:
    """The command: print each problem, or what was checked; 1 when there are problems."""
    result = check(catalog_path or os.environ.get("CATALOG_PATH", "").strip() or "catalog.toml")
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"\n{len(result.problems)} problem(s) in your shop. Fix them, then run `make check` again.", file=sys.stderr)
        return 1
    assert result.catalog is not None
    print(f"Shop check passed: {len(result.catalog.products)} products, {len(result.catalog.prices())} prices, "
          f"{result.pages} pages, {result.buttons} buy buttons.")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
