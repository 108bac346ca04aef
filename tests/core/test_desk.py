"""The owner's desk through the running shop: the admin API's numbers equal the store's, search
and pagination, reconcile restoring what a lost webhook or lost rows left out (once), the CSV
export, a customer's export and erasure down to the database file's bytes, alerts once per hour,
and the audit log of owner actions."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from checkout_kit import desk_commands, outbox
from checkout_kit.store.records import order_reference
from tests.core.conftest import MERCHANT, Shop, buy, http, shop_env, start_shop

TOKEN = "admin-token-for-desk-tests-7"


def admin(shop: Shop, path: str, body: dict | None = None, token: str = TOKEN):
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
        return http("POST", f"{shop.url}/api/admin/{path}", json.dumps(body).encode(), headers)
    return http("GET", f"{shop.url}/api/admin/{path}", headers=headers)


@pytest.fixture
def desk_shop(make_shop) -> Shop:
    return make_shop(ADMIN_TOKEN=TOKEN, CRON_SECRET="cron-secret-for-desk-77")


def test_the_admin_api_needs_the_token_and_is_never_cached(desk_shop):
    for token in ("", "wrong", TOKEN[:-1]):
        answer = admin(desk_shop, "today", token=token)
        assert answer.status == 401 and answer.json()["error"]["code"] == "unauthorized"
    answer = admin(desk_shop, "today")
    assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store"
    unknown = admin(desk_shop, "nope")
    # Its own code: the page tells "this kit has no such action yet" from "no such order".
    assert unknown.status == 404 and unknown.json()["error"]["code"] == "unknown_route"
    assert admin(desk_shop, "orders?limit=abc").status == 400
    assert admin(desk_shop, "orders?cursor=not-a-cursor").status == 400
    assert http("POST", f"{desk_shop.url}/api/admin/today", b"{}", {"Authorization": f"Bearer {TOKEN}"}).status == 405


def test_today_equals_the_store_and_counts_conversion(desk_shop):
    shop = desk_shop
    buy(shop, "price_test_ebook")
    buy(shop, "price_test_tshirt", 2, email="ann@example.com")
    shop.new_session("price_test_ticket")  # started, never paid
    shop.settle_deliveries()
    today = admin(shop, "today").json()
    paid = [o for o in shop.store.list_orders(100) if o.status == "paid"]
    assert today["orders"] == len(paid) == 2
    assert today["revenue"] == [{"currency": "usd", "amount": sum(o.amount_total for o in paid),
                                 "display": "$65.00"}]
    assert today["checkouts_started"] == 3 and today["conversion"] == round(2 / 3, 4)
    chart = admin(shop, "revenue?days=30").json()
    assert len(chart["days"]) == 30 and chart["orders"][-1] == 2
    assert chart["series"] == [{"currency": "usd", "amounts": [0] * 29 + [6500]}]


def test_search_filters_and_pages_by_cursor(desk_shop):
    shop = desk_shop
    ids = [buy(shop, "price_test_ebook", email=f"buyer{n}@example.com") for n in range(5)]
    tee = buy(shop, "price_test_tshirt", email="tee@example.com")
    shop.settle_deliveries()
    assert [o["session_id"] for o in admin(shop, "orders?q=buyer3@example.com").json()["orders"]] == [ids[3]]
    assert [o["session_id"] for o in admin(shop, "orders?q=BUYER3@Example.com").json()["orders"]] == [ids[3]]
    assert [o["session_id"] for o in admin(shop, f"orders?q={order_reference(ids[1])}").json()["orders"]] == [ids[1]]
    assert [o["session_id"] for o in admin(shop, f"orders?q={ids[2]}").json()["orders"]] == [ids[2]]
    assert [o["session_id"] for o in admin(shop, "orders?to_ship=1").json()["orders"]] == [tee]
    assert [o["session_id"] for o in admin(shop, "orders?kind=shipment").json()["orders"]] == [tee]
    assert len(admin(shop, "orders?q=buyer").json()["orders"]) == 5
    seen, cursor = [], None
    while True:
        page = admin(shop, "orders?limit=2" + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [o["session_id"] for o in page["orders"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == [tee] + ids[::-1]  # newest first, each once
    detail = admin(shop, f"order?ref={order_reference(tee)}").json()
    assert detail["to_ship"] and detail["shipping"]["address"]["city"] == "Springfield"
    assert sorted((e["kind"], e["status"]) for e in detail["emails"]) == [("merchant_order", "sent"),
                                                                         ("receipt", "sent")]
    assert any(d["event_type"] == "checkout.session.completed" and d["outcome"] == "fulfilled"
               for d in detail["deliveries"])
    missing = admin(shop, "order?ref=ZZZZZZZZ")
    assert missing.status == 404 and missing.json()["error"]["code"] == "not_found"


def without_webhooks(shop: Shop):
    """The emulator delivers nothing while the block runs (a webhook that never arrived)."""
    class Off:
        def __enter__(self):
            self.saved = list(shop.emulator.deliverer.endpoints)
            shop.emulator.deliverer.endpoints.clear()

        def __exit__(self, *exc):
            shop.emulator.deliverer.endpoints.extend(self.saved)
    return Off()


def delete_order_rows(store, session_id: str) -> None:
    """Disaster: the order, its items and its emails are gone (the event mark stays)."""
    with store.transaction() as tx:
        for table in ("order_items", "jobs", "orders"):
            tx._exec(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_reconcile_restores_missing_orders_once(request, tmp_path, smtp, database):
    url = f"sqlite:///{tmp_path}/o.db" if database == "sqlite" else request.getfixturevalue("postgres").create_database()
    shop = start_shop(shop_env(url, smtp, ADMIN_TOKEN=TOKEN), smtp)
    try:
        kept = buy(shop, "price_test_ebook", email="kept@example.com")
        lost_rows = buy(shop, "price_test_tshirt", email="rows@example.com")
        with without_webhooks(shop):
            never = shop.new_session("price_test_ebook")
            shop.pay(never, email="never@example.com")
        shop.settle_deliveries()
        smtp.wait_for(lambda ms: len(ms) >= 4)
        delete_order_rows(shop.store, lost_rows)
        assert shop.store.get_order(never) is None and shop.store.get_order(lost_rows) is None
        before = len(smtp.messages)
        answer = admin(shop, "reconcile", {"days": 3})
        assert answer.status == 200, answer.body
        fixed = {f["session_id"] for f in answer.json()["fixed"]}
        assert fixed == {never, lost_rows} and answer.json()["checked"] == 3
        assert shop.store.get_order(never).status == "paid" and shop.store.get_order(lost_rows).status == "paid"
        smtp.wait_for(lambda ms: len([m for m in ms if "receipt" in m["Subject"].lower()]) >= 4)
        receipts = [m["To"] for m in smtp.messages[before:] if "receipt" in m["Subject"].lower()]
        assert sorted(receipts) == ["never@example.com", "rows@example.com"]
        assert shop.store.get_order(kept).status == "paid"
        # A second run changes nothing and sends nothing.
        again = admin(shop, "reconcile", {"days": 3}).json()
        assert again["fixed"] == [] and again["checked"] == 3
        outbox.drain(shop.services)
        time.sleep(0.2)
        receipts_now = [m for m in smtp.messages if "receipt" in m["Subject"].lower()]
        assert len(receipts_now) == 4  # 2 the first time (one webhook never came) + the 2 restored
        assert [p.cause for p in shop.store.problems()].count("order_missing") == 2
        assert [e.action for e in shop.store.audit_entries()] == ["reconcile", "reconcile"]
    finally:
        shop.dev.stop()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_csv_export_has_one_row_per_item_in_major_units(request, tmp_path, smtp, database):
    url = f"sqlite:///{tmp_path}/o.db" if database == "sqlite" else request.getfixturevalue("postgres").create_database()
    shop = start_shop(shop_env(url, smtp, ADMIN_TOKEN=TOKEN), smtp)
    try:
        ebook = buy(shop, "price_test_ebook")
        answer = shop.checkout({"items": [{"priceId": "price_test_tshirt", "quantity": 3},
                                          {"priceId": "price_test_ticket", "quantity": 2}]})
        cart = answer.json()["id"]
        shop.pay(cart)
        shop.wait_order(cart)
        export = admin(shop, "export.csv")
        assert export.status == 200 and export.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in export.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(export.body.decode())))
        assert list(rows[0]) == ["order_reference", "session_id", "created_at", "status", "customer_email",
                                 "product_key", "description", "quantity", "unit_amount", "amount_total",
                                 "amount_refunded", "currency", "fulfillment_type", "fulfillment_status"]
        assert [(r["session_id"], r["product_key"], r["quantity"], r["unit_amount"], r["amount_total"])
                for r in rows] == [(ebook, "ebook", "1", "15.00", "15.00"), (cart, "tshirt", "3", "25.00", "75.00"),
                                   (cart, "ticket", "2", *ticket_amounts(shop, cart))]
        assert all(r["currency"] == "USD" and r["status"] == "paid" and r["order_reference"] ==
                   order_reference(r["session_id"]) for r in rows)
    finally:
        shop.dev.stop()


def ticket_amounts(shop: Shop, session_id: str) -> tuple[str, str]:
    item = next(i for i in shop.store.get_order(session_id).items if i.product_key == "ticket")
    return f"{item.amount_total / item.quantity / 100:.2f}", f"{item.amount_total / 100:.2f}"


def test_forget_leaves_no_trace_in_tables_files_or_outbox(tmp_path, smtp):
    """After `customer forget`, the email is in no table, not in the SQLite files' bytes (database and
    WAL), and not in the development outbox's .eml files — while the amounts stay for accounting."""
    outbox_dir = tmp_path / "outbox"
    db = tmp_path / "o.db"
    env = shop_env(f"sqlite:///{db}", smtp, ADMIN_TOKEN=TOKEN)
    env.pop("SMTP_URL")
    env["OUTBOX_DIR"] = str(outbox_dir)  # the dev transport: emails as files
    shop = start_shop(env, smtp)
    secret_email = "forget.me.please@example.org"
    try:
        gone = buy(shop, "price_test_tshirt", 2, email=secret_email)
        stays = buy(shop, "price_test_ebook", email="stays@example.com")
        shop.settle_deliveries()
        assert any(secret_email.encode() in f.read_bytes() for f in outbox_dir.glob("*.eml"))
        record = admin(shop, f"customer?email={secret_email}").json()
        assert [o["session_id"] for o in record["orders"]] == [gone] and record["emails"]
        answer = admin(shop, "customer/forget", {"email": secret_email})
        assert answer.status == 400  # needs "confirm": true
        answer = admin(shop, "customer/forget", {"email": secret_email, "confirm": True})
        assert answer.status == 200 and answer.json()["orders"] == 1 and "accounting" in answer.json()["why"]
        order = shop.store.get_order(gone)
        assert order.customer_email is None and order.customer_name is None and order.shipping is None
        assert order.amount_total == 5000 and [i.quantity for i in order.items] == [2]
        assert shop.store.get_order(stays).customer_email == "stays@example.com"
        assert admin(shop, f"customer?email={secret_email}").json()["orders"] == []
        # Not in any table…
        for table in ("orders", "order_items", "jobs", "webhook_deliveries", "problems", "audit_log",
                      "processed_events", "checkout_intents"):
            for row in shop.store._query(f"SELECT * FROM {table}"):
                assert secret_email not in json.dumps(row, default=str).lower(), (table, row)
        # …nor in the database files, nor in the files the kit writes.
        for file in [db, Path(f"{db}-wal"), *outbox_dir.glob("*.eml")]:
            if file.exists():
                assert secret_email.encode() not in file.read_bytes().lower(), file
        assert any(b"stays@example.com" in f.read_bytes() for f in outbox_dir.glob("*.eml"))
        [entry] = [e for e in shop.store.audit_entries() if e.action == "forget"]
        assert entry.actor == "admin" and entry.client == "127.0.0.1" and secret_email not in entry.detail
        # Looking a customer up from the page is recorded too (as `customer export` is), without the email.
        lookups = [e for e in shop.store.audit_entries() if e.action == "customer export"]
        assert [(e.actor, e.client, e.detail) for e in lookups] == [("admin", "127.0.0.1", "0 order(s)"),
                                                                    ("admin", "127.0.0.1", "1 order(s)")]
    finally:
        shop.dev.stop()


def test_a_failing_handler_alerts_the_merchant_once_per_hour(desk_shop, monkeypatch):
    shop = desk_shop
    from checkout_kit.fulfillment import orders as fulfillment_orders

    monkeypatch.setattr(fulfillment_orders, "build_order", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("bug")))
    session_id = shop.new_session()
    shop.pay(session_id)
    event = next(e for e in shop.events("checkout.session.completed") if e["data"]["object"]["id"] == session_id)
    for n in range(4):  # Stripe retries the failing delivery
        assert shop.deliver(dict(event)).status == 500
    outbox.drain(shop.services)
    shop.settle_deliveries()
    outbox.drain(shop.services)
    time.sleep(0.2)
    alerts = [m for m in shop.smtp.messages if m["To"] == MERCHANT and "could not be processed" in m["Subject"]]
    assert len(alerts) == 1
    assert len([p for p in shop.store.problems() if p.cause == "webhook_failed"]) >= 5  # every failure recorded
    problems = admin(shop, "problems").json()
    assert len(problems["failed_webhooks"]) >= 5 and problems["recorded"]


def test_owner_commands_print_json_for_scripts(desk_shop, capsys):
    from checkout_kit import services as services_module

    shop = desk_shop
    session_id = buy(shop, "price_test_tshirt", email="cli@example.com")
    shop.settle_deliveries()
    services_module._shared = shop.services
    try:
        assert desk_commands.orders_list("cli@", as_json=True) == 0
        [row] = json.loads(capsys.readouterr().out)
        assert row["session_id"] == session_id and row["to_ship"]
        assert desk_commands.orders_show(order_reference(session_id), as_json=True) == 0
        assert json.loads(capsys.readouterr().out)["reference"] == order_reference(session_id)
        assert desk_commands.orders_show("NOPE1234") == 1
        assert "no order" in capsys.readouterr().err.lower()
        assert desk_commands.deliveries_list(failed=True, as_json=True) == 0
        assert json.loads(capsys.readouterr().out) == []
        assert desk_commands.customer_export("cli@example.com") == 0
        assert set(json.loads(capsys.readouterr().out)) == {"email", "orders", "subscriptions", "emails", "deliveries"}
        assert desk_commands.audit_export() == 0
        [entry] = json.loads(capsys.readouterr().out)
        assert entry["action"] == "customer export" and entry["actor"] == "cli"
    finally:
        services_module._shared = None


def test_alerts_also_go_to_a_chat_webhook_once_per_hour(make_shop):
    from tests.support.servers import WebhookReceiver

    chat = WebhookReceiver()
    try:
        shop = make_shop(ALERT_WEBHOOK_URL=chat.url)
        from checkout_kit import alerts

        for n in range(3):
            alerts.report(shop.services, alerts.JOB_GAVE_UP, f"job-{n}", f"email job-{n}: SMTP refused")
        outbox.drain(shop.services)
        [post] = chat.wait_for(lambda r: len(r) >= 1)
        text = json.loads(post.body)["text"]
        assert "could not be delivered" in text and "job-0" in text and "(3 this hour)" in text
        outbox.drain(shop.services)
        time.sleep(0.2)
        assert len(chat.received) == 1
        assert chat.url not in json.dumps([p.detail for p in shop.store.problems()])
    finally:
        chat.close()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_the_revenue_chart_puts_each_payment_on_the_owners_day(request, tmp_path, database):
    """Days are the owner's (UTC offset from the browser): a payment a moment before their midnight
    counts on that day, one at midnight on the next; days outside the range count nowhere."""
    from checkout_kit import desk
    from checkout_kit.store import Order, OrderItem, open_store

    url = f"sqlite:///{tmp_path}/c.db" if database == "sqlite" else request.getfixturevalue("postgres").create_database()
    store = open_store(url)
    try:
        offset_min = -300  # UTC-5
        now = 1_767_000_000.0
        midnight = desk.day_start(now, offset_min)  # today's start, owner's time
        paid = {"late": midnight - 0.2, "midnight": midnight, "first": midnight - 2 * 86400, "before": midnight - 3 * 86400 - 1,
                "eur": midnight + 10}
        with store.transaction() as tx:
            for n, (name, at) in enumerate(paid.items()):
                currency = "eur" if name == "eur" else "usd"
                tx.insert_order(Order(f"cs_test_chart{n}", "paid", "payment", False, None, None, 100 * (n + 1), currency,
                                      items=[OrderItem(0, "price_x", "x", "X", 1, 100 * (n + 1), currency, "download")]))
        for n, at in enumerate(paid.values()):
            store._write("UPDATE orders SET paid_at = ? WHERE session_id = ?", (at, f"cs_test_chart{n}"))
        chart = desk.revenue_chart(store, 3, offset_min, now)
        assert chart["days"] == [time.strftime("%Y-%m-%d", time.gmtime(midnight + offset_min * 60 + d * 86400))
                                 for d in (-2, -1, 0)]
        assert chart["orders"] == [1, 1, 2]
        assert chart["series"] == [{"currency": "eur", "amounts": [0, 0, 500]},
                                   {"currency": "usd", "amounts": [300, 100, 200]}]
    finally:
        store.close()


def test_today_counts_members_and_monthly_recurring_revenue(desk_shop):
    shop = desk_shop
    buy(shop, "price_test_monthly", email="m1@example.com")
    buy(shop, "price_test_yearly", email="m2@example.com")
    shop.settle_deliveries()
    today = admin(shop, "today").json()
    monthly = shop.services.catalog.price_by_id("price_test_monthly").unit_amount
    yearly = shop.services.catalog.price_by_id("price_test_yearly").unit_amount
    assert today["active_members"] == 2
    assert today["mrr"] == [{"currency": "usd", "amount": round(monthly + yearly / 12),
                             "display": today["mrr"][0]["display"]}]
