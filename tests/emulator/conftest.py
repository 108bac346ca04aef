"""An emulator per test (fresh state, fast retries) and the official SDK pointed at it."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Iterator

import pytest
import stripe

from checkout_kit.emulator import Emulator
from checkout_kit.emulator.delivery import RetryPolicy
from tests.support.servers import WebhookReceiver

WEBHOOK_SECRET = "whsec_test_emulator_suite"
FAST_RETRY = RetryPolicy(first_delay=0.05, factor=2.0, max_attempts=5, timeout=2.0)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    rec = WebhookReceiver()
    yield rec
    rec.close()


@pytest.fixture
def emulator(receiver: WebhookReceiver) -> Iterator[Emulator]:
    with Emulator(port=0, endpoints=[(receiver.url, WEBHOOK_SECRET)], retry=FAST_RETRY,
                  settle_after=None, sweep_interval=0.1) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_emulator", base_addresses={"api": emulator.url}, max_network_retries=0)


def control(emulator: Emulator, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST (or GET without a body) to a `/_emulator` control route."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{emulator.url}/_emulator/{path}", data=data,
                                 method="POST" if body is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, **json.loads(exc.read())}


@pytest.fixture
def catalog(client: stripe.StripeClient) -> dict[str, Any]:
    """One of each: a one-time e-book, a T-shirt, a monthly membership and a yearly plan."""
    ebook = client.v1.products.create(params={"name": "Field Guide (e-book)"})
    shirt = client.v1.products.create(params={"name": "T-shirt"})
    member = client.v1.products.create(params={"name": "Membership"})
    return {
        "ebook": client.v1.prices.create(params={"product": ebook.id, "unit_amount": 1500, "currency": "usd",
                                                 "lookup_key": "ebook"}),
        "shirt": client.v1.prices.create(params={"product": shirt.id, "unit_amount": 2500, "currency": "usd"}),
        "monthly": client.v1.prices.create(params={"product": member.id, "unit_amount": 900, "currency": "usd",
                                                   "recurring": {"interval": "month"}}),
        "yearly": client.v1.prices.create(params={"product": member.id, "unit_amount": 9000, "currency": "usd",
                                                  "recurring": {"interval": "year"}}),
    }


def new_session(client: stripe.StripeClient, price_id: str, quantity: int = 1, **extra: Any) -> stripe.checkout.Session:
    params: dict[str, Any] = {
        "mode": extra.pop("mode", "payment"),
        "line_items": [{"price": price_id, "quantity": quantity}],
        "success_url": "http://127.0.0.1:9/success.html?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:9/canceled.html",
    }
    params.update(extra)
    return client.v1.checkout.sessions.create(params=params)
