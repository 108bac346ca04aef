"""The whole shop for the core's tests: the dev server (WSGI app + emulator)
on free ports, a real SMTP server, and SQLite or a real PostgreSQL. It sells the
fixture catalog from the fixture storefront (tests/fixtures/), never the owner's
catalog.toml or site/, so the owner's edits cannot fail a kit test."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from checkout_kit.devserver import DevShop
from checkout_kit.webhook_signature import sign_header
from tests.support.smtp import SmtpServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_SITE = FIXTURES / "site"
WEBHOOK_SECRET = "whsec_core_tests_0123456789"
CUSTOMER = "jenny@example.com"
MERCHANT = "owner@shop.example"
SUPPORT = "help@shop.example"


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> HttpAnswer:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return HttpAnswer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return HttpAnswer(exc.code, dict(exc.headers), exc.read())


class Shop:
    """Drive the running shop as a browser, Stripe and the owner would."""

    def __init__(self, dev: DevShop, smtp: SmtpServer) -> None:
        self.dev = dev
        self.smtp = smtp
        self.url = dev.url
        self.emulator = dev.emulator
        self.services = dev.services
        self.store = dev.services.store

    def post_json(self, path: str, payload: Any, headers: dict[str, str] | None = None) -> HttpAnswer:
        return http("POST", self.url + path, json.dumps(payload).encode(),
                    {"Content-Type": "application/json", **(headers or {})})

    def checkout(self, payload: Any, **headers: str) -> HttpAnswer:
        return self.post_json("/api/create-checkout-session", payload, headers)

    def new_session(self, price_id: str = "price_test_ebook", quantity: int = 1, **extra: Any) -> str:
        answer = self.checkout({"priceId": price_id, "quantity": quantity, **extra})
        assert answer.status == 200, answer.body
        return answer.json()["id"]

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = http("POST" if body is not None else "GET", f"{self.emulator.url}/_emulator/{path}",
                      json.dumps(body).encode() if body is not None else None, {"Content-Type": "application/json"})
        return answer.json()

    def pay(self, session_id: str, **body: Any) -> dict[str, Any]:
        body.setdefault("email", CUSTOMER)
        body.setdefault("name", "Jenny Rosen")
        body.setdefault("shipping", {"shippingName": "Jenny Rosen", "shippingAddressLine1": "1 Main St",
                                     "shippingLocality": "Springfield", "shippingPostalCode": "12345",
                                     "shippingCountry": "US"})  # used only where the session collects it
        return self.control(f"sessions/{session_id}/pay", body)

    def summary(self, session_id: str) -> HttpAnswer:
        return http("GET", f"{self.url}/api/checkout-session?session_id={session_id}")

    def events(self, event_type: str) -> list[dict[str, Any]]:
        answer = http("GET", f"{self.emulator.url}/v1/events?type={event_type}&limit=100",
                      headers={"Authorization": "Bearer sk_test_x"})
        return answer.json()["data"]

    def deliver(self, event: dict[str, Any], secret: str = WEBHOOK_SECRET) -> HttpAnswer:
        """Send an event to the webhook as Stripe does, signed now."""
        body = json.dumps(event).encode()
        return http("POST", f"{self.url}/api/webhook", body,
                    {"Content-Type": "application/json", "Stripe-Signature": sign_header(body, secret)})

    def settle_deliveries(self, timeout: float = 10.0) -> None:
        """Wait until the emulator has delivered every event it has (so no retry is in flight)."""
        assert self.emulator.deliverer.wait_idle(timeout)

    def wait_order(self, session_id: str, status: str = "paid", timeout: float = 10.0) -> Any:
        deadline = time.time() + timeout
        while time.time() < deadline:
            order = self.store.get_order(session_id)
            if order is not None and order.status == status:
                return order
            time.sleep(0.05)
        raise AssertionError(f"order {session_id} never became {status}: {self.store.get_order(session_id)}")

    def join(self, price_id: str = "price_test_monthly", **pay: Any) -> str:
        """Become a member (paying as `pay` says, 4242 by default) and wait for the welcome; the session id."""
        session_id = self.new_session(price_id)
        assert self.pay(session_id, **pay)["result"] == "paid"
        self.smtp.wait_for(lambda ms: any("Welcome" in m["Subject"] for m in ms))
        self.settle_deliveries()
        return session_id

    def receipts(self, to: str = CUSTOMER) -> list[Any]:
        return [m for m in self.smtp.to(to) if "receipt" in m["Subject"].lower()]


def shop_env(database_url: str, smtp: SmtpServer, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url, "SMTP_URL": smtp.url, "MERCHANT_EMAIL": MERCHANT, "SUPPORT_EMAIL": SUPPORT,
        "EMAIL_FROM": "Test Shop <shop@shop.example>", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CATALOG_PATH": str(FIXTURES / "catalog.toml"), "RATE_LIMIT_PER_MINUTE": "0",
        # The test server is a direct connection on a free port: prepare, as DATABASE_PREPARE=auto does on 5432.
        "DATABASE_PREPARE": "on", **extra,
    }


def start_shop(env: dict[str, str], smtp: SmtpServer, site: Path = FIXTURE_SITE, root: Path | None = None) -> Shop:
    """The dev shop on free ports; `site` is its storefront, `root` the project with js/ and the landing pages."""
    dev = DevShop(port=0, emulator_port=0, env=env, site=site, settle_after=None, retry_first_delay=0.05,
                  **({"root": root} if root else {}))
    dev.start()
    return Shop(dev, smtp)


@pytest.fixture(params=["sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """The shop on SQLite (tests that also need PostgreSQL use `any_shop`)."""
    s = start_shop(shop_env(f"sqlite:///{tmp_path}/orders.db", smtp), smtp)
    yield s
    s.dev.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def any_shop(request: pytest.FixtureRequest, tmp_path: Path, smtp: SmtpServer) -> Iterator[Shop]:
    """The shop on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/orders.db"
    else:
        url = request.getfixturevalue("postgres").create_database()
    s = start_shop(shop_env(url, smtp), smtp)
    yield s
    s.dev.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The store alone, on SQLite and on a real PostgreSQL."""
    from checkout_kit.store import open_store

    url = f"sqlite:///{tmp_path}/s.db" if request.param == "sqlite" else \
        request.getfixturevalue("postgres").create_database()
    s = open_store(url, prepare="on")  # a direct connection, as `shop_env` says
    yield s
    s.close()


@pytest.fixture
def make_shop(tmp_path: Path, smtp: SmtpServer) -> Iterator[Any]:
    """Start extra shops with their own settings (and their own database); stopped afterwards."""
    started: list[Shop] = []

    def make(**extra: str) -> Shop:
        s = start_shop(shop_env(f"sqlite:///{tmp_path}/extra-{len(started)}.db", smtp, **extra), smtp)
        started.append(s)
        return s

    yield make
    for s in started:
        s.dev.stop()


def run_threads(count: int, target: Any) -> list[Any]:
    """Run `target(i)` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = target(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


# ---- the after-sale shop: one product of every kind (tests/support/after_sale.py) ---------------


@pytest.fixture
def hooks_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where tests/hooks.py logs the owner's hook calls."""
    directory = tmp_path / "hook-calls"
    directory.mkdir()
    monkeypatch.setenv("KIT_TEST_HOOKS_DIR", str(directory))
    return directory


def start_after_shop(tmp_path: Path, smtp: SmtpServer, database_url: str) -> Shop:
    from tests.support.after_sale import write_shop
    from tests.support.servers import WebhookReceiver

    receiver = WebhookReceiver()
    extra = write_shop(tmp_path / "project", receiver.url)
    shop = start_shop(shop_env(database_url, smtp, **extra), smtp)
    shop.receiver = receiver  # type: ignore[attr-defined]
    shop.project = tmp_path / "project"  # type: ignore[attr-defined]
    return shop


def stop_after_shop(shop: Shop) -> None:
    shop.dev.stop()
    shop.receiver.close()  # type: ignore[attr-defined]


@pytest.fixture
def after_shop(tmp_path: Path, smtp: SmtpServer, hooks_dir: Path) -> Iterator[Shop]:
    """The after-sale shop on SQLite."""
    s = start_after_shop(tmp_path, smtp, f"sqlite:///{tmp_path}/orders.db")
    yield s
    stop_after_shop(s)


@pytest.fixture(params=["sqlite", "postgres"])
def any_after_shop(request: pytest.FixtureRequest, tmp_path: Path, smtp: SmtpServer, hooks_dir: Path) -> Iterator[Shop]:
    """The after-sale shop on SQLite and on a real PostgreSQL."""
    url = f"sqlite:///{tmp_path}/orders.db" if request.param == "sqlite" else \
        request.getfixturevalue("postgres").create_database()
    s = start_after_shop(tmp_path, smtp, url)
    yield s
    stop_after_shop(s)


def buy(shop: Shop, price: str, quantity: int = 1, email: str = CUSTOMER) -> str:
    """A paid order, completed as Stripe does (the emulator pays and delivers the webhook); its session id."""
    return paid_order(shop, price, quantity, email=email).session_id


def paid_order(shop: Shop, price_id: str, quantity: int = 1, **pay: Any) -> Any:
    """Buy and pay through the emulator; the order once the webhook recorded it."""
    session_id = shop.new_session(price_id, quantity)
    assert shop.pay(session_id, **pay)["result"] == "paid"
    return shop.wait_order(session_id)


@pytest.fixture
def cli(after_shop: Shop, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The owner's after-sale commands (`orders ship|refund`), run against the running shop."""
    from checkout_kit import owner_orders

    monkeypatch.setattr(owner_orders, "_services", lambda: after_shop.services)
    return owner_orders
