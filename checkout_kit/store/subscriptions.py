"""Memberships in the store: each subscription as Stripe last showed it, its items (what it grants
access to), and each of its invoices once.

A row is written from an object the handler re-read from Stripe, stamped with when that read
began (`seen_at`). An upsert only replaces a row with a newer reading: two deliveries racing
each other, or one arriving late, cannot put back an older state (the newest reading started
after the last change Stripe made, since Stripe announces each change after making it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUB_COLUMNS = ("id, customer, email, status, price_id, product_key, current_period_end, cancel_at_period_end, "
               "cancel_at, canceled_at, ended_at, trial_end, latest_invoice, livemode, seen_at, created_at, updated_at")
ITEM_COLUMNS = "item_id, price_id, product_id, product_key, quantity, current_period_end"
INVOICE_COLUMNS = ("id, subscription_id, customer, status, billing_reason, amount_due, amount_paid, currency, "
                   "attempt_count, number, hosted_invoice_url, paid_at, seen_at, created_at, updated_at")


@dataclass
class MemberItem:
    item_id: str
    price_id: str
    product_id: str | None
    product_key: str | None  # the catalog's key, when the price is in catalog.toml
    quantity: int
    current_period_end: int | None


@dataclass
class Member:
    """A subscription as the kit knows it (from the latest reading of Stripe's object)."""

    id: str
    customer: str | None
    email: str | None
    status: str
    price_id: str | None  # the plan: the first recurring item's price
    product_key: str | None
    current_period_end: int | None  # from the subscription's items (where the pinned API version keeps it)
    cancel_at_period_end: bool
    cancel_at: int | None
    canceled_at: int | None
    ended_at: int | None
    trial_end: int | None
    latest_invoice: str | None
    livemode: bool
    seen_at: float
    items: list[MemberItem] = field(default_factory=list)
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass
class InvoiceRecord:
    id: str
    subscription_id: str | None
    customer: str | None
    status: str
    billing_reason: str | None
    amount_due: int
    amount_paid: int
    currency: str
    attempt_count: int
    number: str | None
    hosted_invoice_url: str | None
    paid_at: int | None
    seen_at: float
    created_at: float = 0.0
    updated_at: float = 0.0


def _member(row: tuple[Any, ...]) -> Member:
    return Member(id=row[0], customer=row[1], email=row[2], status=row[3], price_id=row[4], product_key=row[5],
                  current_period_end=row[6], cancel_at_period_end=bool(row[7]), cancel_at=row[8], canceled_at=row[9],
                  ended_at=row[10], trial_end=row[11], latest_invoice=row[12], livemode=bool(row[13]), seen_at=row[14],
                  created_at=row[15], updated_at=row[16])


def email_key(email: str | None) -> str | None:
    """How emails are compared: case-insensitively (Ann@Example.com is ann@example.com)."""
    return email.strip().lower() if email else None


class SubscriptionsTx:
    """Recording what Stripe says, inside the event's transaction."""

    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def record_subscription(self, member: Member) -> bool:
        """Insert or replace the subscription (and its items) if this reading is the newest; True if so."""
        values = (member.id, member.customer, member.email, email_key(member.email), member.status, member.price_id,
                  member.product_key, member.current_period_end, int(member.cancel_at_period_end), member.cancel_at,
                  member.canceled_at, member.ended_at, member.trial_end, member.latest_invoice, int(member.livemode),
                  member.seen_at, self.now, self.now)
        applied = self._exec(
            "INSERT INTO subscriptions (id, customer, email, email_key, status, price_id, product_key, "
            "current_period_end, cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_end, latest_invoice, "
            "livemode, seen_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET customer = excluded.customer, email = excluded.email, "
            "email_key = excluded.email_key, status = excluded.status, price_id = excluded.price_id, "
            "product_key = excluded.product_key, current_period_end = excluded.current_period_end, "
            "cancel_at_period_end = excluded.cancel_at_period_end, cancel_at = excluded.cancel_at, "
            "canceled_at = excluded.canceled_at, ended_at = excluded.ended_at, trial_end = excluded.trial_end, "
            "latest_invoice = excluded.latest_invoice, livemode = excluded.livemode, seen_at = excluded.seen_at, "
            "updated_at = excluded.updated_at WHERE subscriptions.seen_at <= excluded.seen_at RETURNING id",
            values).fetchone() is not None
        if applied:
            self._exec("DELETE FROM subscription_items WHERE subscription_id = ?", (member.id,))
            for item in member.items:
                self._exec(f"INSERT INTO subscription_items (subscription_id, {ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (member.id, item.item_id, item.price_id, item.product_id, item.product_key, item.quantity,
                            item.current_period_end))
        return applied

    def erase_member_email(self, email: str) -> int:
        """Forget the email on `email`'s memberships (the customer asked to be forgotten); how many.
        Delete the customer in Stripe too, or its next event brings the email back."""
        return self._exec("UPDATE subscriptions SET email = NULL, email_key = NULL, updated_at = ? WHERE email_key = ?",
                          (self.now, email_key(email))).rowcount

    def record_invoice(self, invoice: InvoiceRecord) -> bool:
        """Insert or replace the invoice if this reading is the newest; True if so."""
        return self._exec(
            f"INSERT INTO invoices ({INVOICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, amount_due = excluded.amount_due, "
            "amount_paid = excluded.amount_paid, attempt_count = excluded.attempt_count, number = excluded.number, "
            "hosted_invoice_url = excluded.hosted_invoice_url, paid_at = excluded.paid_at, "
            "seen_at = excluded.seen_at, updated_at = excluded.updated_at "
            "WHERE invoices.seen_at <= excluded.seen_at RETURNING id",
            (invoice.id, invoice.subscription_id, invoice.customer, invoice.status, invoice.billing_reason,
             invoice.amount_due, invoice.amount_paid, invoice.currency, invoice.attempt_count, invoice.number,
             invoice.hosted_invoice_url, invoice.paid_at, invoice.seen_at, self.now, self.now)).fetchone() is not None


class SubscriptionsStore:
    """Reading memberships: by id, by email or customer, by status."""

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _members_with_items(self, members: list[Member]) -> list[Member]:
        """The members with their items: one statement, however many members."""
        by_id = {member.id: member for member in members}
        if not by_id:
            return members
        marks = ", ".join("?" * len(by_id))
        for r in self._query(f"SELECT subscription_id, {ITEM_COLUMNS} FROM subscription_items WHERE subscription_id "
                             f"IN ({marks}) ORDER BY subscription_id, item_id", tuple(by_id)):
            by_id[r[0]].items.append(MemberItem(*r[1:]))
        return members

    def subscription(self, subscription_id: str) -> Member | None:
        rows = self._query(f"SELECT {SUB_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,))
        return self._members_with_items([_member(r) for r in rows])[0] if rows else None

    def subscriptions_of(self, email: str | None = None, customer: str | None = None) -> list[Member]:
        """Every subscription of an email (any case) or a customer, newest period first."""
        if customer:
            rows = self._query(f"SELECT {SUB_COLUMNS} FROM subscriptions WHERE customer = ? "
                               "ORDER BY current_period_end DESC, id", (customer,))
        else:
            rows = self._query(f"SELECT {SUB_COLUMNS} FROM subscriptions WHERE email_key = ? "
                               "ORDER BY current_period_end DESC, id", (email_key(email),))
        return self._members_with_items([_member(r) for r in rows])

    def list_subscriptions(self, status: str | None = None, limit: int = 500) -> list[Member]:
        where, params = ("WHERE status = ? ", (status,)) if status else ("", ())
        rows = self._query(f"SELECT {SUB_COLUMNS} FROM subscriptions {where}ORDER BY created_at DESC, id LIMIT ?",
                           (*params, limit))
        return self._members_with_items([_member(r) for r in rows])

    def invoices_of(self, subscription_id: str) -> list[InvoiceRecord]:
        rows = self._query(f"SELECT {INVOICE_COLUMNS} FROM invoices WHERE subscription_id = ? ORDER BY created_at, id",
                           (subscription_id,))
        return [InvoiceRecord(*r) for r in rows]
