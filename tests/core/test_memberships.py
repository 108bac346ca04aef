"""Memberships: what each subscription and invoice event means (pure decisions), how the store keeps
the newest reading, and the whole life of a membership through the webhook — each email once, at
a real SMTP server, and access as Stripe would serve it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from checkout_kit import catalog as catalog_module
from checkout_kit import memberships
from checkout_kit.checkout import is_kit
from checkout_kit.store.subscriptions import InvoiceRecord, Member, MemberItem
from tests.core.conftest import CUSTOMER, MERCHANT, http
from tests.support.smtp import text_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY = 86400
ADMIN = "admin-token-for-memberships-0123456789"


@pytest.fixture(scope="module")
def catalog() -> catalog_module.Catalog:
    return catalog_module.load(str(FIXTURES / "catalog.toml"))


def subscription(status: str = "active", **over: Any) -> dict[str, Any]:
    """A subscription object as the handler reads it (customer expanded), at the pinned API version."""
    sub = {"id": "sub_1", "object": "subscription", "status": status, "metadata": {"kit": "checkout-kit"},
           "customer": {"id": "cus_1", "email": "Ann@Example.com", "name": "Ann"}, "cancel_at_period_end": False,
           "cancel_at": None, "canceled_at": None, "ended_at": None, "trial_end": None, "latest_invoice": "in_1",
           "livemode": False, "cancellation_details": {"reason": None},
           "items": {"data": [{"id": "si_1", "quantity": 1, "current_period_end": 2_000_000_000,
                               "price": {"id": "price_test_monthly", "product": "prod_m", "unit_amount": 900,
                                         "currency": "usd", "recurring": {"interval": "month",
                                                                          "interval_count": 1}}}]}}
    sub.update(over)
    return sub


def invoice(status: str = "paid", reason: str = "subscription_cycle", **over: Any) -> dict[str, Any]:
    inv = {"id": "in_2", "object": "invoice", "status": status, "billing_reason": reason, "amount_due": 900,
           "amount_paid": 900 if status == "paid" else 0, "amount_remaining": 0 if status == "paid" else 900,
           "currency": "usd", "attempt_count": 1, "number": "ABC-0002", "customer": "cus_1",
           "hosted_invoice_url": "https://invoice.example/i", "next_payment_attempt": None,
           "status_transitions": {"paid_at": 1_900_000_000 if status == "paid" else None},
           "parent": {"type": "subscription_details", "subscription_details": {"subscription": "sub_1"}},
           "lines": {"data": [{"description": "1 × Supporter Membership", "amount": 900, "currency": "usd",
                               "parent": {"type": "subscription_item_details",
                                          "subscription_item_details": {"proration": False}}}]}}
    inv.update(over)
    return inv


# ---- pure decisions ----------------------------------------------------------------------------


def member(status: str, cancel_at: int | None = None) -> Member:
    return Member("sub_1", "cus_1", "a@example.com", status, "price_x", "membership", 2_000_000_000,
                  cancel_at is not None, cancel_at, None, None, None, None, False, 0.0)


@pytest.mark.parametrize("status, granted", [
    ("trialing", True), ("active", True), ("past_due", True), ("unpaid", False), ("canceled", False),
    ("incomplete", False), ("incomplete_expired", False), ("paused", False)])
def test_access_follows_what_stripe_would_serve(status, granted):
    assert memberships.grants_access(member(status)) is granted


def test_a_cancellation_ends_access_at_its_moment_even_if_its_event_is_late():
    assert memberships.grants_access(member("active", cancel_at=1000), now=999)
    assert not memberships.grants_access(member("active", cancel_at=1000), now=1000)


def test_the_row_comes_from_the_items_and_the_catalog(catalog):
    row = memberships.member_from(subscription(), catalog, seen_at=5.0)
    assert (row.email, row.customer, row.product_key, row.price_id) == ("Ann@Example.com", "cus_1", "membership",
                                                                        "price_test_monthly")
    assert row.current_period_end == 2_000_000_000 and row.seen_at == 5.0
    assert [(i.item_id, i.product_id, i.product_key) for i in row.items] == [("si_1", "prod_m", "membership")]
    assert not is_kit(subscription(metadata={}))


def test_subscription_emails_are_keyed_by_their_cause(catalog):
    keys = lambda mails: [(m.key, m.template, m.to) for m in mails]  # noqa: E731
    assert memberships.subscription_mails("customer.subscription.updated", subscription(), catalog, MERCHANT, 0) == []
    canceling = subscription(cancel_at=2_000_000_000, cancel_at_period_end=True)
    assert keys(memberships.subscription_mails("customer.subscription.updated", canceling, catalog, MERCHANT, 0)) == [
        ("sub:sub_1:cancel_scheduled:2000000000", "membership_cancel_scheduled", "Ann@Example.com")]
    ended = subscription("canceled", ended_at=2_000_000_000, cancellation_details={"reason": "payment_failed"})
    mails = memberships.subscription_mails("customer.subscription.updated", ended, catalog, MERCHANT, 0)
    assert keys(mails) == [("sub:sub_1:ended", "membership_ended", "Ann@Example.com"),
                           ("sub:sub_1:merchant_ended", "merchant_membership", MERCHANT)]
    assert mails[0].context["reason"] == "payment_failed" and mails[0].context["ended"] == "18 May 2033"
    trial = subscription("trialing", trial_end=2_000_000_000)
    assert memberships.subscription_mails("customer.subscription.updated", trial, catalog, MERCHANT, 0) == []
    warned = memberships.subscription_mails("customer.subscription.trial_will_end", trial, catalog, MERCHANT, 0)
    assert keys(warned) == [("sub:sub_1:trial_ending:2000000000", "membership_trial_ending", "Ann@Example.com")]
    assert warned[0].links == {"manage_url": ("portal", "Ann@Example.com", {})}


def test_invoice_emails_are_keyed_by_invoice_and_read_its_state_now(catalog):
    sub = subscription()
    first = memberships.invoice_mails("invoice.paid", invoice(reason="subscription_create"), sub, catalog, MERCHANT)
    assert [m.key for m in first] == ["sub:sub_1:welcome", "sub:sub_1:merchant_new"]
    mixed = invoice(reason="subscription_create", lines={"data": [{"parent": {"type": "invoice_item_details",
                                                                              "invoice_item_details": {}}}]})
    assert memberships.invoice_mails("invoice.paid", mixed, sub, catalog, MERCHANT) == []  # the order welcomes
    renewal = memberships.invoice_mails("invoice.paid", invoice(), sub, catalog, MERCHANT)
    assert [(m.key, m.template) for m in renewal] == [("invoice:in_2:receipt", "membership_receipt")]
    assert renewal[0].context["amount"] == 900 and renewal[0].context["number"] == "ABC-0002"
    failed = memberships.invoice_mails("invoice.payment_failed", invoice("open", next_payment_attempt=1_900_086_400),
                                       sub, catalog, MERCHANT)
    assert [m.key for m in failed] == ["invoice:in_2:payment_failed"]
    assert failed[0].links["manage_url"] == ("portal", "Ann@Example.com", {"flow": "payment_method_update"})
    assert failed[0].context["next_attempt"] == "18 March 2030"
    # A late failure event for an invoice paid since asks nothing of the member.
    assert memberships.invoice_mails("invoice.payment_failed", invoice(), sub, catalog, MERCHANT) == []
    assert memberships.invoice_mails("invoice.payment_failed", invoice("open"), subscription("canceled"), catalog,
                                     MERCHANT) == []


# ---- the store keeps the newest reading --------------------------------------------------------------


def test_a_late_older_reading_never_replaces_a_newer_one(store, catalog):
    newer = memberships.member_from(subscription("active"), catalog, seen_at=20.0)
    older = memberships.member_from(subscription("past_due", items={"data": []}), catalog, seen_at=10.0)
    with store.transaction() as tx:
        assert tx.record_subscription(newer)
    with store.transaction() as tx:
        assert not tx.record_subscription(older)
    kept = store.subscription("sub_1")
    assert kept.status == "active" and [i.item_id for i in kept.items] == ["si_1"]
    with store.transaction() as tx:
        assert tx.record_subscription(memberships.member_from(subscription("canceled"), catalog, seen_at=30.0))
    assert store.subscription("sub_1").status == "canceled"
    assert [m.id for m in store.subscriptions_of(email="ann@EXAMPLE.com")] == ["sub_1"]  # any case
    assert [m.id for m in store.subscriptions_of(customer="cus_1")] == ["sub_1"]
    paid = memberships.invoice_from(invoice(), seen_at=40.0)
    with store.transaction() as tx:
        assert tx.record_invoice(memberships.invoice_from(invoice("open"), seen_at=30.0))
        assert tx.record_invoice(paid)
        assert not tx.record_invoice(memberships.invoice_from(invoice("open"), seen_at=35.0))
    (record,) = store.invoices_of("sub_1")
    assert isinstance(record, InvoiceRecord) and (record.status, record.amount_paid) == ("paid", 900)
    assert store.count("invoices") == 1


def test_access_picks_the_membership_that_grants_it(store, catalog):
    with store.transaction() as tx:
        tx.record_subscription(memberships.member_from(subscription("canceled", id="sub_old"), catalog, 1.0))
        tx.record_subscription(memberships.member_from(subscription("active"), catalog, 1.0))
    answer = memberships.access(store, "ann@example.com")
    assert answer.access and answer.member.id == "sub_1"
    assert memberships.access(store, "cus_1", "membership").access
    assert memberships.access(store, "ann@example.com", "prod_m").access
    assert not memberships.access(store, "ann@example.com", "yearly").access
    assert memberships.access(store, "nobody@example.com").as_json() == {
        "access": False, "status": None, "current_period_end": None, "cancel_at_period_end": False,
        "cancel_at": None, "trial_end": None, "subscription": None, "customer": None, "product": None}
    assert isinstance(answer.member.items[0], MemberItem)


# ---- through the webhook -------------------------------------------------------------------------


def advance(shop, days: float) -> None:
    shop.control("clock/advance", {"seconds": days * DAY})
    shop.settle_deliveries()


def mails(shop, template_words: str, to: str = CUSTOMER) -> list[Any]:
    return [m for m in shop.smtp.to(to) if template_words in m["Subject"]]


def wait_mail(shop, words: str, count: int = 1, to: str = CUSTOMER) -> list[Any]:
    shop.smtp.wait_for(lambda _: len(mails(shop, words, to)) >= count)
    shop.settle_deliveries()
    time.sleep(0.2)  # an email a late delivery would add
    return mails(shop, words, to)


def access(shop, who: str = CUSTOMER, **extra: str) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in {"email": who, **extra}.items())
    answer = http("GET", f"{shop.url}/api/access?{query}", headers={"Authorization": f"Bearer {ADMIN}"})
    assert answer.status == 200, answer.body
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.json()


@pytest.fixture
def member_shop(make_shop):
    return make_shop(ADMIN_TOKEN=ADMIN)


def test_a_trial_welcomes_then_warns_then_charges(make_shop, tmp_path):
    trial_catalog = tmp_path / "catalog.toml"
    trial_catalog.write_text((FIXTURES / "catalog.toml").read_text().replace(
        'id = "price_test_monthly"', 'id = "price_test_monthly"\n  trial_period_days = 14'))
    shop = make_shop(ADMIN_TOKEN=ADMIN, CATALOG_PATH=str(trial_catalog))
    session = shop.join()
    (welcome,) = wait_mail(shop, "Welcome")
    assert "free trial" in text_of(welcome) and "$9.00 per month" in text_of(welcome)
    assert access(shop)["status"] == "trialing" and access(shop)["access"] is True
    advance(shop, 12)
    (warning,) = wait_mail(shop, "trial ends on")
    assert "/api/portal?token=" in text_of(warning)
    advance(shop, 3)
    (receipt,) = wait_mail(shop, "receipt")
    assert "$9.00" in text_of(receipt) and access(shop)["status"] == "active"
    assert shop.store.get_order(session).mode == "subscription"


def test_a_renewal_that_needs_authentication_asks_the_member_to_confirm(member_shop):
    shop = member_shop
    shop.join()
    customer = access(shop)["customer"]
    shop.control(f"customers/{customer}/payment_method", {"card": "4000002760003184"})
    advance(shop, 32)
    (confirm,) = wait_mail(shop, "Please confirm")
    body = text_of(confirm)
    assert f"{shop.emulator.url}/invoice/in_" in body and "/api/portal?token=" in body
    assert access(shop)["status"] == "past_due" and access(shop)["access"] is True


def test_the_welcome_is_one_email_whichever_event_comes_first(member_shop):
    """The order (checkout.session.completed) and the first invoice (invoice.paid) both queue it, under
    one key; whichever is handled first wins, the other finds it queued."""
    shop = member_shop
    session = shop.join()
    for event_type in ("invoice.paid", "checkout.session.completed", "customer.subscription.created"):
        for event in shop.events(event_type):
            assert shop.deliver({**event, "id": event["id"] + "_replay"}).status == 200
    shop.settle_deliveries()
    time.sleep(0.3)
    assert len(mails(shop, "Welcome")) == 1 and len(mails(shop, "New member", MERCHANT)) == 1
    sub = shop.store.get_order(session).subscription
    assert sorted(j.key for j in shop.store.jobs(kind="email") if j.key.startswith("sub:")) == [
        f"sub:{sub}:merchant_new", f"sub:{sub}:welcome"]
    assert not mails(shop, "Your receipt from")  # a membership's first email is its welcome, not a receipt


def test_other_apps_subscriptions_are_ignored(member_shop):
    shop = member_shop
    client = _sdk(shop)
    price = client.v1.prices.create(params={"product_data": {"name": "Other app"}, "unit_amount": 500,
                                            "currency": "usd", "recurring": {"interval": "month"}})
    session = client.v1.checkout.sessions.create(params={
        "mode": "subscription", "line_items": [{"price": price.id, "quantity": 1}], "success_url": "https://x.example/"})
    shop.pay(session.id)
    shop.settle_deliveries()
    from checkout_kit.events import handled_types

    outcomes = {d.outcome for d in shop.store.deliveries() if d.event_type in handled_types()}
    assert outcomes == {"not_kit_subscription", "not_kit_session"}
    assert shop.store.count("subscriptions") == 0 and shop.smtp.to(CUSTOMER) == []


def _sdk(shop):
    import stripe

    return stripe.StripeClient("sk_test_x", base_addresses={"api": shop.emulator.url}, max_network_retries=0)


def test_the_access_route_is_the_owners_and_answers_for_unknown_emails(member_shop):
    shop = member_shop
    assert http("GET", f"{shop.url}/api/access?email={CUSTOMER}").status == 401
    assert http("GET", f"{shop.url}/api/access?email={CUSTOMER}",
                headers={"Authorization": "Bearer wrong"}).status == 401
    assert access(shop, "nobody@example.com") == {
        "access": False, "status": None, "current_period_end": None, "cancel_at_period_end": False,
        "cancel_at": None, "trial_end": None, "subscription": None, "customer": None, "product": None}
    bad = [("email=not-an-email", "invalid_email"), ("", "invalid_query"), ("email=a@b.example&customer=cus_1",
                                                                            "invalid_query"),
           (f"email={CUSTOMER}&product=no-such", "unknown_product"), ("customer=cust_1", "invalid_customer")]
    for query, code in bad:
        answer = http("GET", f"{shop.url}/api/access?{query}", headers={"Authorization": f"Bearer {ADMIN}"})
        assert (answer.status, answer.json()["error"]["code"]) == (400, code), query
    assert http("POST", f"{shop.url}/api/access", b"", {"Authorization": f"Bearer {ADMIN}"}).status == 405
    shop.join()
    granted = access(shop)
    assert granted["access"] is True and granted["status"] == "active" and granted["current_period_end"] > time.time()
    assert access(shop, product="membership")["access"] is True
    assert access(shop, product="yearly") == access(shop, "nobody@example.com")
    assert access(shop, CUSTOMER.upper())["access"] is True


def test_has_access_for_the_owners_python(member_shop):
    shop = member_shop
    assert not memberships.has_access(CUSTOMER, services=shop.services)
    shop.join()
    assert memberships.has_access(CUSTOMER, services=shop.services)
    assert memberships.has_access(access(shop)["customer"], "membership", services=shop.services)
    assert not memberships.has_access(CUSTOMER, "ticket", services=shop.services)
