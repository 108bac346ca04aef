"""Round trips to PostgreSQL per route, counted at a loopback proxy (counts, not timings): a paid
webhook in three, a repeated one in one, the success page of a stored order in one, the scheduled
route with nothing due in one, create-checkout-session in two (its rate limit, then the record of
the session), for a new client as for a returning one. A change that adds a round trip to these paths fails here."""

from __future__ import annotations

import json
import time

import pytest

from benchmarks.latency_proxy import COUNTING_DELAY_S, proxied_database
from benchmarks.roundtrip_bench import CreatingGateway, environ
from checkout_kit.config import from_env
from checkout_kit.store.dialects import PREPARE_AFTER
from checkout_kit.services import Services
from checkout_kit.web import App, call_wsgi
from checkout_kit.webhook_signature import sign_header
from tests.core.conftest import FIXTURES

SECRET = "whsec_round_trip_tests_0123456789"
CRON = "cron-secret-for-round-trip-tests"

class NullMailer:
    name = "null"

    def send(self, email) -> None:
        pass


@pytest.fixture(params=["off", "on"])
def counted(postgres, request):
    """Trips counted through a proxy, with statements prepared on the server or not (DATABASE_PREPARE)."""
    proxy, url = proxied_database(postgres, delay_s=COUNTING_DELAY_S)
    services = Services(from_env({"DATABASE_URL": url, "STRIPE_WEBHOOK_SECRET": SECRET, "STRIPE_SECRET_KEY": "sk_test_x",
                                  "CATALOG_PATH": str(FIXTURES / "catalog.toml"), "MERCHANT_EMAIL": "owner@example.com",
                                  "CRON_SECRET": CRON, "RATE_LIMIT_PER_MINUTE": "1000", "DATABASE_POOL_SIZE": "1",
                                  "DATABASE_PREPARE": request.param}))
    gateway = CreatingGateway()
    services._gateway, services._mailer = gateway, NullMailer()
    app = App(services)

    def trips(method: str, target: str, body: bytes = b"", headers: dict | None = None,
              client: str = "127.0.0.1") -> tuple[int, int]:
        before = proxy.snapshot().round_trips
        env = environ(method, target, body, headers)
        env["REMOTE_ADDR"] = client
        status, _, out = call_wsgi(app, env)
        assert status == 200, out
        return proxy.snapshot().round_trips - before, json.loads(out)

    trips("GET", f"/api/checkout-session?session_id={gateway.add(0)}")  # connect and create the schema
    yield gateway, trips
    services.close()
    proxy.close()


def paid_event(gateway, n: int) -> bytes:
    return json.dumps({"id": f"evt_trips_{n}_{time.time_ns()}", "type": "checkout.session.completed",
                       "data": {"object": {"id": gateway.add(100 + n)}}}).encode()


def deliver(trips, body: bytes):
    return trips("POST", "/api/webhook", body, {"Content-Type": "application/json",
                                                "Stripe-Signature": sign_header(body, SECRET)})


def test_a_paid_webhook_costs_three_round_trips_and_a_duplicate_one(counted):
    gateway, trips = counted
    for n in range(PREPARE_AFTER + 1):  # warm: the route's own first use, its statements prepared
        warm = paid_event(gateway, 10 + n)
        deliver(trips, warm)
        deliver(trips, warm)  # a duplicate's statements too
    body = paid_event(gateway, 1)
    count, answer = deliver(trips, body)
    assert answer["outcome"] == "fulfilled" and count == 3  # precheck, the order's transaction, done + log
    count, answer = deliver(trips, body)
    assert answer["outcome"] == "duplicate_event" and count == 1


def test_the_success_page_and_the_cron_route_cost_one_round_trip(counted):
    gateway, trips = counted
    deliver(trips, paid_event(gateway, 2))
    for n in range(PREPARE_AFTER + 1):  # warm: the statements prepared
        trips("GET", f"/api/checkout-session?session_id={gateway.add(102)}")
        trips("GET", "/api/cron/outbox", headers={"Authorization": f"Bearer {CRON}"})
    count, summary = trips("GET", f"/api/checkout-session?session_id={gateway.add(102)}")
    assert summary["payment_status"] == "paid" and count == 1  # the day's reconcile ran while warming
    count, cron = trips("GET", "/api/cron/outbox", headers={"Authorization": f"Bearer {CRON}"})
    assert cron["done"] == 0 and count == 1


def test_create_checkout_session_costs_two_round_trips_for_new_and_returning_clients(counted):
    _, trips = counted
    body = json.dumps({"priceId": "price_test_ebook"}).encode()
    headers = {"Content-Type": "application/json", "Origin": "http://127.0.0.1:8000"}
    for n in range(PREPARE_AFTER + 1):  # warm: the route's first use, its statements prepared
        trips("POST", "/api/create-checkout-session", body, headers, client=f"192.0.2.{100 + n}")
    for client in ("192.0.2.2", "192.0.2.2", "192.0.2.3"):  # a new client's first hit also sweeps old windows
        count, answer = trips("POST", "/api/create-checkout-session", body, headers, client=client)
        assert answer["url"].startswith("https://") and count == 2
