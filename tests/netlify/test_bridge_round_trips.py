"""Round trips per route through the Netlify function (counts, not timings): the same goals as
tests/core/test_round_trips.py holds psycopg to, here counted as the bridge's SQL messages
(netlify/lib/bridge.mjs counts them, tests/netlify/driver.mjs reports them per request) and as
round trips to PostgreSQL at a loopback proxy: a paid webhook in three, a repeated one in one,
the success page of a stored order in one, the scheduled route with nothing due in one. Each
message is one round trip (the worker pipelines a batch), so both counts must agree."""

from __future__ import annotations

import json

import pytest

from benchmarks.latency_proxy import COUNTING_DELAY_S, proxied_database
from tests.netlify.conftest import netlify_env
from tests.netlify.test_pyodide import Instance, body_of, paid_event, req, signed

CRON = {"authorization": "Bearer cron-secret-for-tests"}

@pytest.fixture
def counted(netlify_build, postgres, emulator, mail_api, tmp_path):
    proxy, url = proxied_database(postgres, delay_s=COUNTING_DELAY_S)
    instance = Instance(netlify_env(url, emulator, mail_api), tmp_path, "counted")

    def send(request: dict) -> tuple[int, int, dict]:
        """(SQL bridge messages, PostgreSQL round trips, answer) of one request on the warm instance."""
        before = proxy.snapshot().round_trips
        answer = instance.send(request)
        assert answer["status"] == 200, body_of(answer)
        return answer["bridge"]["sqlBatch"], proxy.snapshot().round_trips - before, json.loads(body_of(answer))

    try:
        send(req("GET", "/api/health"))  # the cold start: Pyodide, the worker, the connection
        yield send
    finally:
        instance.close()
        proxy.close()


def test_paid_duplicate_summary_and_cron_cost_their_round_trips(counted, emulator):
    send = counted
    send(signed(paid_event(emulator)[1]))  # warm: the route's own first use (schema check, imports)
    session_id, body = paid_event(emulator)
    messages, trips, answer = send(signed(body))
    assert answer["outcome"] == "fulfilled" and messages <= 3 and trips == messages
    messages, trips, answer = send(signed(body))
    assert answer["outcome"] == "duplicate_event" and (messages, trips) == (1, 1)
    messages, trips, summary = send(req("GET", f"/api/checkout-session?session_id={session_id}"))
    assert summary["payment_status"] == "paid" and (messages, trips) == (1, 1)
    send(req("GET", "/api/cron/outbox", headers=CRON))  # the day's first run reconciles
    messages, trips, cron = send(req("GET", "/api/cron/outbox", headers=CRON))
    assert cron["done"] == 0 and (messages, trips) == (1, 1)
