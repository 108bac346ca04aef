"""Stripe's side of the suite: the built-in emulator as the account, paid sessions made with
the official SDK and the emulator's pay route, and each session's
`checkout.session.completed` event as Stripe would deliver it (the test delivers it itself,
signed, as often and to whichever server it likes: the emulator has no endpoint)."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import stripe

from checkout_kit.emulator import Emulator
from tests.reliability.processes import CATALOG
from tests.support.deploy import seeded_emulator

# Three lines, so an order recorded with part of its items would show.
LINES = (("price_test_ebook", 1), ("price_test_ticket", 2), ("price_test_sample", 1))
EVENT = "checkout.session.completed"


@dataclass(frozen=True)
class Paid:
    """A paid kit session, its buyer's address and its completed event, body as delivered."""

    session_id: str
    email: str
    event_id: str
    body: bytes


class StripeSide:
    """`with StripeSide() as stripe_side: paid = stripe_side.pay(100, "storm")`."""

    def __init__(self) -> None:
        self._started = ExitStack()
        self.emulator: Emulator | None = None
        self.client: Any = None

    @property
    def url(self) -> str:
        return self.emulator.url

    def __enter__(self) -> "StripeSide":
        self.emulator = self._started.enter_context(seeded_emulator(CATALOG))
        self.client = stripe.StripeClient("sk_test_reliability_suite", base_addresses={"api": self.url},
                                          max_network_retries=0)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._started.close()

    def _pay_one(self, email: str) -> str:
        session = self.client.v1.checkout.sessions.create(params={
            "mode": "payment", "success_url": "https://shop.example/success.html?session_id={CHECKOUT_SESSION_ID}",
            "metadata": {"kit": "checkout-kit"}, "customer_email": email,
            "line_items": [{"price": price, "quantity": quantity} for price, quantity in LINES]})
        request = urllib.request.Request(f"{self.url}/_emulator/sessions/{session.id}/pay", method="POST",
                                         data=json.dumps({"email": email}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            result = json.loads(response.read())
        assert result["result"] == "paid", result
        return session.id

    def pay(self, count: int, tag: str) -> list[Paid]:
        """`count` paid sessions, each with its own buyer (`buyer-{tag}-{n}@example.com`)."""
        emails = [f"buyer-{tag}-{n:04d}@example.com" for n in range(count)]
        with ThreadPoolExecutor(4) as pool:
            session_ids = list(pool.map(self._pay_one, emails))
        events = {}
        for event in self.client.v1.events.list(params={"type": EVENT, "limit": 100}).auto_paging_iter():
            data = event.to_dict()
            events[data["data"]["object"]["id"]] = data
        return [Paid(session_id, email, events[session_id]["id"], json.dumps(events[session_id]).encode())
                for session_id, email in zip(session_ids, emails)]
