"""The job outbox: every effect after commit, done at least once.

Effects (emails now; hook calls and outgoing webhooks as they come) are queued
as jobs in the transaction that decides them, under a unique key, and carried
out after commit by whoever gets there first: the request that queued them
(queued already leased to it), the next webhook, the summary route, the cron
route or `python -m checkout_kit jobs retry`. A failed attempt is retried with
backoff; after `JOBS_MAX_ATTEMPTS` the job gives up and the merchant is told.

One pass never waits on more than one failing service: after the first
attempt that found its service down or hanging, the rest of the claimed jobs
are handed back untouched for a later pass.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from checkout_kit.store.errors import StoreError
from checkout_kit.store.records import Job

log = logging.getLogger("checkout_kit.outbox")

# Job kind -> "module:function" performing it. Each performer takes (services, job), returns a
# JSON-able result (recorded on the job) and raises JobFailed when it should be retried or given up.
PERFORMERS: dict[str, str] = {
    "email": "checkout_kit.emails:perform",
    "alert": "checkout_kit.alerts:perform",
    "hook": "checkout_kit.fulfillment.owner_hook:perform",  # the owner's callable (fulfillment = "pkg.mod:fn")
    "webhook": "checkout_kit.fulfillment.outgoing_webhook:perform",  # the signed `purchase.fulfilled` event
    "alert_chat": "checkout_kit.alerts:perform_chat",
}
FIRST_RETRY_S = 30.0
MAX_BACKOFF_S = 6 * 3600.0
LEASE_MARGIN_S = 15.0
MAX_LEASE_S = 60.0


class JobFailed(Exception):
    """An attempt failed. `permanent`: it never can succeed (give up now); `service_down`: the
    service is unreachable or hanging, so this pass stops trying others like it."""

    def __init__(self, reason: str, permanent: bool = False, service_down: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.service_down = service_down


@dataclass
class PassResult:
    done: int = 0
    retrying: int = 0
    gave_up: int = 0
    handed_back: int = 0
    stopped: str | None = None  # why the pass ended early, if it did
    failures: list[str] = field(default_factory=list)

    def add(self, other: "PassResult") -> "PassResult":
        self.done += other.done
        self.retrying += other.retrying
        self.gave_up += other.gave_up
        self.handed_back += other.handed_back
        self.stopped = self.stopped or other.stopped
        self.failures += other.failures
        return self


def new_token() -> str:
    return secrets.token_hex(16)


def lease_seconds(settings: Any) -> float:
    """How long a claim lasts: one attempt's own time limit plus a margin, never more than a minute."""
    return min(MAX_LEASE_S, settings.mail_timeout + LEASE_MARGIN_S)


def backoff(attempts: int) -> float:
    """Delay before the next attempt after `attempts` tries: 30 s, 1 min, 2 min, … up to 6 h."""
    return min(MAX_BACKOFF_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1))


def performer(kind: str) -> Callable[[Any, Job], Any]:
    target = PERFORMERS.get(kind)
    if target is None:
        raise JobFailed(f"no performer for job kind {kind!r}", permanent=True)
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def perform_all(services: Any, jobs: Iterable[Job], result: PassResult | None = None,
                finish: Callable[[Any], None] | None = None) -> PassResult:
    """Carry out jobs this caller holds the lease of, in order, stopping at a service failure.

    Jobs that succeeded are marked done a run at a time — a run of jobs of one kind, say a
    receipt and the merchant's copy — in one round trip, the last run with the statements
    `finish(batch)` adds (the webhook's delivery log line). A run is marked before the next
    kind starts (a hook may take long), so a crash then repeats at most that run.
    """
    result = result or PassResult()
    pending = list(jobs)
    done: list[tuple[Job, dict[str, Any] | None]] = []
    store = services.store
    while pending:
        if result.stopped:
            store.unclaim_jobs(pending)
            result.handed_back += len(pending)
            break
        job = pending.pop(0)
        if not _time_left(services, job):
            # Claimed long ago (a slow Stripe call, slow sends before it): another worker may hold
            # it by the time this attempt ends. Left to whoever claims it next.
            result.handed_back += 1
            continue
        if done and done[-1][0].kind != job.kind:
            _mark_done(services, done, result)
            done = []
        try:
            outcome = _attempt(services, job, result)
        except StoreError as exc:  # the database went away: the leases run out and a later pass retries
            log.error("job outbox stopped: %s", exc)
            result.stopped = "database unavailable"
            result.handed_back += len(pending)
            break  # what was done is still marked below, if the database is back already
        if outcome is not None:
            done.append((job, outcome[0]))
    if done or finish is not None:
        _mark_done(services, done, result, finish)
    return result


def _mark_done(services: Any, done: list[tuple[Job, dict[str, Any] | None]], result: PassResult,
               finish: Callable[[Any], None] | None = None) -> None:
    store = services.store
    def queue(batch: Any) -> Callable[[], list[Job]]:
        taken = store.complete_jobs(done, batch)
        if finish is not None:
            finish(batch)
        return taken
    try:
        taken_over = store.batched(queue, writes=True)
    except StoreError as exc:  # sent but not marked: the leases run out and those are sent again
        log.error("could not mark %d finished job(s) done: %s", len(done), exc)
        result.stopped = result.stopped or "database unavailable"
        return
    for job in taken_over():
        log.warning("job %s (%s) finished after its lease was taken over; left to the new holder", job.id, job.kind)
    result.done += len(done)


def _time_left(services: Any, job: Job) -> bool:
    """Whether the lease outlasts one more attempt (its own time limit)."""
    return job.lease_until is None or time.time() + lease_seconds(services.settings) - LEASE_MARGIN_S < job.lease_until


def _attempt(services: Any, job: Job, result: PassResult) -> tuple[dict[str, Any] | None] | None:
    """Perform one job: (its result,) when it succeeded, None when it failed (already recorded)."""
    try:
        outcome = performer(job.kind)(services, job)
    except JobFailed as exc:
        failure = exc
    except StoreError:
        raise
    except Exception as exc:  # a bug or a template error: retried later (a fix may be deployed meanwhile)
        log.exception("job %s (%s) failed", job.id, job.kind)
        failure = JobFailed(f"{type(exc).__name__}: {str(exc)[:200]}")
    else:
        return (outcome if isinstance(outcome, dict) else None,)
    _failed(services, job, failure, result)
    return None


def _failed(services: Any, job: Job, failure: JobFailed, result: PassResult) -> None:
    store = services.store
    reason = failure.reason
    if failure.service_down:
        result.stopped = reason
    result.failures.append(f"{job.kind} {job.id}: {reason}")
    if failure.permanent or job.attempts >= services.settings.jobs_max_attempts:
        if store.give_up_job(job, reason):
            result.gave_up += 1
            log.error("job %s (%s) gave up after %d attempt(s): %s", job.id, job.kind, job.attempts, reason)
            _report_gave_up(services, job, reason)
        return
    if store.retry_job(job, reason, time.time() + backoff(job.attempts)):
        result.retrying += 1
    log.warning("job %s (%s) attempt %d failed, will retry: %s", job.id, job.kind, job.attempts, reason)


def _report_gave_up(services: Any, job: Job, reason: str) -> None:
    from checkout_kit import alerts

    alerts.report(services, alerts.JOB_GAVE_UP, job.key, f"{job.kind} {job.key}: {reason}")


def run_due(services: Any, limit: int = 20, session_id: str | None = None,
            result: PassResult | None = None, waiting_since: float = 0.0) -> PassResult:
    """Claim and carry out up to `limit` due jobs (of one order, or any)."""
    result = result or PassResult()
    if result.stopped:
        return result
    jobs = services.store.claim_jobs(new_token(), lease_seconds(services.settings), limit, session_id,
                                     waiting_since)
    return perform_all(services, jobs, result)


def after_commit(services: Any, own: Iterable[Job] = (), limit: int = 10, session_id: str | None = None) -> PassResult:
    """What a request does once its transaction committed: its own jobs, then other due ones.

    Never raises: the request's work is committed whatever happens to its effects.
    """
    result = PassResult()
    try:
        perform_all(services, own, result)
        if limit:
            run_due(services, limit, session_id, result)
    except StoreError as exc:  # an outage (a restart, a dropped connection), not a bug: no trace
        log.error("job outbox stopped, the jobs stay queued: %s", exc)
        result.stopped = "database unavailable"
    except Exception:
        log.exception("the job outbox pass failed; the jobs stay queued")
        result.stopped = result.stopped or "error"
    return result


def drain(services: Any, batch: int = 100, max_batches: int = 50, ignore_backoff: bool = False) -> PassResult:
    """Everything due, batch by batch, until none is left or a service fails (cron, `jobs retry`).

    `ignore_backoff`: also what waits out a backoff (the owner says the cause is fixed).
    """
    result = PassResult()
    started = time.time() if ignore_backoff else 0.0
    for _ in range(max_batches):
        before = result.done + result.retrying + result.gave_up
        run_due(services, batch, None, result, started)
        if result.stopped or result.done + result.retrying + result.gave_up - before < batch:
            break
    return result
