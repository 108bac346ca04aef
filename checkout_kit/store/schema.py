"""The store's schema as numbered migrations, applied once, in order, under a lock.

A migration is a list of steps: SQL text (with `{real}`/`{serial}` filled in by
the dialect) or a callable `step(run)` for data moves, where `run(sql, params)`
executes on the migrating connection.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Union

Run = Callable[..., Any]
Step = Union[str, Callable[[Run], None]]


def _emails_to_jobs(run: Run) -> None:
    """Version 1 kept rendered emails in `outbox`; they become email jobs (already rendered)."""
    rows = run("SELECT dedupe_key, session_id, kind, recipient, subject, text_body, html_body, status, attempts, "
               "last_error, created_at, sent_at FROM outbox ORDER BY id").fetchall()
    for (key, session_id, kind, recipient, subject, text, html, status, attempts, error, created, sent) in rows:
        payload = {"template": kind, "to": recipient, "rendered": {"subject": subject, "text": text, "html": html}}
        done = status == "sent"
        run("INSERT INTO jobs (job_key, kind, session_id, payload, status, attempts, run_after, last_error, result, "
            "created_at, updated_at, done_at) VALUES (?, 'email', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (job_key) DO NOTHING",
            (key, session_id, json.dumps(payload), "done" if done else "pending", attempts, created, error,
             json.dumps({"subject": subject}) if done else None, created, sent or created,
             sent if done else None))


def _backfill_references(run: Run) -> None:
    from checkout_kit.store.records import order_reference

    for (session_id,) in run("SELECT session_id FROM orders WHERE reference IS NULL").fetchall():
        run("UPDATE orders SET reference = ? WHERE session_id = ?", (order_reference(session_id), session_id))


MIGRATIONS: dict[int, list[Step]] = {
    1: [
        """CREATE TABLE orders (
            session_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            mode TEXT NOT NULL,
            livemode INTEGER NOT NULL DEFAULT 0,
            customer_email TEXT,
            customer_name TEXT,
            amount_total BIGINT NOT NULL,
            currency TEXT NOT NULL,
            payment_intent TEXT,
            subscription TEXT,
            customer TEXT,
            client_reference_id TEXT,
            shipping TEXT,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL,
            paid_at {real}
        )""",
        """CREATE TABLE order_items (
            session_id TEXT NOT NULL REFERENCES orders(session_id),
            position INTEGER NOT NULL,
            price_id TEXT NOT NULL,
            product_key TEXT,
            description TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            amount_total BIGINT NOT NULL,
            currency TEXT NOT NULL,
            fulfillment_type TEXT NOT NULL,
            fulfillment_status TEXT NOT NULL,
            fulfillment TEXT NOT NULL,
            PRIMARY KEY (session_id, position)
        )""",
        """CREATE TABLE processed_events (
            event_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            object_id TEXT,
            processed_at {real} NOT NULL
        )""",
        """CREATE TABLE webhook_deliveries (
            id {serial},
            event_id TEXT,
            event_type TEXT,
            outcome TEXT NOT NULL,
            detail TEXT NOT NULL,
            received_at {real} NOT NULL
        )""",
        "CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)",
        """CREATE TABLE outbox (
            id {serial},
            dedupe_key TEXT NOT NULL UNIQUE,
            session_id TEXT,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            text_body TEXT NOT NULL,
            html_body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at {real} NOT NULL,
            claimed_at {real},
            sent_at {real}
        )""",
        "CREATE INDEX outbox_status ON outbox (status)",
        """CREATE TABLE rate_limits (
            bucket TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (bucket, window_start)
        )""",
    ],
    # One job outbox for every effect after commit (emails first; hooks and webhooks later).
    2: [
        """CREATE TABLE jobs (
            id {serial},
            job_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            session_id TEXT,
            payload TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            run_after {real} NOT NULL,
            lease_token TEXT,
            lease_until {real},
            last_error TEXT,
            result TEXT,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL,
            done_at {real}
        )""",
        "CREATE INDEX jobs_due ON jobs (status, run_after)",
        "CREATE INDEX jobs_session ON jobs (session_id)",
        _emails_to_jobs,
        "DROP TABLE outbox",
        # What went wrong, for the merchant's alerts, `doctor` and the admin page.
        """CREATE TABLE problems (
            id {serial},
            cause TEXT NOT NULL,
            ref TEXT,
            detail TEXT NOT NULL,
            created_at {real} NOT NULL
        )""",
        "CREATE INDEX problems_cause ON problems (cause, created_at)",
    ],
    # Single-use links (magic links): a link's id is recorded when it is redeemed.
    3: [
        """CREATE TABLE used_tokens (
            token_id TEXT PRIMARY KEY,
            purpose TEXT NOT NULL,
            used_at {real} NOT NULL
        )""",
    ],
    # Memberships: each subscription as Stripe last showed it (newest reading wins), its items,
    # and each invoice once.
    4: [
        """CREATE TABLE subscriptions (
            id TEXT PRIMARY KEY,
            customer TEXT,
            email TEXT,
            email_key TEXT,
            status TEXT NOT NULL,
            price_id TEXT,
            product_key TEXT,
            current_period_end BIGINT,
            cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
            cancel_at BIGINT,
            canceled_at BIGINT,
            ended_at BIGINT,
            trial_end BIGINT,
            latest_invoice TEXT,
            livemode INTEGER NOT NULL DEFAULT 0,
            seen_at {real} NOT NULL,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL
        )""",
        "CREATE INDEX subscriptions_email ON subscriptions (email_key)",
        "CREATE INDEX subscriptions_customer ON subscriptions (customer)",
        """CREATE TABLE subscription_items (
            subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
            item_id TEXT NOT NULL,
            price_id TEXT NOT NULL,
            product_id TEXT,
            product_key TEXT,
            quantity INTEGER NOT NULL,
            current_period_end BIGINT,
            PRIMARY KEY (subscription_id, item_id)
        )""",
        """CREATE TABLE invoices (
            id TEXT PRIMARY KEY,
            subscription_id TEXT,
            customer TEXT,
            status TEXT NOT NULL,
            billing_reason TEXT,
            amount_due BIGINT NOT NULL,
            amount_paid BIGINT NOT NULL,
            currency TEXT NOT NULL,
            attempt_count INTEGER NOT NULL DEFAULT 0,
            number TEXT,
            hosted_invoice_url TEXT,
            paid_at BIGINT,
            seen_at {real} NOT NULL,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL
        )""",
        "CREATE INDEX invoices_subscription ON invoices (subscription_id)",
    ],
    # After the sale (issue 11): refunds on orders, tickets, counted download links, stock,
    # shipments, refunds and disputes. (4 is the subscriptions' migration.)
    5: [
        "ALTER TABLE orders ADD COLUMN amount_refunded BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE orders ADD COLUMN receipt_url TEXT",
        # (The order page finds orders by email with 7's index on lower(customer_email).)
        "CREATE INDEX orders_payment_intent ON orders (payment_intent)",
        """CREATE TABLE tickets (
            code TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES orders(session_id),
            position INTEGER NOT NULL,
            seat INTEGER NOT NULL,
            issued_at {real} NOT NULL,
            checked_in_at {real},
            voided_at {real},
            UNIQUE (session_id, position, seat)
        )""",
        """CREATE TABLE download_uses (
            link_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            uses INTEGER NOT NULL,
            first_used_at {real} NOT NULL,
            last_used_at {real} NOT NULL
        )""",
        """CREATE TABLE stock_counts (
            product_key TEXT PRIMARY KEY,
            taken INTEGER NOT NULL
        )""",
        """CREATE TABLE stock_holds (
            hold_id TEXT NOT NULL,
            product_key TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            status TEXT NOT NULL,
            expires_at {real} NOT NULL,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL,
            PRIMARY KEY (hold_id, product_key)
        )""",
        "CREATE INDEX stock_holds_expiry ON stock_holds (status, expires_at)",
        """CREATE TABLE shipments (
            session_id TEXT NOT NULL REFERENCES orders(session_id),
            tracking_number TEXT NOT NULL,
            carrier TEXT NOT NULL,
            positions TEXT NOT NULL,
            shipped_at {real} NOT NULL,
            PRIMARY KEY (session_id, tracking_number)
        )""",
        """CREATE TABLE refunds (
            refund_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES orders(session_id),
            amount BIGINT NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            failure_reason TEXT,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL
        )""",
        "CREATE INDEX refunds_session ON refunds (session_id)",
        """CREATE TABLE disputes (
            dispute_id TEXT PRIMARY KEY,
            payment_intent TEXT,
            charge_id TEXT NOT NULL,
            amount BIGINT NOT NULL,
            currency TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL,
            evidence_due_by BIGINT,
            created_at {real} NOT NULL,
            updated_at {real} NOT NULL
        )""",
        "CREATE INDEX disputes_payment_intent ON disputes (payment_intent)",
    ],
    # How an order's total adds up (discount, shipping, tax, per line) and its invoice's links.
    6: [
        # Keyed by the order's session id without a foreign key: a side table, like the order's jobs.
        """CREATE TABLE order_totals (
            session_id TEXT PRIMARY KEY,
            amount_subtotal BIGINT NOT NULL,
            amount_discount BIGINT NOT NULL,
            amount_shipping BIGINT NOT NULL,
            amount_tax BIGINT NOT NULL,
            discount_label TEXT,
            shipping_label TEXT,
            invoice_id TEXT,
            invoice_url TEXT,
            invoice_pdf TEXT,
            lines TEXT NOT NULL
        )""",
    ],
    # The owner's desk: searchable orders, records of intent (created sessions), the audit log.
    7: [
        "ALTER TABLE orders ADD COLUMN reference TEXT",
        _backfill_references,
        "CREATE INDEX orders_reference ON orders (reference)",
        "CREATE INDEX orders_email ON orders (lower(customer_email))",
        "CREATE INDEX orders_created ON orders (created_at)",
        "CREATE INDEX orders_status ON orders (status, created_at)",
        # "Today" and the revenue chart sum paid orders by paid_at: answered from the index alone.
        "CREATE INDEX orders_paid ON orders (paid_at, currency, amount_total)",
        "CREATE INDEX webhook_deliveries_outcome ON webhook_deliveries (outcome, received_at)",
        """CREATE TABLE checkout_intents (
            session_id TEXT PRIMARY KEY,
            created_at {real} NOT NULL,
            amount_total BIGINT,
            currency TEXT,
            livemode INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX checkout_intents_created ON checkout_intents (created_at)",
        """CREATE TABLE audit_log (
            id {serial},
            at {real} NOT NULL,
            actor TEXT NOT NULL,
            client TEXT,
            action TEXT NOT NULL,
            target TEXT,
            detail TEXT NOT NULL
        )""",
        "CREATE INDEX audit_log_at ON audit_log (at)",
    ],
}

SCHEMA_VERSION = max(MIGRATIONS)


def apply(run: Run, ddl: dict[str, str], done: set[int]) -> None:
    """Apply, in order, every migration not in `done` (inside the caller's transaction).

    Versions are applied by set, not by "after the highest": a migration merged later with a
    lower number than one already applied (parallel work) still runs.
    """
    for version in sorted(v for v in MIGRATIONS if v not in done):
        for step in MIGRATIONS[version]:
            if callable(step):
                step(run)
            else:
                run(step.format(**ddl))
        run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", (version, time.time()))
