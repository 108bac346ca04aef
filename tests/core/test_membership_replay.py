"""The same event stream, replayed twice, shuffled and delivered 8-way concurrently, leaves the same
rows and the same emails as one delivery in order (SQLite and a real PostgreSQL).

A membership lives its whole life against the emulator first (a trial, a renewal, a failed
payment, a new card, a cancellation at period end, the end). Then its events are delivered to
fresh stores: once, in Stripe's order; and twice over, shuffled, by 8 threads at once. Both end
with the same subscriptions, items, invoices, orders and email jobs, and the same emails at the
SMTP server, each once.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from typing import Any

import stripe

from checkout_kit import web
from checkout_kit.config import Secret
from checkout_kit.events import handled_types
from checkout_kit.services import Services
from checkout_kit.webhook_signature import sign_header
from tests.core.conftest import CUSTOMER, MERCHANT, WEBHOOK_SECRET, http, run_threads

DAY = 86400
KIT = {"kit": "checkout-kit"}


def live_life(shop) -> None:
    """Two memberships' lives, driven as the members and the clock would."""
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": shop.emulator.url}, max_network_retries=0)
    main = shop.new_session("price_test_monthly")
    assert shop.pay(main)["result"] == "paid"
    trial = client.v1.checkout.sessions.create(params={
        "mode": "subscription", "line_items": [{"price": "price_test_yearly", "quantity": 1}],
        "success_url": f"{shop.url}/success.html", "metadata": KIT,
        "subscription_data": {"metadata": KIT, "trial_period_days": 5}})
    assert shop.pay(trial.id, email="trial@example.com")["result"] == "paid"
    shop.settle_deliveries()
    sub = client.v1.checkout.sessions.retrieve(main).subscription
    customer = client.v1.subscriptions.retrieve(sub).customer
    shop.control("clock/advance", {"seconds": 32 * DAY})  # renewed; the trial warned, ended, charged
    shop.control(f"customers/{customer}/payment_method", {"card": "4000000000000341"})
    shop.control("clock/advance", {"seconds": 31 * DAY})  # the renewal fails: past_due
    shop.control(f"customers/{customer}/payment_method", {"card": "4242424242424242"})  # paid, active
    client.v1.subscriptions.update(sub, params={"cancel_at_period_end": True})
    shop.control("clock/advance", {"seconds": 40 * DAY})  # the period ends: canceled
    shop.settle_deliveries()


def stream(shop) -> list[dict[str, Any]]:
    """Every event the kit handles, oldest first, as the emulator sent them."""
    found, after = [], None
    while True:
        page = http("GET", f"{shop.emulator.url}/v1/events?limit=100" + (f"&starting_after={after}" if after else ""),
                    headers={"Authorization": "Bearer sk_test_x"}).json()
        found += page["data"]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    return [e for e in reversed(found) if e["type"] in handled_types()]


def deliver(app: web.App, event: dict[str, Any]) -> int:
    body = json.dumps(event).encode()
    environ = web.environ_for("POST", "/api/webhook", "", {"Content-Type": "application/json",
                                                           "Stripe-Signature": sign_header(body, WEBHOOK_SECRET)}, body)
    status, _, _ = web.call_wsgi(app, environ)
    return status


def snapshot(services: Services) -> dict[str, Any]:
    store = services.store
    rows = lambda sql: sorted(map(tuple, store._query(sql)))  # noqa: E731
    return {
        "subscriptions": rows("SELECT id, customer, email, status, price_id, product_key, current_period_end, "
                              "cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_end, latest_invoice "
                              "FROM subscriptions"),
        "items": rows("SELECT subscription_id, item_id, price_id, product_id, product_key, quantity, "
                      "current_period_end FROM subscription_items"),
        "invoices": rows("SELECT id, subscription_id, status, billing_reason, amount_due, amount_paid, "
                         "attempt_count, number FROM invoices"),
        "orders": rows("SELECT session_id, status, mode, subscription, amount_total FROM orders"),
        "jobs": sorted((j.key, j.payload["template"], j.payload["to"], j.status) for j in store.jobs(kind="email")),
    }


def replay(shop, database_url: str, events: list[dict[str, Any]], threads: int) -> tuple[dict[str, Any], list[Any]]:
    """Deliver `events` to a fresh store (one thread: in order; more: all at once); rows and emails."""
    shop.smtp.messages.clear()
    settings = replace(shop.services.settings, database_url=Secret(database_url))
    services = Services(settings)
    try:
        app = web.App(services)
        if threads == 1:
            statuses = [deliver(app, e) for e in events]
        else:
            chunks = [events[i::threads] for i in range(threads)]
            statuses = [s for chunk in run_threads(threads, lambda i: [deliver(app, e) for e in chunks[i]])
                        for s in chunk]
        assert set(statuses) == {200}
        assert services.store.pending_job_count() == 0
        time.sleep(0.2)  # the SMTP server's last acknowledgements
        sent = sorted((m["To"], m["Subject"]) for m in shop.smtp.messages)
        return snapshot(services), sent
    finally:
        services.close()


def fresh_database(request, tmp_path, name: str) -> str:
    if "postgres" in request.node.callspec.id:
        return request.getfixturevalue("postgres").create_database()
    return f"sqlite:///{tmp_path}/{name}.db"


def test_replayed_shuffled_concurrent_events_leave_the_same_rows_and_emails(any_shop, request, tmp_path):
    shop = any_shop
    live_life(shop)
    events = stream(shop)
    types = {e["type"] for e in events}
    assert {"customer.subscription.trial_will_end", "invoice.payment_failed", "customer.subscription.deleted",
            "invoice.paid", "checkout.session.completed", "customer.subscription.updated"} <= types

    in_order, in_order_mail = replay(shop, fresh_database(request, tmp_path, "in_order"), events, threads=1)
    shuffled = events * 2
    random.Random(10).shuffle(shuffled)
    chaos, chaos_mail = replay(shop, fresh_database(request, tmp_path, "chaos"), shuffled, threads=8)

    assert chaos == in_order
    assert chaos_mail == in_order_mail
    # What the stream says, each once: the main member's life ended; the trial member pays yearly.
    assert len(in_order_mail) == len(set(in_order_mail))
    statuses = {row[2]: row[3] for row in in_order["subscriptions"]}
    assert statuses == {CUSTOMER: "canceled", "trial@example.com": "active"}
    assert sorted(to for to, subject in in_order_mail if subject.startswith(("New member", "Membership ended"))) == [
        MERCHANT, MERCHANT, MERCHANT]
    assert [s for to, s in in_order_mail if to == CUSTOMER and "ended" in s] == [
        "Your membership has ended — Test Shop"]
