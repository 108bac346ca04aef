"""The owner's own fulfillment: a callable named in the catalog is called once per paid line
with a read-only item and order, and what it returns is shown to the buyer; a hook that raises
is retried until it succeeds without repeating the order's emails; the outgoing webhook posts a
signed `purchase.fulfilled` event, retried under the same Kit-Delivery-Id; a process killed
between the commit and a hook's completion leaves the hook to the next retry."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checkout_kit import outbox
from checkout_kit.fulfillment.purchase import PurchasedItem, PurchaseOrder, from_snapshot
from checkout_kit.webhook_signature import verify_header
from tests.core.conftest import CUSTOMER, MERCHANT, Shop, paid_order
from tests.hooks import calls
from tests.support.after_sale import HOOKS_SECRET
from tests.support.outbox import expire_leases, make_due

ROOT = Path(__file__).resolve().parents[2]


def test_a_callable_is_called_once_and_its_answer_shown(after_shop: Shop, hooks_dir: Path) -> None:
    shop = after_shop
    order = paid_order(shop, "price_as_room")
    shop.smtp.wait_for(lambda ms: len(ms) == 2)
    body = shop.summary(order.session_id).json()  # the landing page asks too
    shop.settle_deliveries()
    time.sleep(0.3)
    [call] = calls(hooks_dir, "record")
    assert call["key"] == f"kit:{order.session_id}:0" and call["email"] == CUSTOMER and call["quantity"] == 1
    [view] = body["fulfillment"]
    assert view["status"] == "fulfilled" and {"label": "Access code", "value": f"ROOM-{call['order']}"} in view["facts"]
    assert view["links"] == [{"label": "Community", "url": "https://community.example/join"}]
    assert len(shop.smtp.messages) == 2


def test_the_purchase_the_owner_gets_is_read_only() -> None:
    item, order = from_snapshot({
        "item": {"position": 0, "product_key": "room", "description": "Room", "quantity": 1, "amount_total": 100,
                 "currency": "usd", "price_id": "price_x", "details": {"seats": [1, 2]}, "idempotency_key": "kit:cs:0"},
        "order": {"session_id": "cs_x", "reference": "ABCD1234", "customer_email": "a@b.example",
                  "customer_name": None, "amount_total": 100, "currency": "usd", "livemode": False,
                  "client_reference_id": None, "shipping": {"name": "A"}}})
    assert isinstance(item, PurchasedItem) and isinstance(order, PurchaseOrder)
    with pytest.raises(AttributeError):
        item.quantity = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        item.details["seats"] = []  # type: ignore[index]
    with pytest.raises(TypeError):
        order.shipping["name"] = "B"  # type: ignore[index]
    assert item.details["seats"] == (1, 2)


def test_a_hook_that_raises_is_retried_until_it_succeeds_without_repeating_emails(after_shop: Shop,
                                                                                    hooks_dir: Path) -> None:
    shop = after_shop
    (hooks_dir / "failures").write_text("2")
    order = paid_order(shop, "price_as_course")
    shop.smtp.wait_for(lambda ms: len(ms) == 2)
    shop.settle_deliveries()
    time.sleep(0.3)
    [job] = shop.store.jobs(order.session_id, "hook")
    assert job.status == "pending" and "the community platform is down" in (job.last_error or "")
    assert [v["status"] for v in shop.summary(order.session_id).json()["fulfillment"]] == ["pending"]
    for _ in range(2):  # the cron route / `jobs retry` / the next webhook, once the backoff is over
        make_due(shop.store)
        outbox.drain(shop.services)
    assert [c["what"] for c in calls(hooks_dir, "flaky")] == ["failed", "failed", "done"]
    assert shop.store.jobs(order.session_id, "hook")[0].status == "done"
    assert shop.store.get_order(order.session_id).items[0].fulfillment_status == "fulfilled"
    assert len(shop.receipts()) == 1 and len(shop.smtp.to(MERCHANT)) == 1 and len(shop.smtp.messages) == 2


def test_the_outgoing_webhook_is_signed_and_retried_under_one_delivery_id(after_shop: Shop) -> None:
    shop = after_shop
    receiver = shop.receiver  # type: ignore[attr-defined]
    receiver.statuses = [500]  # their system is down once
    order = paid_order(shop, "price_as_warehouse", 1)
    receiver.wait_for(lambda rs: len(rs) == 1)
    shop.settle_deliveries()
    make_due(shop.store)
    outbox.drain(shop.services)
    first, second = receiver.wait_for(lambda rs: len(rs) == 2)
    assert first.body == second.body and first.status == 500 and second.status == 200
    ids = {r.headers["Kit-Delivery-Id"] for r in (first, second)}
    assert len(ids) == 1 and ids.pop().startswith("evt_kit_")
    for got in (first, second):
        verify_header(got.body, got.headers["Kit-Signature"], HOOKS_SECRET)  # Stripe's scheme, our secret
    event = json.loads(second.body)
    assert event["type"] == "purchase.fulfilled" and event["id"] == second.headers["Kit-Delivery-Id"]
    assert event["data"]["order"]["session_id"] == order.session_id
    assert event["data"]["item"]["product_key"] == "warehouse"
    assert event["data"]["item"]["idempotency_key"] == f"kit:{order.session_id}:0"
    assert HOOKS_SECRET not in second.body.decode()
    make_due(shop.store)
    outbox.drain(shop.services)
    time.sleep(0.2)
    assert len(receiver.received) == 2  # done: never sent again
    assert shop.store.get_order(order.session_id).items[0].fulfillment_status == "fulfilled"


def test_a_process_killed_between_commit_and_the_hook_leaves_it_to_the_retry(after_shop: Shop, hooks_dir: Path,
                                                                            tmp_path: Path) -> None:
    """At least once: the killed attempt started the hook and never finished; the retry (after the
    lease ran out) calls it again with the same idempotency key and completes it; emails go once."""
    shop = after_shop
    shop.emulator.deliverer.endpoints.clear()  # the order is recorded by the process we kill
    session_id = shop.new_session("price_as_grant")
    assert shop.pay(session_id)["result"] == "paid"
    settings = shop.services.settings
    env = {**os.environ, "DATABASE_URL": settings.database_url.reveal(), "SMTP_URL": settings.smtp_url.reveal(),
           "STRIPE_SECRET_KEY": "sk_test_killed", "STRIPE_API_BASE": shop.emulator.url,
           "CATALOG_PATH": settings.catalog_path, "KIT_DATA_DIR": settings.data_dir, "SITE_URL": settings.site_url,
           "EMAIL_FROM": settings.email_from, "MERCHANT_EMAIL": MERCHANT, "KIT_TEST_HOOK_SLEEP": "60",
           "PYTHONPATH": str(ROOT)}
    script = ("import sys\nfrom checkout_kit import fulfillment, outbox\nfrom checkout_kit.services import shared\n"
              "s = shared()\nr = fulfillment.fulfill_checkout(s, sys.argv[1])\nouter = outbox.after_commit(s, r.jobs)\n")
    process = subprocess.Popen([sys.executable, "-c", script, session_id], env=env, cwd=ROOT)
    try:
        deadline = time.time() + 20
        while not calls(hooks_dir, "slow", "started") and time.time() < deadline:
            time.sleep(0.05)
        assert calls(hooks_dir, "slow", "started"), "the hook never started"
        os.kill(process.pid, signal.SIGKILL)  # between the commit and the hook's completion
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    [job] = shop.store.jobs(session_id, "hook")
    assert job.status == "running" and calls(hooks_dir, "slow", "done") == []
    shop.smtp.wait_for(lambda ms: len(shop.receipts()) == 1)  # the emails went before the hook
    expire_leases(shop.store)  # the dead process's lease runs out
    result = outbox.drain(shop.services)
    assert result.done == 1
    started, done = calls(hooks_dir, "slow", "started"), calls(hooks_dir, "slow", "done")
    assert len(started) == 2 and len(done) == 1 and {c["key"] for c in started + done} == {f"kit:{session_id}:0"}
    assert shop.store.jobs(session_id, "hook")[0].status == "done"
    time.sleep(0.2)
    assert len(shop.receipts()) == 1 and len(shop.smtp.messages) == 2
