"""The audit log: every owner action (refund, ship, resend, retry, forget, reconcile) with when,
what and from where — the command line, or the admin page and the client's address. The
details are composed by the kit from ids and amounts, never from a secret."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("checkout_kit.audit")

CLI = "cli"
ADMIN_PAGE = "admin"


def record(services: Any, actor: str, action: str, target: str | None, detail: str = "",
           client: str | None = None, tx: Any = None) -> None:
    """Record one owner action (inside `tx` when the action has one, so both commit together)."""
    log.info("owner action %s %s by %s%s: %s", action, target or "-", actor, f" ({client})" if client else "", detail)
    if tx is not None:
        tx.record_audit(actor, client, action, target, detail)
    else:
        services.store.record_audit(actor, client, action, target, detail)


def export_rows(store: Any, since: float = 0.0, limit: int = 100_000) -> list[dict[str, Any]]:
    """The newest `limit` entries since `since`, oldest first."""
    return [{"at": e.at, "actor": e.actor, "client": e.client, "action": e.action, "target": e.target,
             "detail": e.detail} for e in reversed(store.audit_entries(since, limit=limit))]
