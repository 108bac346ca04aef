"""The owner's membership commands, run as processes against the emulator while the dev shop
receives the webhooks: `subscriptions list|cancel|change-plan|retry`, `setup-portal`; and
`setup-webhook` and `doctor` agreeing with the events registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import stripe

from checkout_kit.events import handled_types
from tests.core.conftest import CUSTOMER, FIXTURES

ROOT = Path(__file__).resolve().parents[2]
OWNER_KEY = "sk_test_owner_key_for_members_42"


def cli(shop, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "SMTP_", "MAIL_", "DATABASE_"))}
    environment.update({"STRIPE_SECRET_KEY": OWNER_KEY, "STRIPE_API_BASE": shop.emulator.url,
                        "CATALOG_PATH": str(FIXTURES / "catalog.toml"),
                        "DATABASE_URL": shop.services.settings.database_url.reveal(), "SITE_URL": shop.url,
                        "PYTHONPATH": str(ROOT), **env})
    result = subprocess.run([sys.executable, "-m", "checkout_kit", *args], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert OWNER_KEY not in result.stdout + result.stderr
    return result


def sdk(shop) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_x", base_addresses={"api": shop.emulator.url}, max_network_retries=0)


@pytest.fixture
def member(shop):
    return shop, sdk(shop).v1.checkout.sessions.retrieve(shop.join()).subscription


def subjects(shop) -> list[str]:
    return [m["Subject"] for m in shop.smtp.to(CUSTOMER)]


def test_list_shows_who_is_a_member(member):
    shop, sub = member
    listed = cli(shop, "subscriptions", "list")
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(sub))
    assert CUSTOMER in row and "membership" in row and "active" in row and row.endswith("yes")
    assert "1 subscription(s)." in listed.stdout
    assert "0 subscription(s) with status canceled." in cli(shop, "subscriptions", "list", "--status", "canceled").stdout
    (listed_json,) = json.loads(cli(shop, "subscriptions", "list", "--json").stdout)
    assert (listed_json["id"], listed_json["email"], listed_json["access"]) == (sub, CUSTOMER, True)
    assert listed_json["items"][0]["product_key"] == "membership"


def test_cancel_by_email_at_period_end_then_by_id_now(member):
    shop, sub = member
    scheduled = cli(shop, "subscriptions", "cancel", CUSTOMER)
    assert scheduled.returncode == 0, scheduled.stderr
    assert f"{sub} ends on" in scheduled.stdout
    assert sdk(shop).v1.subscriptions.retrieve(sub).cancel_at_period_end is True
    shop.smtp.wait_for(lambda _: any("ends on" in s for s in subjects(shop)))
    now = cli(shop, "subscriptions", "cancel", sub, "--now")
    assert now.returncode == 0 and f"Canceled {sub} now" in now.stdout
    shop.smtp.wait_for(lambda _: any("has ended" in s for s in subjects(shop)))
    assert sdk(shop).v1.subscriptions.retrieve(sub).status == "canceled"
    nobody = cli(shop, "subscriptions", "cancel", CUSTOMER)  # no live membership left
    assert nobody.returncode == 1 and "No live membership" in nobody.stderr
    assert cli(shop, "subscriptions", "cancel", "not-an-id").returncode == 2


def test_change_plan_prorates_and_a_new_interval_bills_at_once(member):
    shop, sub = member
    moved = cli(shop, "subscriptions", "change-plan", CUSTOMER, "--price", "price_test_yearly")
    assert moved.returncode == 0, moved.stderr
    assert "now on Yearly Plan at $90.00 per year" in moved.stdout and "new billing cycle" in moved.stdout
    updated = sdk(shop).v1.subscriptions.retrieve(sub)
    assert updated["items"].data[0].price.id == "price_test_yearly"
    bill = sdk(shop).v1.invoices.retrieve(updated.latest_invoice)
    assert bill.billing_reason == "subscription_update" and bill.status == "paid" and 8000 < bill.amount_paid < 9000
    shop.smtp.wait_for(lambda _: any("receipt" in s for s in subjects(shop)))  # the member's receipt for it
    same = cli(shop, "subscriptions", "change-plan", sub, "--price", "price_test_yearly")
    assert same.returncode == 0 and "nothing changed" in same.stdout
    wrong = cli(shop, "subscriptions", "change-plan", sub, "--price", "price_test_ebook")
    assert wrong.returncode == 2 and "not a recurring price" in wrong.stderr


def test_retry_pays_the_open_invoice(member):
    shop, sub = member
    assert "Nothing to retry" in cli(shop, "subscriptions", "retry", sub).stdout
    customer = sdk(shop).v1.subscriptions.retrieve(sub).customer
    shop.control(f"customers/{customer}/payment_method", {"card": "4000000000000341"})
    shop.control("clock/advance", {"seconds": 32 * 86400})
    invoice = sdk(shop).v1.subscriptions.retrieve(sub).latest_invoice
    failed = cli(shop, "subscriptions", "retry", invoice)
    assert failed.returncode == 1 and "did not go through" in failed.stderr and "card_declined" in failed.stderr
    shop.control(f"customers/{customer}/payment_method", {"card": "4242424242424242", "pay_open": False})
    assert sdk(shop).v1.invoices.retrieve(invoice).status == "open"
    paid = cli(shop, "subscriptions", "retry", sub)
    assert paid.returncode == 0 and f"{invoice} is paid: $9.00 charged" in paid.stdout
    assert sdk(shop).v1.subscriptions.retrieve(sub).status == "active"


def test_setup_portal_offers_the_catalogs_plans_and_updates_itself(shop):
    first = cli(shop, "setup-portal")
    assert first.returncode == 0, first.stderr
    config_id = next(w for w in first.stdout.split() if w.startswith("bpc_")).rstrip(".")
    config = sdk(shop).v1.billing_portal.configurations.retrieve(config_id)
    offered = sorted(p for product in config.features.subscription_update.products for p in product.prices)
    assert offered == ["price_test_monthly", "price_test_yearly"]
    assert config.features.subscription_cancel.mode == "at_period_end"
    assert config.features.payment_method_update.enabled and config.default_return_url == f"{shop.url}/"
    assert "email" not in config.features.customer_update.allowed_updates
    assert f"STRIPE_PORTAL_CONFIGURATION={config_id}" in first.stdout
    again = cli(shop, "setup-portal")
    assert again.returncode == 0 and f"Updated the kit's portal configuration {config_id}" in again.stdout
    doctor = cli(shop, "doctor", STRIPE_PORTAL_CONFIGURATION=config_id, STRIPE_WEBHOOK_SECRET="whsec_abcdefabcdef")
    assert f"ok    portal configuration {config_id}: cancel, card update, plan switching" in doctor.stdout


def test_setup_webhook_and_doctor_agree_with_the_registry(shop):
    url = f"{shop.url}/api/webhook"
    created = cli(shop, "setup-webhook", url)
    assert created.returncode == 0, created.stderr
    endpoint = next(e for e in sdk(shop).v1.webhook_endpoints.list().data if e.url == url)
    assert sorted(endpoint.enabled_events) == sorted(handled_types())
    assert {"customer.subscription.deleted", "invoice.payment_failed", "checkout.session.completed"} <= \
        set(endpoint.enabled_events)
    doctor = cli(shop, "doctor", STRIPE_WEBHOOK_SECRET="whsec_abcdefabcdef")
    assert f"receives exactly the kit's {len(handled_types())} event types" in doctor.stdout
    # An endpoint made before the kit handled memberships: doctor says so, setup-webhook brings it up to date.
    sdk(shop).v1.webhook_endpoints.update(endpoint.id, params={
        "enabled_events": ["checkout.session.completed", "customer.created"]})
    doctor = cli(shop, "doctor", STRIPE_WEBHOOK_SECRET="whsec_abcdefabcdef")
    line = next(ln for ln in doctor.stdout.splitlines() if endpoint.id in ln)
    assert line.startswith("warn") and "misses" in line and "invoice.paid" in line and "also receives customer.created" in line
    assert "fix: run `python -m checkout_kit setup-webhook" in doctor.stdout.split(line, 1)[1].splitlines()[1]
    updated = cli(shop, "setup-webhook", url)
    assert updated.returncode == 0 and "Updated the events" in updated.stdout and "whsec_" not in updated.stdout
    assert sorted(sdk(shop).v1.webhook_endpoints.retrieve(endpoint.id).enabled_events) == sorted(handled_types())
    same = cli(shop, "setup-webhook", url)
    assert same.returncode == 1 and "exactly the kit's events" in same.stdout
