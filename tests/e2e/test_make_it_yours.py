"""Making the template one's own must not break it. In a copy of the repository (what a fork
holds): add a product exactly as the README says (a price by lookup key only, a new page with
its button), and the shop check and the build pass and a customer buys it offline in Chromium;
then rename, reprice and remove demo products, and the kit's tests that once read the demo
catalog and pages still pass (they run on tests/fixtures/), while `check` watches the demo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.core.conftest import Shop, shop_env, start_shop
from tests.e2e.flows import expect_state, pay_with_card, receipts_after_settling, row_texts
from tests.support.deploy import ROOT, copy_project
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="/styles.css"></head>
<body>
<header class="site-header"><nav aria-label="Main"><a href="/">Shop</a></nav></header>
<main>
<h1>{title}</h1>
{snippet}
</main>
</body>
</html>
"""


def readme_block(language: str, containing: str) -> str:
    """The first fenced block of the README in `language` that contains `containing`."""
    readme = (ROOT / "README.md").read_text()
    for block in re.findall(rf"^```{language}\n(.*?)^```", readme, re.S | re.M):
        if containing in block:
            return block
    raise AssertionError(f"the README has no ```{language} block with {containing!r}")


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CATALOG_PATH"} | {"PYTHONPATH": str(project)}
    return subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with one product added as the README says."""
    project = copy_project(tmp_path_factory.mktemp("fork"))
    (project / ".venv").symlink_to(ROOT / ".venv")  # `make check` uses the installed environment
    product = readme_block("toml", "[products.")
    key = re.search(r'lookup_key = "([^"]+)"', product)
    assert key and " id =" not in product, "the README's example sells by lookup key only"
    button = readme_block("html", f'data-lookup-key="{key.group(1)}"')
    product, button = unused_names(project, product, button)
    with (project / "catalog.toml").open("a") as catalog:
        catalog.write("\n" + product)
    (project / "site" / "new-product.html").write_text(PAGE.format(title="New in the shop", snippet=button))
    return project


def unused_names(project: Path, product: str, button: str) -> tuple[str, str]:
    """The README's product and button, under a key and lookup key this shop does not use yet: an
    owner who followed the README already sells its example, and must not fail the kit's tests."""
    key = re.search(r"\[products\.([^\]]+)\]", product).group(1)  # type: ignore[union-attr]
    lookup = re.search(r'lookup_key = "([^"]+)"', product).group(1)  # type: ignore[union-attr]
    taken = (project / "catalog.toml").read_text() + "".join(p.read_text() for p in (project / "site").rglob("*.html"))
    n = 1
    new_key, new_lookup = key, lookup
    while f"[products.{new_key}]" in taken or f'"{new_lookup}"' in taken:
        n += 1
        new_key, new_lookup = f"{key}-{n}", f"{lookup}-{n}"
    return (product.replace(f"[products.{key}", f"[products.{new_key}").replace(f'"{lookup}"', f'"{new_lookup}"'),
            button.replace(f'"{lookup}"', f'"{new_lookup}"'))


@pytest.fixture
def forked_shop(project: Path, tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    env = shop_env(f"sqlite:///{tmp_path}/orders.db", smtp, CATALOG_PATH=str(project / "catalog.toml"))
    shop = start_shop(env, smtp, site=project / "site", root=project)
    yield shop
    shop.dev.stop()


def test_the_new_product_passes_the_check_and_the_build(project: Path) -> None:
    check = run(project, "make", "-s", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Shop check passed" in check.stdout
    build = run(project, "sh", "scripts/build-site.sh")
    assert build.returncode == 0, build.stderr
    assert (project / "public" / "new-product.html").is_file()


def test_a_customer_buys_the_new_product_offline(forked_shop: Shop, project: Path, page: Page) -> None:
    name = re.search(r'^name = "([^"]+)"', readme_block("toml", "[products."), re.M).group(1)  # type: ignore[union-attr]
    page.goto(forked_shop.url + "/new-product.html")
    page.get_by_role("button").first.click()
    page.wait_for_url(f"{forked_shop.emulator.url}/c/pay/**")
    pay_with_card(page)
    page.wait_for_url(f"{forked_shop.url}/success.html**")
    expect_state(page, "paid")
    assert [row[0] for row in row_texts(page)] == [name]
    assert len(receipts_after_settling(forked_shop)) == 1


def test_renaming_repricing_and_removing_demo_products_fails_no_kit_test(project: Path) -> None:
    catalog = (project / "catalog.toml").read_text()
    # Rename the e-book (key, name and price id, in the catalog and on every page), reprice the shirt …
    pages = list((project / "site").rglob("*.html"))
    for file in [project / "catalog.toml", *pages]:
        text = file.read_text()
        for old, new in (("price_1QkitEbookDemo000000001", "price_1RenamedBook00000000001"),
                         ("products.ebook", "products.handbook"), ("The Static Shop Handbook", "A Renamed Book")):
            text = text.replace(old, new)
        file.write_text(text)
    catalog = (project / "catalog.toml").read_text().replace("unit_amount = 2500", "unit_amount = 2900")
    # … and remove the membership, from the catalog and from the storefront.
    catalog = re.sub(r"\[products\.membership\].*?(?=\n\[products\.|\Z)", "", catalog, flags=re.S)
    (project / "catalog.toml").write_text(catalog)
    index = project / "site" / "index.html"
    index.write_text(re.sub(r'<li class="product">(?:(?!</li>).)*price_1QkitMemberDemo00000001.*?</li>', "",
                            index.read_text(), flags=re.S))
    assert "[products.membership]" not in catalog and "price_1QkitMemberDemo00000001" not in index.read_text()
    assert run(project, sys.executable, "-m", "checkout_kit", "check").returncode == 0
    # The kit's tests that used to read the demo catalog and pages.
    tests = ["tests/core/test_catalog.py", "tests/core/test_admin.py", "tests/core/test_shop_check.py",
             "tests/e2e/test_static_output.py",
             "tests/e2e/test_purchase.py::test_ebook_with_4242_shows_the_order_sends_one_receipt_and_records_it_paid"]
    result = run(project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests)
    assert result.returncode == 0, result.stdout[-3000:]
    # And the check catches the edit an owner forgets: a button whose price is gone.
    with index.open("a") as page:
        page.write("<button data-price-id=\"price_1QkitMemberDemo00000001\">Join</button>\n")
    broken = run(project, sys.executable, "-m", "checkout_kit", "check")
    assert broken.returncode == 1 and "site/index.html:" in broken.stdout and "price_1QkitMemberDemo" in broken.stdout
