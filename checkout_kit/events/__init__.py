"""The Stripe events the kit handles: a registry from event type to the module of its family.

Each family (checkout, subscriptions, refunds and disputes…) is one module in this package
with `EVENT_TYPES` and `handle(services, event, gateway) -> Outcome`. A handler re-reads its
object from Stripe (the event body arrives in the endpoint's API version and may be stale or
out of order), decides in pure code, and applies the decision with `apply`: the event's
processed mark, the effects and the delivery log line commit in one transaction, and the
effects after commit are jobs leased to the caller. The web layer maps outcomes and errors to
HTTP; nothing here speaks HTTP. Adding a family is adding a module to `FAMILIES`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable

from checkout_kit.store.records import Delivery, Job

FAMILIES = (
    "checkout_kit.events.checkout",
    "checkout_kit.events.refunds",
    "checkout_kit.events.disputes",
    "checkout_kit.events.subscriptions",
)

# Outcomes every family may answer with (families add their own words).
DUPLICATE_EVENT = "duplicate_event"
IGNORED = "ignored"
UNCHANGED = "unchanged"


class RetryLater(Exception):
    """Not now: what the event is about is not recorded yet (its own event is on the way). The
    webhook answers 503 so Stripe delivers it again later; nothing was written."""


@dataclass(frozen=True)
class Event:
    """What the kit reads from an event body: no more (the rest is re-read from Stripe)."""

    id: str
    type: str
    object_id: str


@dataclass
class Outcome:
    outcome: str
    jobs: list[Job] = field(default_factory=list)  # leased to the caller: perform after commit
    logged: bool = True  # the delivery was logged (in the effects' transaction)
    # The work may have queued jobs not leased to the caller (alerts…): run what is due after commit.
    # Checkout's effects are all the caller's own, which saves that pass's round trip.
    claim_after: bool = True


@lru_cache(maxsize=1)
def registry() -> dict[str, ModuleType]:
    table: dict[str, ModuleType] = {}
    for name in FAMILIES:
        module = importlib.import_module(name)
        for event_type in module.EVENT_TYPES:
            if event_type in table:
                raise RuntimeError(f"{event_type} is handled by both {table[event_type].__name__} and {name}")
            table[event_type] = module
    return table


def handled_types() -> frozenset[str]:
    """Exactly the types `setup-webhook` subscribes the endpoint to."""
    return frozenset(registry())


def handler_for(event_type: str) -> ModuleType | None:
    return registry().get(event_type)


def apply(services: Any, event: Event | None, object_id: str,
          work: Callable[[Any], tuple[Any, list[Any]]], batch: bool = False) -> Outcome:
    """Run `work(tx)` in one transaction with the event's processed mark.

    A delivery of an event already processed does nothing (and says so). Without an event
    (the landing page, reconcile) the work runs on its own, just as idempotently.

    With `batch`, `work` promises idempotent writes that never wait on their own answers (its
    outcome may be a function read after commit, its jobs Laters): the transaction is then one
    pipelined round trip on PostgreSQL, the work runs even for a repeated event (changing nothing),
    and the delivery is left for the caller to log after commit (`logged` False).

    `work`'s jobs are what queuing answered (`enqueue_jobs`, `emails.queue_all`): None for a key
    queued before, which is left out here, once for every handler.
    """
    from checkout_kit.store.sql import resolved

    with services.store.transaction(batch=batch) as tx:
        fresh = tx.mark_event(event.id, event.type, object_id) if event is not None else True
        if not batch and not fresh:
            tx.log_delivery(Delivery(event.id, event.type, DUPLICATE_EVENT, object_id, tx.now))
            return Outcome(DUPLICATE_EVENT)
        outcome, jobs = work(tx)
        if not batch and event is not None:
            tx.log_delivery(Delivery(event.id, event.type, outcome, object_id, tx.now))
    found = [job for job in (resolved(j) for j in jobs) if job is not None]
    if batch:
        if not resolved(fresh):
            return Outcome(DUPLICATE_EVENT, logged=False)
        return Outcome(outcome() if callable(outcome) else outcome, found, logged=False)
    return Outcome(outcome, found, logged=event is not None)
