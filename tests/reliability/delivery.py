"""Sending one event to a shop's webhook as Stripe does: signed now, over a fresh connection.

Light on purpose (http.client and hmac only): the storm's client processes import it, and
their start-up should not compete with the servers for the two cores.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from checkout_kit.webhook_signature import sign_header

WEBHOOK_SECRET = "whsec_reliability_suite_0123456789"
CLIENT_TIMEOUT_S = 60.0  # far above any budget of the kit: when it runs out, the kit did not give up


@dataclass
class Answer:
    """What one delivery got. `status` 0: no HTTP answer (refused, reset, or the client's timeout)."""

    event_id: str
    url: str
    status: int
    elapsed: float
    sent_at: float
    retry_after: str | None = None
    outcome: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def deliver(url: str, event_id: str, body: bytes, secret: str = WEBHOOK_SECRET,
            timeout: float = CLIENT_TIMEOUT_S) -> Answer:
    """POST `body` to `url`/api/webhook with a fresh Stripe-Signature; never raises."""
    parts = urlsplit(url)
    sent_at = time.time()
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("POST", "/api/webhook", body=body, headers={
            "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": sign_header(body, secret),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        response = conn.getresponse()
        data = response.read()
        status, retry_after = response.status, response.getheader("Retry-After")
    except (OSError, http.client.HTTPException) as exc:
        return Answer(event_id, url, 0, time.perf_counter() - started, sent_at, error=f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()
    elapsed = time.perf_counter() - started
    try:
        payload = json.loads(data)
        outcome = payload.get("outcome") or (payload.get("error") or {}).get("code")
    except (ValueError, AttributeError):
        outcome = None
    return Answer(event_id, url, status, elapsed, sent_at, retry_after, outcome)
