"""`POST /api/webhook` through the real WSGI app, with a real SQLite store and a
fake Stripe that answers `retrieve_checkout_session` from fixtures (DESIGN §4, §8)."""

from __future__ import annotations

import copy
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from checkout_kit import webhooks
from checkout_kit.config import from_env
from checkout_kit.services import Services
from checkout_kit.stripe_gateway import NOT_FOUND, UNAVAILABLE, GatewayError
from checkout_kit.web import App
from checkout_kit.webhook_signature import compute_signature, sign_header

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVENTS = FIXTURES / "events"
SECRET = "whsec_route_tests_0123456789abcdef"
NEW_SECRET = "whsec_route_tests_rotated_fedcba987"
SESSION_ID = "cs_test_a1KitPaid0001"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def event(event_type: str = "checkout.session.completed", event_id: str = "evt_route_1",
          session_id: str = SESSION_ID) -> dict[str, Any]:
    data = fixture("checkout.session.completed.json")
    data.update(id=event_id, type=event_type)
    data["data"]["object"]["id"] = session_id
    return data


class FakeStripe:
    """Answers `retrieve_checkout_session` like Stripe, from a dict of sessions."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.failure: Exception | None = None
        self.calls: list[str] = []

    def add(self, session: dict[str, Any]) -> dict[str, Any]:
        self.sessions[session["id"]] = session
        return session

    def within(self, seconds: float) -> "FakeStripe":
        return self

    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]:
        self.calls.append(session_id)
        if self.failure is not None:
            raise self.failure
        if session_id not in self.sessions:
            raise GatewayError(NOT_FOUND, "Not found.", f"retrieve checkout session: HTTP 404 ({session_id})")
        return copy.deepcopy(self.sessions[session_id])

    def create_checkout_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        raise AssertionError("the webhook never creates sessions")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Shop:
    def __init__(self, tmp_path: Path, **env: str) -> None:
        values = {"DATABASE_URL": f"sqlite:///{tmp_path}/orders.db", "STRIPE_WEBHOOK_SECRET": SECRET,
                  "CATALOG_PATH": str(FIXTURES / "catalog.toml"), "OUTBOX_DIR": str(tmp_path / "outbox"),
                  "MERCHANT_EMAIL": "owner@shop.example", "STRIPE_SECRET_KEY": "sk_test_route123"}
        values.update(env)
        self.settings = from_env({k: v for k, v in values.items() if v is not None})
        self.services = Services(self.settings)
        self.stripe = FakeStripe()
        self.services._gateway = self.stripe
        self.app = App(self.services)
        self.store = self.services.store
        self.outbox = tmp_path / "outbox"

    def request(self, method: str, body: bytes = b"", signature: str | None = None,
                content_length: str | None = "auto", path: str = "/api/webhook") -> Answer:
        environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
                                   "CONTENT_TYPE": "application/json", "wsgi.input": io.BytesIO(body),
                                   "REMOTE_ADDR": "127.0.0.1"}
        if content_length == "auto":
            environ["CONTENT_LENGTH"] = str(len(body))
        elif content_length is not None:
            environ["CONTENT_LENGTH"] = content_length
        if signature is not None:
            environ["HTTP_STRIPE_SIGNATURE"] = signature
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            seen["status"], seen["headers"] = status, dict(headers)

        out = b"".join(self.app(environ, start_response))
        return Answer(int(seen["status"].split()[0]), seen["headers"], out)

    def deliver(self, payload: dict[str, Any] | bytes, secret: str = SECRET, timestamp: int | None = None) -> Answer:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.request("POST", body, sign_header(body, secret, timestamp))

    def outcomes(self) -> list[tuple[str | None, str | None, str]]:
        return [(d.event_id, d.event_type, d.outcome) for d in self.store.deliveries()]


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    s = Shop(tmp_path)
    yield s
    s.services.close()


def assert_error(answer: Answer, status: int, code: str | None = None) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    data = answer.json()
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message"}
    assert isinstance(data["error"]["message"], str) and data["error"]["message"]
    assert "Traceback" not in answer.body.decode()
    if code is not None:
        assert data["error"]["code"] == code
    return data["error"]


# ---- refused before anything is read -------------------------------------------------


def test_missing_signature_is_400_and_not_logged(shop: Shop) -> None:
    body = json.dumps(event()).encode()
    assert_error(shop.request("POST", body, None), 400, "invalid_signature")
    assert_error(shop.request("POST", body, ""), 400, "invalid_signature")
    assert shop.store.deliveries() == [] and shop.stripe.calls == []


@pytest.mark.parametrize("header", [
    "garbage",
    "t=abc,v1=" + "0" * 64,
    "v1=" + "0" * 64,
    "t=1700000000,v1=" + "é" * 64,  # not ASCII: compare_digest would raise TypeError (a 500)
    "t=1700000000,v1=\u00ff",
], ids=["garbage", "t-not-a-number", "no-t", "non-ascii-signature", "latin1-byte"])
def test_malformed_signatures_are_400(shop: Shop, header: str) -> None:
    assert_error(shop.request("POST", json.dumps(event()).encode(), header), 400, "invalid_signature")
    assert shop.store.deliveries() == []


def test_wrong_secret_and_tampered_body_are_400(shop: Shop) -> None:
    shop.stripe.add(fixture("session.paid.json"))
    assert_error(shop.deliver(event(), secret="whsec_not_ours_000000000"), 400, "invalid_signature")
    body = json.dumps(event()).encode()
    tampered = body.replace(b"evt_route_1", b"evt_route_2")
    assert_error(shop.request("POST", tampered, sign_header(body, SECRET)), 400, "invalid_signature")
    assert shop.store.deliveries() == [] and shop.stripe.calls == [] and shop.store.count("orders") == 0


def test_stale_signature_is_400_future_is_accepted(shop: Shop) -> None:
    shop.stripe.add(fixture("session.paid.json"))
    assert_error(shop.deliver(event(), timestamp=int(time.time()) - 301 - 5), 400, "invalid_signature")
    assert shop.store.deliveries() == []
    answer = shop.deliver(event(), timestamp=int(time.time()) + 600)
    assert answer.status == 200 and answer.json()["outcome"] == "fulfilled"


@pytest.mark.parametrize("body", [
    b"\xff\xfe",
    b'{"id": "evt_\xff", "type": "customer.created"}',
    b"not json",
    b"",
    b"[]",
    b'"evt_1"',
    b'{"type": "customer.created"}',
    b'{"id": "evt_1"}',
    b'{"id": 12, "type": "customer.created"}',
    b'{"id": "evt_1", "type": null}',
    b'{"id": "", "type": "customer.created"}',
    b"[" * 100_000,  # nests deeper than json recurses: RecursionError, not ValueError
    b'{"id": "evt_deep", "type": "customer.created", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
], ids=["not-utf8", "json-not-utf8", "not-json", "empty", "array", "string", "no-id", "no-type", "id-number",
        "type-null", "id-empty", "deep-nesting", "deep-nesting-in-data"])
def test_undecodable_bodies_with_a_valid_signature_are_400(shop: Shop, body: bytes) -> None:
    answer = shop.request("POST", body, f"t={int(time.time())},v1={compute_signature(body, SECRET, int(time.time()))}")
    assert_error(answer, 400)
    assert shop.stripe.calls == [] and shop.store.count("processed_events") == 0


def test_other_methods_are_405(shop: Shop) -> None:
    for method in ("GET", "PUT", "DELETE"):
        answer = shop.request(method)
        assert_error(answer, 405, "method_not_allowed")
        assert answer.headers["Allow"] == "POST"


def test_body_over_512_kib_is_413(shop: Shop) -> None:
    limit = webhooks.MAX_BODY_BYTES
    assert limit == 512 * 1024
    big = b'{"id": "evt_big", "type": "customer.created", "pad": "' + b"x" * limit + b'"}'
    assert_error(shop.request("POST", big, sign_header(big, SECRET)), 413, "body_too_large")
    # Without Content-Length (chunked), the stream is read only up to the limit.
    assert_error(shop.request("POST", big, sign_header(big, SECRET), content_length=None), 413, "body_too_large")
    assert shop.store.deliveries() == []


def test_body_of_exactly_512_kib_is_read(shop: Shop) -> None:
    head = b'{"id": "evt_edge", "type": "customer.created", "pad": "'
    body = head + b"x" * (webhooks.MAX_BODY_BYTES - len(head) - 2) + b'"}'
    assert len(body) == webhooks.MAX_BODY_BYTES
    answer = shop.request("POST", body, sign_header(body, SECRET))
    assert answer.status == 200 and answer.json() == {"received": True, "outcome": "ignored"}


def test_unset_secret_is_500_not_configured(tmp_path: Path) -> None:
    """500 rather than 400: Stripe keeps retrying, so events sent before the secret is set are not lost."""
    shop = Shop(tmp_path, STRIPE_WEBHOOK_SECRET="")
    shop.stripe.add(fixture("session.paid.json"))
    answer = shop.deliver(event())
    assert_error(answer, 500, "not_configured")
    assert shop.stripe.calls == [] and shop.store.deliveries() == [] and shop.store.count("orders") == 0


def test_rotated_secrets_are_all_accepted(tmp_path: Path) -> None:
    shop = Shop(tmp_path, STRIPE_WEBHOOK_SECRET=f"{SECRET}, {NEW_SECRET}")
    assert shop.deliver(fixture("customer.created.json"), secret=SECRET).status == 200
    second = dict(fixture("customer.created.json"), id="evt_rotated_2")
    assert shop.deliver(second, secret=NEW_SECRET).status == 200
    assert_error(shop.deliver(dict(second, id="evt_rotated_3"), secret="whsec_retired_secret_00000"), 400)
    assert [d[0] for d in shop.outcomes()] == ["evt_1QkitCustomer0000000001", "evt_rotated_2"]


def test_a_header_with_both_rotated_signatures_is_accepted(tmp_path: Path) -> None:
    """While rotating, Stripe signs with both secrets in one header: either secret on our side accepts it."""
    body = json.dumps(fixture("customer.created.json")).encode()
    now = int(time.time())
    header = f"t={now},v1={compute_signature(body, SECRET, now)},v1={compute_signature(body, NEW_SECRET, now)}"
    for configured in (SECRET, NEW_SECRET):
        shop = Shop(tmp_path / configured, STRIPE_WEBHOOK_SECRET=configured)
        assert shop.request("POST", body, header).status == 200


# ---- verified events ---------------------------------------------------------------------


def test_unknown_event_type_is_200_and_logged_as_ignored(shop: Shop) -> None:
    answer = shop.deliver(fixture("customer.created.json"))
    assert answer.status == 200 and answer.json() == {"received": True, "outcome": "ignored"}
    assert shop.outcomes() == [("evt_1QkitCustomer0000000001", "customer.created", "ignored")]
    assert shop.stripe.calls == [] and shop.store.count("orders") == 0


def test_handled_type_without_an_object_id_is_ignored(shop: Shop) -> None:
    data = event(event_id="evt_no_object")
    data["data"] = {"object": {"object": "checkout.session"}}
    answer = shop.deliver(data)
    assert answer.status == 200 and answer.json()["outcome"] == "ignored"
    assert shop.outcomes() == [("evt_no_object", "checkout.session.completed", "ignored")]
    assert shop.store.deliveries()[0].detail == "no data.object.id"
    assert shop.stripe.calls == []


def test_completed_session_becomes_one_paid_order(shop: Shop) -> None:
    shop.stripe.add(fixture("session.paid.json"))
    completed = fixture("checkout.session.completed.json")
    answer = shop.deliver(completed)
    assert answer.status == 200 and answer.json() == {"received": True, "outcome": "fulfilled"}
    order = shop.store.get_order(SESSION_ID)
    assert order is not None and order.status == "paid" and order.amount_total == 1500
    assert order.customer_email == "jenny@example.com"
    assert [(i.price_id, i.quantity, i.fulfillment_type) for i in order.items] == [("price_test_ebook", 1, "download")]
    assert order.items[0].fulfillment["url"] == "https://downloads.example.com/handbook.zip"
    assert shop.store.is_processed(completed["id"])
    assert shop.stripe.calls == [SESSION_ID]  # the session is re-read from Stripe, not trusted from the body
    assert sorted(m.kind for m in shop.store.emails(SESSION_ID)) == ["merchant_order", "receipt"]
    assert len(list(shop.outbox.glob("*.eml"))) == 2

    # The same event again (Stripe retries): one order, no new email.
    again = shop.deliver(completed)
    assert again.status == 200 and again.json()["outcome"] == "duplicate_event"
    assert shop.store.count("orders") == 1 and len(list(shop.outbox.glob("*.eml"))) == 2
    assert shop.outcomes() == [(completed["id"], "checkout.session.completed", "fulfilled"),
                               (completed["id"], "checkout.session.completed", "duplicate_event")]


def test_body_fields_are_not_trusted(shop: Shop) -> None:
    """An event body claiming `paid` does not make an order: Stripe's copy of the session decides."""
    unpaid = fixture("session.paid.json")
    unpaid.update(status="open", payment_status="unpaid")
    shop.stripe.add(unpaid)
    answer = shop.deliver(event(event_id="evt_claims_paid"))
    assert answer.status == 200 and answer.json()["outcome"] == "no_order"
    assert shop.store.get_order(SESSION_ID) is None


def test_expired_session_is_processed_without_an_order(shop: Shop) -> None:
    expired = fixture("checkout.session.expired.json")
    session = fixture("session.paid.json")
    session.update(id=expired["data"]["object"]["id"], status="expired", payment_status="unpaid")
    shop.stripe.add(session)
    answer = shop.deliver(expired)
    assert answer.status == 200 and answer.json()["outcome"] == "no_order"
    assert shop.store.count("orders") == 0 and shop.store.is_processed(expired["id"])


@pytest.mark.parametrize("metadata", [{}, None, {"kit": "another-app"}, {"kit_items": "x"}])
def test_session_without_kit_metadata_is_200_and_no_order(shop: Shop, metadata: Any) -> None:
    session = fixture("session.paid.json")
    session["metadata"] = metadata
    shop.stripe.add(session)
    answer = shop.deliver(event(event_id="evt_foreign"))
    assert answer.status == 200 and answer.json()["received"] is True
    assert answer.json()["outcome"] == "not_kit_session"
    assert shop.store.count("orders") == 0 and shop.store.count("jobs") == 0
    assert shop.outcomes() == [("evt_foreign", "checkout.session.completed", "not_kit_session")]


def test_session_not_found_at_stripe_is_200_ignored(shop: Shop) -> None:
    answer = shop.deliver(event(event_id="evt_elsewhere", session_id="cs_test_unknown"))
    assert answer.status == 200 and answer.json() == {"received": True, "outcome": "ignored"}
    assert shop.stripe.calls == ["cs_test_unknown"]
    assert shop.outcomes() == [("evt_elsewhere", "checkout.session.completed", "ignored")]
    assert shop.store.count("orders") == 0


def test_stripe_unavailable_is_503_and_the_retry_works(shop: Shop) -> None:
    shop.stripe.add(fixture("session.paid.json"))
    shop.stripe.failure = GatewayError(UNAVAILABLE, "The payment service is unavailable; please try again.",
                                       "retrieve checkout session: HTTP 500")
    completed = fixture("checkout.session.completed.json")
    answer = shop.deliver(completed)
    assert_error(answer, 503, "stripe_unavailable")
    assert not shop.store.is_processed(completed["id"])
    assert shop.store.get_order(SESSION_ID) is None
    assert shop.outcomes() == [(completed["id"], "checkout.session.completed", "failed")]

    shop.stripe.failure = None  # Stripe is back; Stripe retries the same event
    retry = shop.deliver(completed)
    assert retry.status == 200 and retry.json()["outcome"] == "fulfilled"
    assert shop.store.is_processed(completed["id"]) and shop.store.get_order(SESSION_ID).status == "paid"
    assert [o[2] for o in shop.outcomes()] == ["failed", "fulfilled"]


def test_an_unexpected_failure_is_500_without_a_trace_and_is_retried(shop: Shop) -> None:
    shop.stripe.add(fixture("session.paid.json"))
    shop.stripe.failure = RuntimeError(f"boom {SECRET}")
    completed = fixture("checkout.session.completed.json")
    answer = shop.deliver(completed)
    error = assert_error(answer, 500, "handler_failed")
    assert "boom" not in error["message"] and SECRET not in answer.body.decode()
    assert not shop.store.is_processed(completed["id"])
    assert shop.outcomes() == [(completed["id"], "checkout.session.completed", "failed")]
    assert SECRET not in shop.store.deliveries()[0].detail
    shop.stripe.failure = None
    assert shop.deliver(completed).json()["outcome"] == "fulfilled"


def test_every_verified_delivery_is_logged(shop: Shop) -> None:
    shop.stripe.add(fixture("session.paid.json"))
    completed = fixture("checkout.session.completed.json")
    shop.deliver(fixture("customer.created.json"))
    shop.deliver(event(event_id="evt_lost", session_id="cs_test_lost"))
    shop.stripe.failure = GatewayError(UNAVAILABLE, "down", "HTTP 503")
    shop.deliver(completed)
    shop.stripe.failure = None
    shop.deliver(completed)
    shop.deliver(completed)
    shop.request("POST", b"{}", "garbage")  # not verified: not logged
    assert shop.outcomes() == [
        ("evt_1QkitCustomer0000000001", "customer.created", "ignored"),
        ("evt_lost", "checkout.session.completed", "ignored"),
        (completed["id"], "checkout.session.completed", "failed"),
        (completed["id"], "checkout.session.completed", "fulfilled"),
        (completed["id"], "checkout.session.completed", "duplicate_event"),
    ]
    assert all(d.received_at > 0 for d in shop.store.deliveries())


def test_answers_never_carry_a_secret(tmp_path: Path) -> None:
    shop = Shop(tmp_path, STRIPE_WEBHOOK_SECRET=f"{SECRET},{NEW_SECRET}")
    shop.stripe.add(fixture("session.paid.json"))
    bodies = [shop.deliver(event()).body, shop.request("POST", b"{}", "garbage").body,
              shop.deliver(b"not json").body, shop.request("GET").body]
    for body in bodies:
        for secret in shop.settings.secrets():
            assert secret not in body.decode()
