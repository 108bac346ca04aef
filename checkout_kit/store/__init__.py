"""The order store: orders, their items, processed events, the job outbox,
the webhook delivery log and the rate limiter's counters.

One interface (`SqlStore`), two dialects chosen by `DATABASE_URL`: SQLite
(dev, single host) and PostgreSQL (production, serverless). Idempotency comes
from unique constraints inside transactions, never from check-then-insert.
"""

from __future__ import annotations

from checkout_kit.store.errors import StoreError, StoreUnavailable
from checkout_kit.store.records import Delivery, EmailRecord, Job, Order, OrderItem
from checkout_kit.store.sql import SqlStore, Tx, open_store

__all__ = ["Delivery", "EmailRecord", "Job", "Order", "OrderItem", "SqlStore", "StoreError", "StoreUnavailable",
           "Tx", "open_store"]
