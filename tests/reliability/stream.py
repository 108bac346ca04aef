"""Stripe's retries, played from the test process by a few threads: each event is delivered
until it gets a 200, after a short pause per failure (Stripe waits longer; the kit does not
care how long). With `cycle`, events that got their 200 go round again (Stripe does send
duplicates) until `stop_cycling()`, so deliveries keep coming for as long as a fault lasts."""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from tests.reliability.delivery import CLIENT_TIMEOUT_S, Answer, deliver
from tests.reliability.stripe_side import Paid

CLIENT_JOIN_S = CLIENT_TIMEOUT_S + 10  # a delivery in flight ends within its own timeout


def deliver_all(url: str, paid: list[Paid], workers: int) -> list[Answer]:
    """Every event once, `workers` at a time; the answers in the order of `paid`."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda one: deliver(url, one.event_id, one.body), paid))


class Redelivery:
    """`with Redelivery(lambda: server.url, paid) as stream: …; assert stream.join(60)`.

    `url` is called for every attempt (a restarted server may move). Each event gets at most
    `max_attempts` failed attempts; every answer is kept in `answers`.
    """

    def __init__(self, url: Callable[[], str], paid: list[Paid], workers: int = 8, cycle: bool = False,
                 pause: float = 0.02, max_attempts: int = 500) -> None:
        self.url = url
        self.workers = workers
        self.pause = pause
        self.max_attempts = max_attempts
        self.answers: list[Answer] = []
        self.ok: set[str] = set()
        self.failures: Counter[str] = Counter()
        self._cycling = cycle
        self._queue: queue.Queue[Paid] = queue.Queue()
        for one in paid:
            self._queue.put(one)
        self._busy = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._work, name=f"redelivery-{n}", daemon=True)
                         for n in range(workers)]

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                one = self._queue.get(timeout=0.05)
            except queue.Empty:
                with self._lock:
                    if self._busy == 0 and self._queue.empty():
                        return  # nothing left and nobody can put anything back
                continue
            with self._lock:
                self._busy += 1
            answer = deliver(self.url(), one.event_id, one.body)
            if answer.status != 200:
                time.sleep(self.pause)
            with self._lock:
                self.answers.append(answer)
                if answer.status == 200:
                    self.ok.add(one.event_id)
                else:
                    self.failures[one.event_id] += 1
                again = self._cycling if answer.status == 200 else self.failures[one.event_id] < self.max_attempts
                if again:
                    self._queue.put(one)
                self._busy -= 1

    @property
    def count(self) -> int:
        return len(self.answers)

    def wait_for(self, more: int, timeout: float = 60.0) -> None:
        """Block until `more` further answers came in (so a fault meets deliveries in flight)."""
        target = self.count + more
        deadline = time.monotonic() + timeout
        while self.count < target:
            if time.monotonic() > deadline or not any(t.is_alive() for t in self._threads):
                raise AssertionError(f"only {self.count} of {target} answers")
            time.sleep(0.01)

    def stop_cycling(self) -> None:
        self._cycling = False

    def join(self, timeout: float) -> bool:
        """Wait for every event to be settled (a 200, or out of attempts); False on timeout."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)

    def __enter__(self) -> "Redelivery":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(CLIENT_JOIN_S)

