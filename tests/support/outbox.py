"""Letting time pass for the job outbox in tests: jobs waiting out a backoff become due now."""

from __future__ import annotations

from typing import Any

from checkout_kit.store import open_store


def make_due(store: Any) -> None:
    """Every pending job of `store` (a SqlStore, or a DATABASE_URL) is due now."""
    if isinstance(store, str):
        other = open_store(store)
        try:
            make_due(other)
        finally:
            other.close()
        return
    store._write("UPDATE jobs SET run_after = 0 WHERE status = 'pending'")


def expire_leases(store: Any) -> None:
    """As if every lease ran out: the workers holding them died (or hung) long enough ago."""
    store._write("UPDATE jobs SET lease_until = 0 WHERE status = 'running'")


def drained(answer: dict[str, Any]) -> dict[str, Any]:
    """The cron route's answer about the job outbox (without the daily reconcile's part)."""
    return {k: v for k, v in answer.items() if k != "reconciled"}
