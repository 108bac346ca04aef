"""Tickets' SQL: one row per seat, issued in the order's transaction, checked in once.

Check-in is one conditional UPDATE (`… WHERE checked_in_at IS NULL AND voided_at IS NULL`):
of any number of concurrent scans of one code, exactly one changes the row and is told
"valid"; the others read the row afterwards and are told when it was used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

# Check-in answers.
VALID = "valid"
ALREADY_USED = "already_used"
VOIDED = "voided"  # the order was refunded
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Ticket:
    code: str
    session_id: str
    position: int
    seat: int
    issued_at: float
    checked_in_at: float | None = None
    voided_at: float | None = None


@dataclass(frozen=True)
class CheckIn:
    outcome: str  # VALID, ALREADY_USED, VOIDED or UNKNOWN
    ticket: Ticket | None = None


TICKET_COLUMNS = "code, session_id, position, seat, issued_at, checked_in_at, voided_at"


class TicketsTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def issue_tickets(self, session_id: str, position: int, codes: list[str]) -> None:
        """Record the seats of one order line (once: issuing again changes nothing). Waits for no
        answer, so a pipelined transaction stays one round trip."""
        for seat, code in enumerate(codes):
            self._exec("INSERT INTO tickets (code, session_id, position, seat, issued_at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (code) DO NOTHING", (code, session_id, position, seat, self.now))

    def void_unused_tickets(self, session_id: str) -> int:
        """A refunded order's seats nobody has used stop working; those used stay as history."""
        return self._exec("UPDATE tickets SET voided_at = ? WHERE session_id = ? AND checked_in_at IS NULL "
                          "AND voided_at IS NULL", (self.now, session_id)).rowcount


class TicketsStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        raise NotImplementedError

    def check_in(self, code: str) -> CheckIn:
        """Admit the holder of `code` once. Race-free: the UPDATE's condition decides."""
        now = time.time()
        admitted = self._write("UPDATE tickets SET checked_in_at = ? WHERE code = ? AND checked_in_at IS NULL "
                               "AND voided_at IS NULL", (now, code))
        ticket = self.ticket(code)
        if ticket is None:
            return CheckIn(UNKNOWN)
        if admitted == 1:
            return CheckIn(VALID, ticket)
        if ticket.voided_at is not None:
            return CheckIn(VOIDED, ticket)
        return CheckIn(ALREADY_USED, ticket)

    def ticket(self, code: str) -> Ticket | None:
        rows = self._query(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE code = ?", (code,))
        return Ticket(*rows[0]) if rows else None

    def tickets(self, session_id: str) -> list[Ticket]:
        return [Ticket(*r) for r in self._query(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE session_id = ? ORDER BY position, seat", (session_id,))]
