"""100,000 orders for the desk benchmark, written in bulk: on SQLite one transaction of
executemany, on PostgreSQL COPY. Each order has 1–3 items and two email jobs (the receipt and
the merchant's notice), as the webhook leaves them; a third of a year of days, ~30,000 customers."""

from __future__ import annotations

import json
import random
import time
from typing import Any, Iterator

from checkout_kit.store.records import order_reference
from checkout_kit.store.rows import ITEM_COLUMNS, ORDER_COLUMNS

CUSTOMERS = 30_000
SPAN_S = 120 * 86400
PRODUCTS = [("price_test_ebook", "ebook", "The Static Shop Handbook", 1500, "download", "fulfilled"),
            ("price_test_tshirt", "tshirt", "Checkout Kit T-shirt", 2500, "shipment", "to_ship"),
            ("price_test_ticket", "ticket", "Workshop Ticket", 4000, "ticket", "fulfilled")]
STATUSES = ["paid"] * 17 + ["awaiting_payment", "payment_failed"]
ORDER_COLS = [c.strip() for c in ORDER_COLUMNS.split(",")] + ["reference"]
ITEM_COLS = ["session_id"] + [c.strip() for c in ITEM_COLUMNS.split(",")]
JOB_COLS = ["job_key", "kind", "session_id", "payload", "status", "attempts", "run_after", "result", "created_at",
            "updated_at", "done_at"]
INTENT_COLS = ["session_id", "created_at", "amount_total", "currency", "livemode"]


def session_id(n: int) -> str:
    return f"cs_test_bench{n:010d}"


def email(n: int) -> str:
    return f"customer{n % CUSTOMERS}@example.com"


def rows(count: int, now: float, seed: int = 7) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """("orders" | "order_items" | "jobs" | "checkout_intents", row), oldest order first; the last ones are today's."""
    rng = random.Random(seed)
    for n in range(count):
        sid = session_id(n)
        created = now - SPAN_S * (1 - n / count) + rng.random()
        status = rng.choice(STATUSES)
        lines = [rng.choice(PRODUCTS) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        items = []
        for position, (price, key, description, unit, kind, done) in enumerate(lines):
            quantity = rng.randint(1, 3) if kind != "download" else 1
            fulfillment = {"type": kind} if status == "paid" else {}
            items.append((sid, position, price, key, description, quantity, unit * quantity, "usd", kind,
                          done if status == "paid" else "pending", json.dumps(fulfillment)))
        total = sum(i[6] for i in items)
        paid_at = created + 2 if status == "paid" else None
        shipping = json.dumps({"name": "Bench Buyer", "address": {"city": "Springfield", "country": "US"}}) \
            if any(i[8] == "shipment" for i in items) else None
        yield "checkout_intents", (sid, created - 60, total, "usd", 0)
        if n % 3 == 0:  # abandoned checkouts, for the conversion figure
            yield "checkout_intents", (f"cs_test_abandoned{n:010d}", created - 30, total, "usd", 0)
        yield "orders", (sid, status, "payment", 0, email(n), "Bench Buyer", total, "usd", f"pi_bench{n}", None, None,
                         None, shipping, created, created + 2, paid_at, 0, None, order_reference(sid))
        yield from (("order_items", i) for i in items)
        if status == "paid":
            for template, to in (("receipt", email(n)), ("merchant_order", "owner@example.com")):
                yield "jobs", (f"{sid}:{template}", "email", sid, json.dumps({"template": template, "to": to}), "done",
                               1, created + 2, json.dumps({"subject": f"{template} {n}"}), created + 2, created + 3,
                               created + 3)


COLUMNS = {"orders": ORDER_COLS, "order_items": ITEM_COLS, "jobs": JOB_COLS, "checkout_intents": INTENT_COLS}


def batches(count: int, now: float) -> dict[str, list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
    for table, row in rows(count, now):
        found[table].append(row)
    return found


def seed_sqlite(path: str, count: int, now: float) -> None:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for table, batch in batches(count, now).items():
            cols = COLUMNS[table]
            conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", batch)
        conn.execute("COMMIT")  # no ANALYZE: the kit never runs one, so the planner works as in a real shop
    finally:
        conn.close()


def seed_postgres(url: str, count: int, now: float) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        for table, batch in batches(count, now).items():
            with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
    # What autovacuum does soon after a load like this: statistics, and pages marked all-visible
    # (index-only scans need that). A VACUUM running beside autovacuum's own first pass over the
    # fresh tables can leave pages unmarked, so it goes again until every page of orders is.
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(20):
            conn.execute("VACUUM ANALYZE")
            visible, pages = conn.execute("SELECT relallvisible, relpages FROM pg_class WHERE relname = 'orders'").fetchone()
            if visible >= pages:
                break
            time.sleep(0.5)
