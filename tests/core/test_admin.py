"""The owner's commands against the emulator as a stand-in Stripe account:
`catalog push [--write]`, `setup-webhook URL` and `doctor`, run as processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import stripe

from checkout_kit.emulator import Emulator
from checkout_kit.events import handled_types
from tests.support.servers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def emulator():
    with Emulator(port=0, settle_after=None) as emu:
        yield emu


FIXTURES = ROOT / "tests" / "fixtures"
LOOKUP_KEYS = ["ebook", "tshirt", "membership-monthly", "sticker-pack"]
# What the fixture storefront sells, each price with a lookup key (so a second push finds it).
CATALOG = """
[shop]
name = "Test Shop"
[products.ebook]
name = "The Static Shop Handbook"
fulfillment = "download"
download_url = "https://downloads.example.com/handbook.zip"
max_quantity = 1
  [[products.ebook.prices]]
  id = "price_test_ebook"
  lookup_key = "ebook"
  unit_amount = 1500
[products.tshirt]
name = "Checkout Kit T-shirt"
fulfillment = "shipment"
max_quantity = 10
shipping_countries = ["US", "CA"]
  [[products.tshirt.prices]]
  id = "price_test_tshirt"
  lookup_key = "tshirt"
  unit_amount = 2500
[products.membership]
name = "Supporter Membership"
fulfillment = "subscription"
max_quantity = 1
  [[products.membership.prices]]
  id = "price_test_monthly"
  lookup_key = "membership-monthly"
  unit_amount = 900
  recurring = "month"
[products.stickers]
name = "Sticker Pack"
fulfillment = "shipment"
shipping_countries = ["US"]
  [[products.stickers.prices]]
  lookup_key = "sticker-pack"
  unit_amount = 500
"""


@pytest.fixture
def project(tmp_path):
    """A shop the commands work on: the fixture storefront and a catalog for it (never the owner's)."""
    (tmp_path / "catalog.toml").write_text(CATALOG)
    shutil.copytree(FIXTURES / "site", tmp_path / "site")
    return tmp_path


def run(args, project, emulator, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "SMTP_", "MAIL_", "DATABASE_"))}
    environment.update({"STRIPE_SECRET_KEY": "sk_test_owner_key_123456", "STRIPE_API_BASE": emulator.url,
                        "CATALOG_PATH": str(project / "catalog.toml"), "DATABASE_URL": f"sqlite:///{project}/o.db",
                        "PYTHONPATH": str(ROOT), **env})
    return subprocess.run([sys.executable, "-m", "checkout_kit", *args], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=60)


def sdk(emulator):
    return stripe.StripeClient("sk_test_x", base_addresses={"api": emulator.url})


def test_catalog_push_creates_then_finds_and_writes_ids(project, emulator):
    count = len(LOOKUP_KEYS)
    first = run(["catalog", "push"], project, emulator)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("created") == count and "--write" in first.stdout
    prices = sdk(emulator).v1.prices.list(params={"lookup_keys": LOOKUP_KEYS}).data
    assert {p.lookup_key for p in prices} == set(LOOKUP_KEYS)
    monthly = next(p for p in prices if p.lookup_key == "membership-monthly")
    assert monthly.recurring.interval == "month" and monthly.unit_amount == 900
    # Again: found by lookup key, nothing new in Stripe.
    again = run(["catalog", "push", "--write"], project, emulator)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("exists") == count and "created" not in again.stdout
    assert len(sdk(emulator).v1.prices.list(params={"limit": 100}).data) == count
    assert len(sdk(emulator).v1.products.list(params={"limit": 100}).data) == count
    ebook = next(p for p in prices if p.lookup_key == "ebook")
    assert f'id = "{ebook.id}"' in (project / "catalog.toml").read_text()
    page = (project / "site" / "index.html").read_text()
    assert f'data-price-id="{ebook.id}"' in page and "price_test_ebook" not in page
    assert "+++ b/catalog.toml" in again.stdout and "+++ b/site/index.html" in again.stdout
    # The rewritten catalog loads, and doctor finds every price active.
    doctor = run(["doctor"], project, emulator, STRIPE_WEBHOOK_SECRET="whsec_abcdefabcdef")
    assert doctor.returncode == 0, doctor.stdout
    assert doctor.stdout.count("is active in Stripe") == count


def test_doctor_reports_missing_prices_and_secret_without_printing_secrets(project, emulator):
    result = run(["doctor"], project, emulator)
    assert result.returncode == 1
    assert "STRIPE_WEBHOOK_SECRET is not set" in result.stdout
    assert result.stdout.count("does not exist in this Stripe account") == len(LOOKUP_KEYS)
    assert "catalog push --write" in result.stdout
    assert "sk_test_owner_key_123456" not in result.stdout + result.stderr
    assert "sk_test_…3456" in result.stdout


def test_doctor_names_a_bad_variable(project, emulator):
    result = run(["doctor"], project, emulator, STRIPE_SECRET_KEY="pk_test_oops")
    assert result.returncode == 1 and "STRIPE_SECRET_KEY" in result.stdout and "pk_test_oops" not in result.stdout


def test_doctor_checks_database_and_smtp(project, emulator):
    result = run(["doctor"], project, emulator, STRIPE_WEBHOOK_SECRET="whsec_abcdefabcdef",
                 DATABASE_URL="postgresql://kit:hunter2-password@127.0.0.1:9/nope", SMTP_URL="smtp://u:smtp-pass@127.0.0.1:9")
    assert result.returncode == 1
    assert "FAIL  database postgresql://kit:…@127.0.0.1:9/nope" in result.stdout
    assert "FAIL  SMTP server 127.0.0.1:9" in result.stdout
    assert "hunter2-password" not in result.stdout and "smtp-pass" not in result.stdout


def test_setup_webhook_creates_the_endpoint_once_and_it_receives_events(project, emulator):
    receiver = WebhookReceiver()
    try:
        result = run(["setup-webhook", receiver.url], project, emulator)
        assert result.returncode == 0, result.stderr
        secret = next(line.strip() for line in result.stdout.splitlines() if line.strip().startswith("whsec_"))
        endpoint = sdk(emulator).v1.webhook_endpoints.list().data[0]
        assert endpoint.url == receiver.url and endpoint.api_version == stripe.api_version
        assert sorted(endpoint.enabled_events) == sorted(handled_types())  # exactly the events registry's types
        again = run(["setup-webhook", receiver.url], project, emulator)
        assert again.returncode == 1 and "exists already" in again.stdout and "whsec_" not in again.stdout
        # The endpoint gets exactly the events it asked for, signed with the printed secret.
        client = sdk(emulator)
        price = client.v1.prices.create(params={"product_data": {"name": "x"}, "unit_amount": 100, "currency": "usd"})
        session = client.v1.checkout.sessions.create(params={"mode": "payment", "success_url": "https://x.example/s",
                                                             "line_items": [{"price": price.id, "quantity": 1}]})
        client.v1.checkout.sessions.expire(session.id)
        got = receiver.wait_for(lambda rs: len(rs) >= 1)
        event = stripe.Webhook.construct_event(got[0].body, got[0].headers["Stripe-Signature"], secret)
        assert event.type == "checkout.session.expired" and len(receiver.received) == 1
        assert json.loads(got[0].body)["type"] == "checkout.session.expired"
    finally:
        receiver.close()


def test_setup_webhook_refuses_plain_http_for_public_hosts(project, emulator):
    result = run(["setup-webhook", "http://shop.example.com/api/webhook"], project, emulator)
    assert result.returncode == 2 and "https://" in result.stderr


OFFERS = """
[shop]
name = "Offers Shop"

[coupons.spring]
percent_off = 15
products = ["guide"]
codes = ["SPRING15", "FRIENDS"]

[products.guide]
name = "Guide"
allow_promotion_codes = true
  [[products.guide.prices]]
  lookup_key = "guide"
  unit_amount = 2000
  currency = "usd"
  currency_options = { eur = 1800 }
"""


def test_catalog_push_on_a_connected_account_creates_prices_coupons_and_codes_there(tmp_path, emulator):
    (tmp_path / "catalog.toml").write_text(OFFERS)
    first = run(["catalog", "push"], tmp_path, emulator, STRIPE_ACCOUNT="acct_1PushTest")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "coupon" in first.stdout and "SPRING15" in first.stdout and "created" in first.stdout
    seller = {"stripe_account": "acct_1PushTest"}
    client = sdk(emulator)
    price = client.v1.prices.list(params={"lookup_keys": ["guide"], "expand": ["data.currency_options"]},
                                  options=seller).data[0]
    assert price.currency_options["eur"].unit_amount == 1800
    coupon = client.v1.coupons.retrieve("spring", params={"expand": ["applies_to"]}, options=seller)
    assert coupon.percent_off == 15 and coupon.applies_to.products == [price.product]
    codes = client.v1.promotion_codes.list(options=seller).data
    assert sorted(c.code for c in codes) == ["FRIENDS", "SPRING15"]
    assert client.v1.coupons.list().data == [] and client.v1.prices.list().data == []  # nothing on the platform
    again = run(["catalog", "push"], tmp_path, emulator, STRIPE_ACCOUNT="acct_1PushTest")
    assert "created" not in again.stdout and again.stdout.count("exists") >= 4
    assert len(client.v1.promotion_codes.list(options=seller).data) == 2


def test_setup_webhook_for_a_connected_account_makes_a_connect_endpoint_on_the_platform(project, emulator):
    result = run(["setup-webhook", "https://shop.example.com/api/webhook"], project, emulator,
                 STRIPE_ACCOUNT="acct_1HookTest")
    assert result.returncode == 0, result.stderr
    endpoints = sdk(emulator).v1.webhook_endpoints.list().data  # the platform's
    assert [e.url for e in endpoints] == ["https://shop.example.com/api/webhook"]
    assert emulator.state.includes[endpoints[0].id]["connect"] is True
