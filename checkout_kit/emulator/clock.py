"""The emulator's time: the real time plus an offset that `POST /_emulator/clock/advance` grows.

Stripe's Test Clocks move a customer's time; the emulator moves the whole account's: after
`advance(seconds)` every timestamp it writes (`created`, periods, trial ends) and every
decision it takes (what is due for billing, which sessions have expired) reads the
emulator's clock. Webhook signatures keep the real time: a receiver checks them against
its own clock.

Each thread serving the emulator binds the clock of the emulator it serves (`bind`), so
several emulators in one process (the tests run many) keep their own time.
"""

from __future__ import annotations

import contextvars
import threading
import time
from contextlib import contextmanager
from typing import Iterator

_current: contextvars.ContextVar["Clock | None"] = contextvars.ContextVar("emulator_clock", default=None)


class Clock:
    """Real time plus an offset; while billing what is due, pinned to the moment being billed."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._pinned = threading.local()

    def now(self) -> float:
        pinned = getattr(self._pinned, "at", None)
        return pinned if pinned is not None else time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward; returns the new time. (It never goes back: Stripe's time does not.)"""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds
        return self.now()

    def reset(self) -> None:
        self.offset = 0.0

    @contextmanager
    def at(self, moment: float) -> Iterator[None]:
        """Read `moment` as now in this thread (what happens at a renewal carries its time)."""
        previous = getattr(self._pinned, "at", None)
        self._pinned.at = moment
        try:
            yield
        finally:
            self._pinned.at = previous


def bind(clock: Clock) -> None:
    """Make `clock` the one `now()` reads in this thread (and its context)."""
    _current.set(clock)


def now() -> float:
    clock = _current.get()
    return clock.now() if clock is not None else time.time()
