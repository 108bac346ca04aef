"""Webhook delivery: sign each event as Stripe does and POST it to every
configured endpoint, retrying with exponential backoff until it is accepted
(2xx) or the attempts run out. Every attempt is recorded.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from checkout_kit.webhook_signature import SIGNATURE_HEADER, sign_header

log = logging.getLogger("checkout_kit.emulator.delivery")


@dataclass
class Endpoint:
    url: str
    secret: str
    enabled_events: tuple[str, ...] = ("*",)
    endpoint_id: str | None = None  # set for endpoints created through /v1/webhook_endpoints
    # Whose events: None every account's (endpoints the control route or `make dev` adds), False the
    # platform's own, True connected accounts' (an API endpoint created with `connect: true`).
    connect: bool | None = None

    enabled: bool = True

    def hears(self, event: dict[str, Any]) -> bool:
        return self.connect is None or self.connect == bool(event.get("account"))

    def wants(self, event_type: str) -> bool:
        return any(p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1]))
                   for p in self.enabled_events)


@dataclass
class RetryPolicy:
    """Delay before attempt n+1 is `first_delay * factor**(n-1)`, capped."""

    first_delay: float = 5.0
    factor: float = 2.0
    max_delay: float = 3600.0
    max_attempts: int = 8
    timeout: float = 10.0

    def delay(self, attempts_made: int) -> float:
        return min(self.first_delay * self.factor ** (attempts_made - 1), self.max_delay)


@dataclass
class Delivery:
    id: int
    event: dict[str, Any]
    endpoint: Endpoint
    attempts: list[dict[str, Any]] = field(default_factory=list)
    status: str = "pending"  # pending, succeeded, failed
    next_attempt_at: float | None = None

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "event": self.event["id"], "type": self.event["type"],
                "account": self.event.get("account"),
                "endpoint": self.endpoint.url, "status": self.status, "attempts": list(self.attempts),
                "next_attempt_at": self.next_attempt_at}


class Deliverer:
    """A scheduler thread plus a small pool that makes the HTTP calls."""

    def __init__(self, policy: RetryPolicy | None = None, workers: int = 4) -> None:
        self.policy = policy or RetryPolicy()
        self.endpoints: list[Endpoint] = []
        self.deliveries: list[Delivery] = []
        self._queue: list[tuple[float, int, Delivery]] = []
        self._cond = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook")
        self._stopped = False
        self._on_settled: list[Any] = []
        self._thread = threading.Thread(target=self._run, name="webhook-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)  # let attempts in flight finish

    def reset(self) -> None:
        with self._cond:
            self.deliveries = []
            self._queue = []

    def add_endpoint(self, endpoint: Endpoint) -> None:
        with self._cond:
            self.endpoints.append(endpoint)

    def enqueue(self, event: dict[str, Any]) -> int:
        """Schedule `event` for each endpoint that wants it; return how many."""
        with self._cond:
            targets = [e for e in self.endpoints if e.wants(event["type"]) and e.enabled and e.hears(event)]
            event["pending_webhooks"] = len(targets)
            for endpoint in targets:
                delivery = Delivery(len(self.deliveries) + 1, event, endpoint, next_attempt_at=time.time())
                self.deliveries.append(delivery)
                heapq.heappush(self._queue, (time.time(), delivery.id, delivery))
            self._cond.notify_all()
            return len(targets)

    def idle(self) -> bool:
        with self._cond:
            return all(d.status != "pending" for d in self.deliveries)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._queue or self._queue[0][0] > time.time()):
                    wait = self._queue[0][0] - time.time() if self._queue else None
                    self._cond.wait(timeout=wait)
                if self._stopped:
                    return
                _, _, delivery = heapq.heappop(self._queue)
            try:
                self._pool.submit(self._attempt, delivery)
            except RuntimeError:  # pool shut down
                return

    def _attempt(self, delivery: Delivery) -> None:
        payload = json.dumps(delivery.event, indent=2).encode()
        started = time.time()
        request = urllib.request.Request(
            delivery.endpoint.url, data=payload, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                     SIGNATURE_HEADER: sign_header(payload, delivery.endpoint.secret)},
        )
        status: int | None = None
        error: str | None = None
        try:
            with urllib.request.urlopen(request, timeout=self.policy.timeout) as response:
                status = response.status
                response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception as exc:  # connection refused, timeout…
            error = f"{type(exc).__name__}: {exc}"
        ok = status is not None and 200 <= status < 300
        with self._cond:
            delivery.attempts.append({"at": started, "status": status, "error": error,
                                      "duration_ms": round((time.time() - started) * 1000, 1)})
            if ok:
                delivery.status, delivery.next_attempt_at = "succeeded", None
                delivery.event["pending_webhooks"] = max(0, delivery.event.get("pending_webhooks", 1) - 1)
            elif len(delivery.attempts) >= self.policy.max_attempts:
                delivery.status, delivery.next_attempt_at = "failed", None
            else:
                due = time.time() + self.policy.delay(len(delivery.attempts))
                delivery.next_attempt_at = due
                heapq.heappush(self._queue, (due, delivery.id, delivery))
            self._cond.notify_all()
        log.info("webhook %s %s -> %s attempt %d %s", delivery.event["id"], delivery.event["type"],
                 delivery.endpoint.url, len(delivery.attempts), status or error)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no delivery is pending (for tests and orderly shutdown)."""
        deadline = time.time() + timeout
        with self._cond:
            while any(d.status == "pending" for d in self.deliveries):
                left = deadline - time.time()
                if left <= 0:
                    return False
                self._cond.wait(timeout=left)
        return True
