"""The job outbox's SQL: queue under a unique key, claim with a lease token,
finish or release only while holding the lease.

A lease is `(lease_token, lease_until)`. Whoever claims a job writes a fresh
token; completing, retrying or giving up is an UPDATE conditioned on that token
still being there. A worker whose lease ran out (it hung, or the process died)
and was taken over finds its token gone and changes nothing: it cannot reset a
job another worker already finished.
"""

from __future__ import annotations

import json
import time
from typing import Any

from checkout_kit.store.records import (
    EMAIL_STATUS, JOB_DONE, JOB_FAILED, JOB_PENDING, JOB_RUNNING, EmailRecord, Job,
)

JOB_COLUMNS = ("id, job_key, kind, session_id, payload, status, attempts, lease_token, last_error, result, "
               "run_after, created_at, lease_until")
# Jobs not finished yet: queued, waiting for a retry, or leased.
PENDING_COUNT = "SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')"
# Due now: queued and past its backoff (or, for an owner's retry, waiting since before it began),
# or leased to a worker whose lease ran out.
CLAIMABLE = ("((status = 'pending' AND (run_after <= ? OR updated_at < ?)) "
             "OR (status = 'running' AND lease_until < ?))")


def jobs_from_rows(rows: list[tuple[Any, ...]]) -> list[Job]:
    return sorted((job_from_row(r) for r in rows), key=lambda j: j.id)


def job_from_row(row: tuple[Any, ...]) -> Job:
    return Job(id=row[0], key=row[1], kind=row[2], session_id=row[3], payload=json.loads(row[4]), status=row[5],
               attempts=row[6], lease_token=row[7], last_error=row[8],
               result=json.loads(row[9]) if row[9] else None, run_after=row[10], created_at=row[11],
               lease_until=row[12])


MARK_DONE_AT_ONCE = 100  # jobs marked done by one statement


class JobsTx:
    """Queuing, inside the transaction whose effects the jobs carry out."""

    now: float
    _pipe: Any  # the pipeline a batched transaction's statements go into (None: answered at once)

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def _later(self, cur: Any, read: Any) -> Any:
        raise NotImplementedError

    def enqueue_job(self, key: str, kind: str, payload: dict[str, Any], session_id: str | None = None,
                    lease_token: str | None = None, lease_s: float = 0.0, run_after: float | None = None) -> Job | None:
        """Queue a job once per key: the job, or None if that key was queued before.

        With `lease_token` the job is queued already claimed by the caller, who performs it
        right after commit (saving a separate claim); if the caller dies first, the lease runs
        out and any retry takes it over.
        """
        return self.enqueue_jobs([(key, kind, payload, session_id)], lease_token, lease_s, run_after)[0]

    def enqueue_jobs(self, specs: list[tuple[str, str, dict[str, Any], str | None]], lease_token: str | None = None,
                     lease_s: float = 0.0, run_after: float | None = None) -> list[Any]:
        """`enqueue_job` for several (key, kind, payload, session id) in one statement: each one's answer."""
        if not specs:
            return []
        leased = lease_token is not None
        status, attempts = (JOB_RUNNING, 1) if leased else (JOB_PENDING, 0)
        due = self.now if run_after is None else run_after
        until = self.now + lease_s if leased else None
        cur = self._exec(
            "INSERT INTO jobs (job_key, kind, session_id, payload, status, attempts, run_after, lease_token, "
            f"lease_until, created_at, updated_at) VALUES {', '.join('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)' for _ in specs)} "
            "ON CONFLICT (job_key) DO NOTHING RETURNING id, job_key",
            tuple(value for key, kind, payload, session_id in specs for value in (
                key, kind, session_id, json.dumps(payload), status, attempts, due, lease_token, until, self.now,
                self.now)))

        def job(spec: tuple[str, str, dict[str, Any], str | None], ids: dict[str, int]) -> Job | None:
            key, kind, payload, session_id = spec
            return None if key not in ids else Job(ids[key], key, kind, session_id, payload, status, attempts,
                                                   lease_token, run_after=due, created_at=self.now,
                                                   lease_until=until)
        ids = self._later(cur, lambda c: {key: id_ for id_, key in c.fetchall()})  # only the keys new here
        if self._pipe is not None:  # answered once the batch went: a Later each
            from checkout_kit.store.sql import Later

            return [Later(lambda spec=spec: job(spec, ids.get())) for spec in specs]
        return [job(spec, ids) for spec in specs]


class JobsStore:
    """Claiming and finishing, each its own short statement outside any order transaction."""

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        raise NotImplementedError

    def claim_statement(self, token: str, lease_s: float, limit: int = 20, session_id: str | None = None,
                        waiting_since: float = 0.0) -> tuple[str, tuple[Any, ...]]:
        """The one statement that leases up to `limit` due jobs (of one order, or any) to `token`.

        `waiting_since`: also take jobs still waiting out a backoff set before that time (the
        owner's explicit retry; jobs that fail again during it wait for their new backoff).
        The inner SELECT picks the oldest due rows (PostgreSQL skips rows a concurrent claim has
        locked); the UPDATE re-checks each, so each job goes to one worker.
        """
        now = time.time()
        scope, scoped = (" AND session_id = ?", (session_id,)) if session_id else ("", ())
        due = (now, waiting_since, now)
        skip = getattr(getattr(self, "dialect", None), "skip_locked", "")
        sql = (f"UPDATE jobs SET status = 'running', lease_token = ?, lease_until = ?, attempts = attempts + 1, "
               f"updated_at = ? WHERE id IN (SELECT id FROM jobs WHERE status IN ('pending', 'running') AND "
               f"{CLAIMABLE}{scope} ORDER BY id LIMIT ?{skip}) AND {CLAIMABLE} RETURNING {JOB_COLUMNS}")
        return sql, (token, now + lease_s, now, *due, *scoped, limit, *due)

    def claim_jobs(self, token: str, lease_s: float, limit: int = 20, session_id: str | None = None,
                   waiting_since: float = 0.0) -> list[Job]:
        """Lease up to `limit` due jobs to `token`, oldest first (see `claim_statement`).

        Where statements cost no round trip (SQLite), a read finds the candidates first, so the
        usual case (nothing due) takes no write lock for concurrent processes to queue on.
        """
        if not getattr(getattr(self, "dialect", None), "pipelines", True):
            now = time.time()
            scope, scoped = (" AND session_id = ?", (session_id,)) if session_id else ("", ())
            if not self._query(f"SELECT 1 FROM jobs WHERE status IN ('pending', 'running') AND {CLAIMABLE}{scope} "
                               f"LIMIT 1", (now, waiting_since, now, *scoped)):
                return []
        return jobs_from_rows(self._query(*self.claim_statement(token, lease_s, limit, session_id, waiting_since)))

    def complete_jobs(self, done: list[tuple[Job, dict[str, Any] | None]], batch: Any = None) -> Any:
        """Mark each job done with its result, if its lease is still ours: one statement per hundred jobs.

        Answers the jobs another worker took over meanwhile (left to their new holder); with
        `batch` (statements still to be sent) it answers a function that tells them once it went.
        """
        if len(done) > MARK_DONE_AT_ONCE:  # SQLite parses a long OR chain only so deep
            first = self.complete_jobs(done[:MARK_DONE_AT_ONCE], batch)
            rest = self.complete_jobs(done[MARK_DONE_AT_ONCE:], batch)
            return (lambda: first() + rest()) if batch is not None else first + rest
        if not done:
            return (lambda: []) if batch is not None else []
        now = time.time()
        # One statement for them all: each row's result by its id, each lease checked by (id, token)
        # (no VALUES list: through the Netlify bridge its untyped parameters would compare as text).
        sql = (f"UPDATE jobs SET status = 'done', done_at = ?, updated_at = ?, "
               f"result = CASE id {' '.join('WHEN ? THEN ?' for _ in done)} END, last_error = NULL, "
               f"lease_token = NULL, lease_until = NULL WHERE status = 'running' AND "
               f"({' OR '.join('(id = ? AND lease_token = ?)' for _ in done)}) RETURNING id")
        params = (now, now, *(v for job, result in done for v in (job.id, json.dumps(result) if result is not None
                                                                   else None)),
                  *(v for job, _ in done for v in (job.id, job.lease_token)))

        def queue(b: Any) -> Any:
            marked = b.rows(sql, params)

            def taken_over() -> list[Job]:
                ids = {row[0] for row in marked.get()}
                return [job for job, _ in done if job.id not in ids]
            return taken_over
        if batch is not None:
            return queue(batch)
        return self.batched(queue, writes=True)()  # type: ignore[attr-defined]

    def retry_job(self, job: Job, error: str, run_after: float) -> bool:
        """Release for another attempt at `run_after`, if the lease is still ours."""
        return self._write(
            "UPDATE jobs SET status = 'pending', run_after = ?, last_error = ?, updated_at = ?, lease_token = NULL, "
            "lease_until = NULL WHERE id = ? AND lease_token = ? AND status = 'running'",
            (run_after, error[:500], time.time(), job.id, job.lease_token)) == 1

    def give_up_job(self, job: Job, error: str) -> bool:
        """No more attempts (too many, or it can never succeed), if the lease is still ours."""
        return self._write(
            "UPDATE jobs SET status = 'failed', last_error = ?, updated_at = ?, lease_token = NULL, "
            "lease_until = NULL WHERE id = ? AND lease_token = ? AND status = 'running'",
            (error[:500], time.time(), job.id, job.lease_token)) == 1

    def unclaim_jobs(self, jobs: list[Job]) -> None:
        """Hand back jobs claimed but not attempted (the pass stopped early): no attempt counted.
        One round trip for them all."""
        if not jobs:
            return
        sql = ("UPDATE jobs SET status = 'pending', attempts = attempts - 1, lease_token = NULL, "
               "lease_until = NULL WHERE id = ? AND lease_token = ? AND status = 'running'")
        self.batched(lambda b: [b.count(sql, (job.id, job.lease_token)) for job in jobs],  # type: ignore[attr-defined]
                     writes=True)

    def requeue_job(self, job_id: int) -> bool:
        """The owner's retry of a job that gave up: due now, with a fresh set of attempts."""
        now = time.time()
        return self._write("UPDATE jobs SET status = 'pending', attempts = 0, run_after = ?, updated_at = ? "
                           "WHERE id = ? AND status = 'failed'", (now, now, job_id)) == 1

    def jobs(self, session_id: str | None = None, kind: str | None = None) -> list[Job]:
        where, params = [], []
        if session_id:
            where.append("session_id = ?")
            params.append(session_id)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return [job_from_row(r) for r in self._query(f"SELECT {JOB_COLUMNS} FROM jobs{clause} ORDER BY id",
                                                     tuple(params))]

    def emails(self, session_id: str | None = None) -> list[EmailRecord]:
        """The email jobs (of one order, or all), oldest first."""
        return [EmailRecord(id=j.id, key=j.key, session_id=j.session_id, kind=j.payload.get("template", ""),
                            recipient=j.payload.get("to", ""), subject=(j.result or {}).get("subject"),
                            status=EMAIL_STATUS.get(j.status, j.status), attempts=j.attempts,
                            last_error=j.last_error)
                for j in self.jobs(session_id, "email")]

    def pending_job_count(self, kind: str | None = None) -> int:
        """Jobs not finished yet (queued, waiting for a retry, or leased)."""
        scope, params = (" AND kind = ?", (kind,)) if kind else ("", ())
        return self._query(f"{PENDING_COUNT}{scope}", params)[0][0]

    def pending_email_count(self) -> int:
        return self.pending_job_count("email")

    def failed_jobs(self, limit: int = 100) -> list[Job]:
        return [job_from_row(r) for r in self._query(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE status = '{JOB_FAILED}' ORDER BY id DESC LIMIT ?", (limit,))]


__all__ = ["JobsStore", "JobsTx", "JOB_DONE", "job_from_row"]
