"""Shared by the deployment tests (Vercel, Netlify): a seeded emulator, a paid
session's event as Stripe would send it, and a stand-in for the Resend mail API."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import stripe

from checkout_kit import catalog as catalog_module
from checkout_kit.checkout import KIT_METADATA_KEY, KIT_METADATA_VALUE
from checkout_kit.devserver import seed_payload, seeded_price_id
from checkout_kit.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Sale:
    """Something the repository's catalog.toml sells, which the deployed bundles ship: whatever the
    owner has made of the demo catalog, these tests buy its first (one-time, if any) price."""

    price_id: str  # its id in the seeded emulator
    quantity: int
    mode: str
    request: dict[str, Any]  # a create-checkout-session body buying it

    @property
    def body(self) -> bytes:
        return json.dumps(self.request).encode()

    @property
    def session_params(self) -> dict[str, Any]:
        """A kit Checkout Session buying it, as params for the SDK's sessions.create."""
        return {
            "mode": self.mode, "success_url": "https://shop.example.com/success.html?session_id={CHECKOUT_SESSION_ID}",
            "metadata": {KIT_METADATA_KEY: KIT_METADATA_VALUE}, "line_items": [{"price": self.price_id, "quantity": self.quantity}]}


def first_sale() -> Sale:
    catalog = catalog_module.load(str(ROOT / "catalog.toml"))
    price = min(catalog.prices(), key=lambda p: p.recurring is not None)  # one-time if there is one (bank debits)
    quantity = catalog.product_for(price).min_quantity
    request = {"priceId": price.id} if price.id else {"lookupKey": price.lookup_key}
    return Sale(seeded_price_id(price), quantity, "subscription" if price.recurring else "payment",
                {**request, "quantity": quantity})


@contextmanager
def seeded_emulator(catalog: Path = ROOT / "catalog.toml") -> Iterator[Emulator]:
    """An emulator holding the prices of `catalog` (the repository's by default) under their own ids."""
    with Emulator(port=0, settle_after=None) as emu:
        with emu.state.lock:
            emu.ctl_seed(seed_payload(catalog_module.load(str(catalog))))
        yield emu


def paid_session_event(emulator: Emulator) -> tuple[str, dict[str, Any]]:
    """Pay for the catalog's first price in a kit session; its checkout.session.completed event."""
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": emulator.url})
    session = client.v1.checkout.sessions.create(params=first_sale().session_params)
    with emulator.state.lock:
        emulator.ctl_pay({"email": "buyer@example.com"}, session.id)
    event = client.v1.events.list(params={"type": "checkout.session.completed", "limit": 1}).data[0].to_dict()
    return session.id, event


def odd_bytes(event: dict[str, Any]) -> bytes:
    """The event as bytes a re-serialisation would change: indentation, non-ASCII, a trailing newline."""
    event = dict(event, note="naïve café — ✓ \u2028")
    return (json.dumps(event, indent=3, ensure_ascii=False) + "\n").encode("utf-8")


class MailApiStandIn:
    """A local stand-in for Resend's POST /emails: checks the key, answers like the service
    (`statuses` are answered in turn before 200s, to play refusals and outages).

    It honours `Idempotency-Key` as Resend does: a repeat of a key it accepted, with the same
    body, gets the first answer again and sends nothing; the same key with another body is a
    409. `requests` holds every request; `delivered` only the emails actually sent.
    """

    def __init__(self, statuses: list[int] | None = None) -> None:
        import threading

        from werkzeug.wrappers import Request, Response

        from checkout_kit.local_server import serve

        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.delivered: list[dict[str, Any]] = []
        self.replayed = 0  # repeats answered from the idempotency record
        self.statuses = list(statuses or [])
        self._answers: dict[str, tuple[bytes, int, str]] = {}  # key -> (body, status, answer)
        self._lock = threading.Lock()

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            request = Request(environ)
            body = request.get_data()
            with self._lock:
                status, answer = self._answer(request.path, dict(request.headers), body)
            return Response(answer, status, mimetype="application/json")(environ, start_response)

        self.server = serve(app, name="mail-api")
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        self.requests.append((path, headers, body))
        if headers.get("Authorization") != "Bearer re_test_key":
            return 401, '{"name": "validation_error"}'
        key = headers.get("Idempotency-Key")
        if key and key in self._answers:
            first_body, status, answer = self._answers[key]
            if first_body != body:
                return 409, '{"name": "invalid_idempotent_request"}'
            self.replayed += 1
            return status, answer
        status = self.statuses.pop(0) if self.statuses else 200
        answer = json.dumps({"id": f"email_{len(self.requests)}"})
        if 200 <= status < 300:
            self.delivered.append(json.loads(body))
            if key:
                self._answers[key] = (body, status, answer)
        return status, answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def copy_project(dest: Path) -> Path:
    """The project's files as git sees them (tracked and new, not ignored), copied to `dest`:
    what a git push would hand a build service."""
    import shutil
    import subprocess

    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for rel in files:
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest
