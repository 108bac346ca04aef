"""What the store raises, so callers can tell a lost database from a bug."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database refused an operation, or the store is misconfigured."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or the connection broke.

    Nothing of the current transaction was committed; the same request can be
    retried later (the web layer answers 503 with Retry-After, so Stripe retries).
    """
