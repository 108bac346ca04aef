"""Refunds' and disputes' SQL: each Stripe refund and dispute as last seen, and the order's
refunded amount and state, which follow Stripe's charge (never counted up locally, so a
replayed or reordered event cannot refund twice on paper)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checkout_kit.store.records import SETTLED


@dataclass(frozen=True)
class Refund:
    refund_id: str
    session_id: str
    amount: int
    currency: str
    status: str  # Stripe's: pending, requires_action, succeeded, failed, canceled
    reason: str | None = None
    failure_reason: str | None = None
    created_at: float = 0.0


@dataclass(frozen=True)
class Dispute:
    dispute_id: str
    payment_intent: str | None
    charge_id: str
    amount: int
    currency: str
    reason: str
    status: str  # Stripe's: warning_needs_response, needs_response, under_review, won, lost…
    evidence_due_by: int | None = None
    created_at: float = 0.0


REFUND_COLUMNS = "refund_id, session_id, amount, currency, status, reason, failure_reason, created_at"
DISPUTE_COLUMNS = "dispute_id, payment_intent, charge_id, amount, currency, reason, status, evidence_due_by, created_at"


class RefundsTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def record_refund(self, refund: Refund) -> bool:
        """Insert or update a refund as Stripe shows it; True when it is new or its status changed."""
        added = self._exec(
            f"INSERT INTO refunds ({REFUND_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (refund_id) DO NOTHING",
            (refund.refund_id, refund.session_id, refund.amount, refund.currency, refund.status, refund.reason,
             refund.failure_reason, self.now, self.now)).rowcount
        if added:
            return True
        return self._exec("UPDATE refunds SET status = ?, amount = ?, failure_reason = ?, updated_at = ? "
                          "WHERE refund_id = ? AND status <> ?",
                          (refund.status, refund.amount, refund.failure_reason, self.now, refund.refund_id,
                           refund.status)).rowcount == 1

    def set_refunded(self, session_id: str, amount_refunded: int, status: str) -> bool:
        """The order's refunded amount and state as Stripe's charge says; True when they changed."""
        marks = ", ".join("?" * len(SETTLED))
        return self._exec(
            f"UPDATE orders SET amount_refunded = ?, status = ?, updated_at = ? WHERE session_id = ? AND "
            f"status IN ({marks}) AND (amount_refunded <> ? OR status <> ?)",
            (amount_refunded, status, self.now, session_id, *SETTLED, amount_refunded, status)).rowcount == 1

    def record_dispute(self, dispute: Dispute) -> str | None:
        """Insert or update a dispute; its status before ("" when new), or None when nothing changed."""
        added = self._exec(
            f"INSERT INTO disputes ({DISPUTE_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dispute_id) DO NOTHING",
            (dispute.dispute_id, dispute.payment_intent, dispute.charge_id, dispute.amount, dispute.currency,
             dispute.reason, dispute.status, dispute.evidence_due_by, self.now, self.now)).rowcount
        if added:
            return ""
        before = self._exec("SELECT status FROM disputes WHERE dispute_id = ?", (dispute.dispute_id,)).fetchone()
        changed = self._exec("UPDATE disputes SET status = ?, evidence_due_by = ?, updated_at = ? "
                             "WHERE dispute_id = ? AND status <> ?",
                             (dispute.status, dispute.evidence_due_by, self.now, dispute.dispute_id,
                              dispute.status)).rowcount
        return before[0] if changed and before else None


class RefundsStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def refunds(self, session_id: str) -> list[Refund]:
        return [Refund(*r) for r in self._query(
            f"SELECT {REFUND_COLUMNS} FROM refunds WHERE session_id = ? ORDER BY created_at, refund_id",
            (session_id,))]

    def disputes(self, payment_intent: str) -> list[Dispute]:
        return [Dispute(*r) for r in self._query(
            f"SELECT {DISPUTE_COLUMNS} FROM disputes WHERE payment_intent = ? ORDER BY created_at", (payment_intent,))]
