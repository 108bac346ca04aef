"""Problems worth telling the merchant about (a job that gave up, a failed
webhook, a dispute), kept for alerts, `doctor` and the admin page."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Problem:
    id: int
    cause: str
    ref: str | None
    detail: str
    created_at: float


class ProblemsTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def record_problem(self, cause: str, ref: str | None, detail: str) -> None:
        self._exec("INSERT INTO problems (cause, ref, detail, created_at) VALUES (?, ?, ?, ?)",
                   (cause, ref, detail[:1000], self.now))


class ProblemsStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def problems(self, since: float | None = None, cause: str | None = None, until: float | None = None,
                 limit: int = 200) -> list[Problem]:
        """Newest first."""
        where, params = ["created_at >= ?"], [since if since is not None else time.time() - 24 * 3600]
        if until is not None:
            where.append("created_at < ?")
            params.append(until)
        if cause:
            where.append("cause = ?")
            params.append(cause)
        rows = self._query(f"SELECT id, cause, ref, detail, created_at FROM problems WHERE {' AND '.join(where)} "
                           f"ORDER BY id DESC LIMIT ?", (*params, limit))
        return [Problem(*r) for r in rows]
