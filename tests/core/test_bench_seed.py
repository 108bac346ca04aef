"""The desk benchmark's seeder writes rows the kit reads back: a column added to the store without
the seeder following fails here, not in the middle of `make bench`."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.desk_bench import migrate
from benchmarks.desk_seed import email, seed_postgres, seed_sqlite, session_id
from checkout_kit.store.sql import open_store


def check_seeded(url: str) -> None:
    store = open_store(url)
    try:
        assert store.count("orders") == 30
        order = store.get_order(session_id(3))
        assert order is not None and order.customer_email == email(3) and order.items
        assert order.amount_total == sum(item.amount_total for item in order.items)
    finally:
        store.close()


def test_the_desk_seeder_fills_a_sqlite_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/desk.db"
    migrate(url)  # the kit's schema, as the bench makes it
    seed_sqlite(f"{tmp_path}/desk.db", 30, time.time())
    check_seeded(url)


def test_the_desk_seeder_fills_a_postgres_store(postgres) -> None:
    url = postgres.create_database()
    migrate(url)
    seed_postgres(url, 30, time.time())
    check_seeded(url)
