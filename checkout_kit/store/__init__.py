"""The order store: orders, their items, processed events, the email outbox,
the webhook delivery log and the rate limiter's counters.

One interface (`SqlStore`), two adapters chosen by `DATABASE_URL`: SQLite
(dev, single host) and PostgreSQL (production, serverless). Idempotency comes
from unique constraints inside transactions, never from check-then-insert.
"""

from __future__ import annotations

from checkout_kit.store.records import Delivery, Order, OrderItem, OutboxMessage
from checkout_kit.store.sql import SqlStore, Tx, open_store

__all__ = ["Delivery", "Order", "OrderItem", "OutboxMessage", "SqlStore", "Tx", "open_store"]
