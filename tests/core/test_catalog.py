"""`checkout_kit.catalog`: a catalog loads, and every mistake names the key that is wrong."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from checkout_kit.catalog import (
    BUILTIN_FULFILLMENTS,
    Catalog,
    CatalogError,
    Price,
    Product,
    Shop,
    find_catalog,
    load,
    parse,
)

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY_CATALOG = ROOT / "catalog.toml"  # the owner's: only its location is tested here
FIXTURE = ROOT / "tests" / "fixtures" / "catalog.toml"


# ---- the fixture catalog (the owner's catalog.toml is theirs to change: `check` covers it) ----


@pytest.fixture(scope="module")
def fixture() -> Catalog:
    return load(str(FIXTURE))


def test_the_fixture_catalog_loads_every_kind(fixture: Catalog) -> None:
    assert fixture.shop_name == "Test Shop"
    assert list(fixture.products) == ["ebook", "tshirt", "membership", "yearly", "ticket", "sample", "poster",
                                      "bylookup"]
    sticker = fixture.price_by_lookup_key("sticker-pack")
    assert sticker is not None and sticker.id is None and sticker.ref == "lookup:sticker-pack"
    assert fixture.price_by_id("price_test_poster_eur").currency == "eur"  # type: ignore[union-attr]
    assert fixture.products["ticket"].details == {"venue": "Room 2"}


def test_a_one_time_download(fixture: Catalog) -> None:
    ebook = fixture.products["ebook"]
    assert ebook.fulfillment == "download" and ebook.name == "The Static Shop Handbook"
    assert (ebook.min_quantity, ebook.max_quantity) == (1, 1)
    assert ebook.details == {"download_url": "https://downloads.example.com/handbook.zip"}
    (price,) = ebook.prices
    assert price == Price(product_key="ebook", id="price_test_ebook", lookup_key="ebook",
                          unit_amount=1500, currency="usd", recurring=None, interval_count=1)


def test_a_shipment_in_quantities_of_one_to_ten(fixture: Catalog) -> None:
    tshirt = fixture.products["tshirt"]
    assert tshirt.fulfillment == "shipment"
    assert (tshirt.min_quantity, tshirt.max_quantity) == (1, 10)
    assert tshirt.shipping_countries == ("US", "CA")
    assert tshirt.prices[0].recurring is None and tshirt.prices[0].unit_amount == 2500
    assert tshirt.details == {}


def test_a_monthly_membership(fixture: Catalog) -> None:
    membership = fixture.products["membership"]
    assert membership.fulfillment == "subscription" and membership.max_quantity == 1
    assert membership.details == {"access_url": "https://members.example.com/"}
    (price,) = membership.prices
    assert (price.recurring, price.interval_count, price.lookup_key) == ("month", 1, "membership-monthly")
    assert price.trial_period_days is None


def test_lookups(fixture: Catalog) -> None:
    price = fixture.price_by_id("price_test_tshirt")
    assert price is not None and fixture.product_for(price).key == "tshirt"
    assert fixture.price_by_lookup_key("membership-monthly") is fixture.products["membership"].prices[0]
    assert fixture.price_by_id("price_unknown") is None and fixture.price_by_lookup_key("nope") is None
    assert fixture.price_by_id("ebook") is None  # a lookup key is not an id
    assert fixture.price_by_lookup_key("price_test_ebook") is None


def test_load_finds_the_catalog_beside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # serverless bundles run from elsewhere
    assert find_catalog("catalog.toml") == REPOSITORY_CATALOG
    assert load() == load(str(REPOSITORY_CATALOG))
    (tmp_path / "catalog.toml").write_text(MINIMAL_TOML, encoding="utf-8")
    assert load().shop_name == "Mini"  # a catalog in the working directory wins


MINIMAL_TOML = """
[shop]
name = "Mini"
[products.thing]
name = "Thing"
  [[products.thing.prices]]
  id = "price_thing"
"""


@pytest.mark.parametrize(("content", "needle"), [
    (None, "no catalog file"),
    ("[products.x\nname = 1", "not valid TOML"),
    (b"\xff\xfe[products]", "UTF-8"),
])
def test_load_errors_are_catalog_errors(tmp_path: Path, content: str | bytes | None, needle: str) -> None:
    path = tmp_path / "shop.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=needle) as info:
        load(str(path))
    assert str(path) in str(info.value)


def test_load_a_directory_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as info:
        load(str(tmp_path))
    assert str(tmp_path) in str(info.value)


# ---- validation: each error names the bad key ----------------------------------------------


def base() -> dict[str, Any]:
    return {
        "shop": {"name": "Test"},
        "products": {
            "book": {"name": "Book", "fulfillment": "download", "download_url": "https://x.example/b.zip",
                     "prices": [{"id": "price_book", "lookup_key": "book", "unit_amount": 1000, "currency": "usd"}]},
            "club": {"name": "Club", "fulfillment": "subscription",
                     "prices": [{"id": "price_club", "unit_amount": 500, "recurring": "month"}]},
        },
    }


def book(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for key, value in fields.items():
            if value is DELETE:
                del data["products"]["book"][key]
            else:
                data["products"]["book"][key] = value
    return change


def book_price(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for key, value in fields.items():
            if value is DELETE:
                del data["products"]["book"]["prices"][0][key]
            else:
                data["products"]["book"]["prices"][0][key] = value
    return change


def club_price(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["products"]["club"]["prices"][0].update(fields)
    return change


def rename_book(key: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["products"][key] = data["products"].pop("book")
    return change


DELETE = object()
PRICE_AT = r"\[products\.book\.prices\[0\]\]"
PRODUCT_AT = r"\[products\.book\]"

INVALID: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("no products", lambda d: d.pop("products"), r"\[products\.<key>\]"),
    ("empty products", lambda d: d.update(products={}), r"\[products\.<key>\]"),
    ("products not a table", lambda d: d.update(products=["book"]), r"\[products\.<key>\]"),
    ("duplicate price id", lambda d: d["products"]["club"]["prices"].append({"id": "price_book"}),
     r"price id price_book appears twice"),
    ("duplicate lookup key", lambda d: d["products"]["club"]["prices"][0].update(lookup_key="book"),
     r"lookup_key 'book' appears twice"),
    ("missing id and lookup_key", book_price(id=DELETE, lookup_key=DELETE), PRICE_AT + r".*id.*lookup_key"),
    ("empty id and lookup_key", book_price(id="", lookup_key=""), PRICE_AT + r".*id"),
    ("id not price_", book_price(id="prod_book"), PRICE_AT + r": id must look like price_"),
    ("a trial on a one-time price", book_price(trial_period_days=7), PRICE_AT + r": trial_period_days needs a recurring"),
    ("a trial of no days", club_price(trial_period_days=0), r"products\.club\.prices\[0\]\]: trial_period_days must be"),
    ("a trial over Stripe's limit", club_price(trial_period_days=731), r"trial_period_days must be at most 730"),
    ("a trial that is not a number", club_price(trial_period_days="7"), r"trial_period_days must be a whole"),
    ("id with a space", book_price(id="price_bo ok"), PRICE_AT + r": id "),
    ("id with a trailing newline", book_price(id="price_book\n"), PRICE_AT + r": id "),
    ("id not a string", book_price(id=42), PRICE_AT + r": id "),
    ("lookup_key not a string", book_price(lookup_key=7), PRICE_AT + r": lookup_key"),
    ("lookup_key too long", book_price(lookup_key="k" * 201), PRICE_AT + r": lookup_key"),
    ("recurring misspelt", book_price(recurring="monthly"), PRICE_AT + r": recurring must be one of"),
    ("recurring as a bool", book_price(recurring=True), PRICE_AT + r": recurring"),
    ("recurring as Stripe's table", book_price(recurring={"interval": "month"}), PRICE_AT + r": recurring"),
    ("interval_count zero", book_price(recurring="month", interval_count=0), PRICE_AT + r": interval_count"),
    ("interval_count a string", book_price(recurring="month", interval_count="2"), PRICE_AT + r": interval_count"),
    ("interval_count a bool", book_price(recurring="month", interval_count=True), PRICE_AT + r": interval_count"),
    ("currency too short", book_price(currency="us"), PRICE_AT + r": currency"),
    ("currency too long", book_price(currency="usdd"), PRICE_AT + r": currency"),
    ("currency with a symbol", book_price(currency="u$d"), PRICE_AT + r": currency"),
    ("currency a number", book_price(currency=840), PRICE_AT + r": currency"),
    ("currency with a newline", book_price(currency="usd\n"), PRICE_AT + r": currency"),
    ("unknown price field", book_price(amount=1000), PRICE_AT + r": unknown field\(s\) amount"),
    ("two unknown price fields", book_price(amount=1, type="one_time"), PRICE_AT + r": unknown field\(s\) amount, type"),
    ("unit_amount negative", book_price(unit_amount=-1), PRICE_AT + r": unit_amount"),
    ("unit_amount a float", book_price(unit_amount=10.5), PRICE_AT + r": unit_amount"),
    ("unit_amount a bool", book_price(unit_amount=True), PRICE_AT + r": unit_amount"),
    ("unit_amount a string", book_price(unit_amount="1000"), PRICE_AT + r": unit_amount"),
    ("price not a table", book(prices=["price_book"]), PRICE_AT + r": each price is a table"),
    ("no prices", book(prices=DELETE), PRODUCT_AT + r": needs at least one \[\[products\.book\.prices\]\]"),
    ("empty prices", book(prices=[]), PRODUCT_AT + r": needs at least one"),
    ("prices a table", book(prices={"id": "price_book"}), PRODUCT_AT + r": needs at least one"),
    ("min above max", book(min_quantity=5, max_quantity=2), PRODUCT_AT + r": min_quantity is above max_quantity"),
    ("min zero", book(min_quantity=0), PRODUCT_AT + r": min_quantity"),
    ("max zero", book(max_quantity=0), PRODUCT_AT + r": max_quantity"),
    ("max_quantity a bool", book(max_quantity=True), PRODUCT_AT + r": max_quantity must be a whole number"),
    ("min_quantity a bool", book(min_quantity=False), PRODUCT_AT + r": min_quantity must be a whole number"),
    ("max_quantity a float", book(max_quantity=2.0), PRODUCT_AT + r": max_quantity"),
    ("max_quantity a string", book(max_quantity="10"), PRODUCT_AT + r": max_quantity"),
    ("product key uppercase", rename_book("Book"), r"\[products\.Book\]: product keys are"),
    ("product key with a space", rename_book("my book"), r"\[products\.my book\]: product keys"),
    ("product key starting with -", rename_book("-book"), r"\[products\.-book\]: product keys"),
    ("product key too long", rename_book("b" * 41), r"\[products\.b{41}\]: product keys"),
    ("product key with a newline", rename_book("book\n"), r"\[products\.book\n\]: product keys"),
    ("product not a table", lambda d: d["products"].update(book="Book"), PRODUCT_AT + r": must be a table"),
    ("name missing", book(name=DELETE), PRODUCT_AT + r": name is required"),
    ("name blank", book(name="   "), PRODUCT_AT + r": name is required"),
    ("name not a string", book(name=3), PRODUCT_AT + r": name is required"),
    ("fulfillment capitalised", book(fulfillment="Download"), PRODUCT_AT + r": fulfillment must be one of"),
    ("fulfillment empty", book(fulfillment=""), PRODUCT_AT + r": fulfillment"),
    ("fulfillment not a string", book(fulfillment=1), PRODUCT_AT + r": fulfillment"),
    ("fulfillment with a newline", book(fulfillment="download\n"), PRODUCT_AT + r": fulfillment"),
    ("shipping_countries a string", book(shipping_countries="US"), PRODUCT_AT + r": shipping_countries"),
    ("shipping_countries lowercase", book(shipping_countries=["us"]), PRODUCT_AT + r": shipping_countries"),
    ("shipping_countries three letters", book(shipping_countries=["USA"]), PRODUCT_AT + r": shipping_countries"),
    ("shipping_countries with a newline", book(shipping_countries=["US\n"]), PRODUCT_AT + r": shipping_countries"),
    ("allow_promotion_codes not a bool", book(allow_promotion_codes="yes"), PRODUCT_AT + r": allow_promotion_codes"),
    ("automatic_tax not a bool", book(automatic_tax=1), PRODUCT_AT + r": automatic_tax"),
    ("shop not a table", lambda d: d.update(shop="Test"), r"\[shop\]: must be a table"),
    ("shop field misspelt", lambda d: d["shop"].update(accent_color="#000000"),
     r"\[shop\]: unknown field\(s\) accent_color \(known: accent, currency_display, logo, name, support_email\)"),
    ("shop name blank", lambda d: d["shop"].update(name=" "), r"\[shop\]: name must be"),
    ("shop name not a string", lambda d: d["shop"].update(name=1), r"\[shop\]: name must be"),
    ("support_email not an address", lambda d: d["shop"].update(support_email="help"), r"\[shop\]: support_email must"),
    ("support_email with a display name", lambda d: d["shop"].update(support_email="Help <h@x.example>"),
     r"\[shop\]: support_email must"),
    ("logo a relative path", lambda d: d["shop"].update(logo="img/logo.svg"), r"\[shop\]: logo must be"),
    ("logo over plain http", lambda d: d["shop"].update(logo="http://x.example/l.png"), r"\[shop\]: logo must be"),
    ("logo breaking out of its attribute", lambda d: d["shop"].update(logo='/x" onerror="y'), r"\[shop\]: logo must be"),
    ("accent a colour name", lambda d: d["shop"].update(accent="green"), r"\[shop\]: accent must be a colour"),
    ("accent three digits", lambda d: d["shop"].update(accent="#0f0"), r"\[shop\]: accent must be a colour"),
    ("currency_display unknown", lambda d: d["shop"].update(currency_display="name"), r"\[shop\]: currency_display"),
]


@pytest.mark.parametrize(("change", "message"), [(c, m) for _, c, m in INVALID], ids=[n for n, _, _ in INVALID])
def test_invalid_catalog_names_the_bad_key(change: Callable[[dict[str, Any]], None], message: str) -> None:
    data = base()
    parse(copy.deepcopy(data))  # the base is valid: the change alone is what fails
    change(data)
    with pytest.raises(CatalogError) as info:
        parse(data)
    assert re.search(message, str(info.value)), str(info.value)


def test_duplicate_across_files_is_caught_inside_one_product_too() -> None:
    data = base()
    data["products"]["book"]["prices"].append({"id": "price_book", "currency": "eur"})
    with pytest.raises(CatalogError, match="price_book"):
        parse(data)


def test_errors_say_which_file_section_in_toml_terms() -> None:
    data = base()
    data["products"]["club"]["prices"].append({"id": "price_club2", "recurring": "fortnight"})
    with pytest.raises(CatalogError) as info:
        parse(data)
    assert str(info.value).startswith("catalog.toml [products.club.prices[1]]: recurring")


# ---- what a valid entry becomes ------------------------------------------------------------


def test_defaults() -> None:
    catalog = parse({"products": {"thing": {"name": "  Thing  ", "prices": [{"lookup_key": "thing"}]}}})
    thing = catalog.products["thing"]
    assert thing == Product(key="thing", name="Thing", description="", fulfillment="service",
                            prices=(Price("thing", None, "thing", None, "usd", None, 1),), min_quantity=1,
                            max_quantity=99, allow_promotion_codes=False, shipping_countries=(), automatic_tax=False,
                            details={})
    assert catalog.shop_name == "Shop"


def test_the_shop_identity_and_its_defaults() -> None:
    data = base()
    data["shop"] = {"name": " Corner Shop ", "support_email": "help@corner.example", "logo": "https://cdn.example/l.png",
                    "accent": "#0B6E4F", "currency_display": "code"}
    assert parse(data).shop == Shop(name="Corner Shop", support_email="help@corner.example",
                                    logo="https://cdn.example/l.png", accent="#0b6e4f", currency_display="code")
    data.pop("shop")
    assert parse(data).shop == Shop(name="Shop", support_email=None, logo=None, accent="#3b3bd4",
                                    currency_display="symbol")
    assert Shop(support_email="a@b.example").with_support_email("env@b.example").support_email == "env@b.example"
    assert Shop(support_email="a@b.example").with_support_email(" ").support_email == "a@b.example"


def test_currency_is_lowercased_and_flags_are_kept() -> None:
    data = base()
    data["products"]["book"].update(allow_promotion_codes=True, automatic_tax=True, description="A book")
    data["products"]["book"]["prices"][0]["currency"] = "EUR"
    data["products"]["club"]["prices"][0].update(recurring="year", interval_count=2, nickname="Annual")
    catalog = parse(data)
    book_ = catalog.products["book"]
    assert book_.prices[0].currency == "eur" and book_.allow_promotion_codes and book_.automatic_tax
    assert book_.description == "A book"
    club = catalog.price_by_id("price_club")
    assert club is not None and (club.recurring, club.interval_count) == ("year", 2)


@pytest.mark.parametrize("name", ["workshop-seat", "license_key", "x", "coaching2"])
def test_custom_fulfillment_names_are_accepted(name: str) -> None:
    assert name not in BUILTIN_FULFILLMENTS
    data = base()
    data["products"]["book"]["fulfillment"] = name
    assert parse(data).products["book"].fulfillment == name


def test_a_plan_may_start_with_a_trial() -> None:
    data = base()
    data["products"]["club"]["prices"][0]["trial_period_days"] = 14
    assert parse(data).products["club"].prices[0].trial_period_days == 14


def test_extra_product_fields_land_in_details() -> None:
    data = base()
    data["products"]["book"].update(fulfillment="workshop", venue="Room 2",
                                    starts_at=dt.datetime(2025, 6, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                                    seats={"rows": 3}, max_quantity=4, shipping_countries=["US"],
                                    images=["https://x.example/b.png"])
    product = parse(data).products["book"]
    assert product.details == {"download_url": "https://x.example/b.zip", "venue": "Room 2",
                               "starts_at": "2025-06-01T10:00:00+02:00", "seats": {"rows": 3}}
    assert product.max_quantity == 4 and product.shipping_countries == ("US",)


def test_a_price_may_have_only_an_id_or_only_a_lookup_key() -> None:
    data = base()
    data["products"]["book"]["prices"] = [{"id": "price_only"}, {"lookup_key": "only-key"}]
    catalog = parse(data)
    assert catalog.price_by_id("price_only").lookup_key is None  # type: ignore[union-attr]
    only_key = catalog.price_by_lookup_key("only-key")
    assert only_key is not None and only_key.id is None and only_key.product_key == "book"
    assert [p.ref for p in catalog.prices()] == ["price_only", "lookup:only-key", "price_club"]


def test_parse_rejects_a_catalog_built_in_code_with_duplicate_ids() -> None:
    price = Price("a", "price_same", None, 100, "usd", None)
    product_a = Product("a", "A", "", "service", (price,))
    product_b = Product("b", "B", "", "service", (Price("b", "price_same", None, 100, "usd", None),))
    with pytest.raises(CatalogError, match="price_same"):
        Catalog(Shop(), {"a": product_a, "b": product_b})


# ---- offers: coupons, shipping rates, currencies, invoices (issue 14) ----------------------------

def _with(extra: str) -> str:
    return ('[products.book]\nname = "Book"\n[[products.book.prices]]\nid = "price_book"\nunit_amount = 100\n'
            'currency = "usd"\ncurrency_options = { eur = 90 }\n' + extra)


def _parse(text: str):
    import tomllib
    from checkout_kit.catalog import parse
    return parse(tomllib.loads(text))


def test_offers_parse_from_their_tables():
    cat = _parse(_with('[checkout]\ncurrencies = ["usd", "EUR"]\ninvoice = true\n'
                       '[coupons.spring]\npercent_off = 15\nduration = "repeating"\nduration_in_months = 3\n'
                       'redeem_by = 2031-01-31\nproducts = ["book"]\ncodes = ["SPRING15"]\n'
                       '[shipping_rates.post]\nname = "Post"\namount = 400\ncurrency_options = { eur = 350 }\n'))
    assert cat.offers.currencies == ("usd", "eur") and cat.offers.invoice is True
    spring = cat.offers.coupons["spring"]
    assert (spring.percent_off, spring.duration_in_months, spring.codes, spring.products) == (15.0, 3, ("SPRING15",), ("book",))
    assert spring.redeem_by == 1927670399  # end of that day, UTC
    assert cat.offers.shipping_rates["post"].amount_in("eur") == 350
    assert cat.price_by_id("price_book").currencies() == ("usd", "eur")


@pytest.mark.parametrize("extra,where", [
    ('[coupons.x]\npercent_off = 10\namount_off = 5\n', "coupons.x"),
    ('[coupons.x]\namount_off = 5\n', "coupons.x"),
    ('[coupons.x]\npercent_off = 120\n', "coupons.x"),
    ('[coupons.x]\npercent_off = 10\nproducts = ["nope"]\n', "coupons.x"),
    ('[coupons.x]\npercent_off = 10\nduration = "repeating"\n', "coupons.x"),
    ('[coupons.x]\npercent_off = 10\ncodes = ["A B"]\n', "coupons.x"),
    ('[coupons.x]\npercent_off = 10\ncodes = ["SAME"]\n[coupons.y]\npercent_off = 5\ncodes = ["same"]\n', "coupons.y"),
    ('[shipping_rates.p]\namount = 5\n', "shipping_rates.p"),
    ('[shipping_rates.p]\nname = "P"\namount = 5\nmin_days = 5\nmax_days = 2\n', "shipping_rates.p"),
    ('[checkout]\ncurrencies = ["dollars"]\n', "checkout"),
    ('[checkout]\ninvoice_fields = [{ name = "n" }]\n', "checkout"),
    ('[checkout]\ncolour = "red"\n', "checkout"),
])
def test_offers_errors_name_their_table(extra, where):
    from checkout_kit.catalog import CatalogError
    with pytest.raises(CatalogError) as info:
        _parse(_with(extra))
    assert f"[{where}]" in str(info.value) and info.value.where == where  # `make check` shows that table's line


def test_products_name_shipping_rates_that_exist_and_prices_do_not_repeat_their_currency():
    from checkout_kit.catalog import CatalogError
    with pytest.raises(CatalogError, match="shipping_rates"):
        _parse(_with('[products.book2]\nname = "B"\nshipping_rates = ["air"]\n[[products.book2.prices]]\nid = "price_b2"\n'))
    with pytest.raises(CatalogError, match="repeats"):
        _parse('[products.b]\nname = "B"\n[[products.b.prices]]\nid = "price_b"\ncurrency = "usd"\n'
               'currency_options = { usd = 5 }\n')
