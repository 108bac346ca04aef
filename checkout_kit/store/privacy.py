"""Erasing a customer's personal data (name, email, address) from every table, while keeping
what accounting needs (amounts, currencies, dates, what was sold, references), and making
the erasure reach the database files themselves (see `SqlStore.compact`)."""

from __future__ import annotations

import json
import re
from typing import Any

ERASED = "erased"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards escaped, for `LIKE ? ESCAPE '\\'`."""
    return re.sub(r"([\\%_])", r"\\\1", text)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped (ESCAPE '\\')."""
    return "%" + escape_like(text) + "%"


class PrivacyTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def erase_customer(self, email: str) -> dict[str, int]:
        """Erase `email`'s personal data everywhere; how many rows of each table changed."""
        counts: dict[str, int] = {}
        sessions = [r[0] for r in self._exec("SELECT session_id FROM orders WHERE lower(customer_email) = ?",
                                              (email.lower(),)).fetchall()]
        counts["orders"] = self._exec(
            "UPDATE orders SET customer_email = NULL, customer_name = NULL, shipping = NULL, updated_at = ? "
            "WHERE lower(customer_email) = ?", (self.now, email.lower())).rowcount
        # Jobs carry a snapshot of the order (and the recipient): keep what they were, drop who for.
        pattern = like_pattern(email.lower())
        marks = ", ".join("?" * len(sessions))
        scope = f" OR session_id IN ({marks})" if sessions else ""
        jobs = self._exec(f"SELECT id, kind, payload, status FROM jobs WHERE lower(payload) LIKE ? ESCAPE '\\'{scope}",
                          (pattern, *sessions)).fetchall()
        for job_id, kind, payload, status in jobs:
            kept = {k: v for k, v in json.loads(payload).items() if k in ("template", "kind", "position")}
            new_status = "failed" if status in ("pending", "running") else status
            self._exec("UPDATE jobs SET payload = ?, result = NULL, status = ?, lease_token = NULL, "
                       "last_error = CASE WHEN ? = 'failed' AND status <> 'failed' THEN 'erased at the customer''s "
                       "request' ELSE last_error END, updated_at = ? WHERE id = ?",
                       (json.dumps({**kept, ERASED: True}), new_status, new_status, self.now, job_id))
        counts["jobs"] = len(jobs)
        counts["subscriptions"] = self.erase_member_email(email)  # type: ignore[attr-defined]
        for table, column in (("problems", "detail"), ("webhook_deliveries", "detail"), ("audit_log", "detail"),
                              ("audit_log", "target")):
            counts[f"{table}.{column}"] = self._exec(
                f"UPDATE {table} SET {column} = ? WHERE lower({column}) LIKE ? ESCAPE '\\'",
                (f"[{ERASED}]", pattern)).rowcount
        return counts


class PrivacyStore:
    dialect: Any

    def compact(self) -> None:
        """Make erased values leave the files: SQLite rewrites the database and empties its WAL;
        PostgreSQL vacuums, so the old row versions are reclaimed."""
        with self.pool.connection() as held:  # type: ignore[attr-defined]
            self.dialect.compact(held.conn)
