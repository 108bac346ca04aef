"""Download links' SQL: each link counts its uses, race-free.

One statement both counts and refuses: the upsert's `DO UPDATE … WHERE uses < limit`
changes (and returns) the row only while uses remain, so two concurrent clicks on a
link with one use left cannot both get the file.
"""

from __future__ import annotations

import time
from typing import Any


class DownloadsStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def use_download(self, link_id: str, session_id: str, position: int, limit: int) -> int | None:
        """Count one use of a link: the count now, or None when its `limit` uses are spent."""
        now = time.time()
        rows = self._query(
            "INSERT INTO download_uses (link_id, session_id, position, uses, first_used_at, last_used_at) "
            "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (link_id) DO UPDATE SET uses = download_uses.uses + 1, "
            "last_used_at = excluded.last_used_at WHERE download_uses.uses < ? RETURNING uses",
            (link_id, session_id, position, now, now, limit))
        return rows[0][0] if rows else None

    def download_uses(self, link_id: str) -> int:
        rows = self._query("SELECT uses FROM download_uses WHERE link_id = ?", (link_id,))
        return rows[0][0] if rows else 0
