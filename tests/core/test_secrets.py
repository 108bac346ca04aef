"""Secrets never appear in a response, a log line or an email (DESIGN §8), and
the cron route is guarded by CRON_SECRET.

A shop with every secret set (webhook signing secret, the emulator's secret
key, an SMTP login, CRON_SECRET, ADMIN_TOKEN) sells for real — through a real
SMTP server that demands that login — and is pushed through its failures, while
every log record, response and email is kept and searched.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from checkout_kit import services as services_module
from checkout_kit.config import Secret
from checkout_kit.devserver import EMULATOR_KEY
from checkout_kit.mail import SmtpTransport
from checkout_kit.services import Services
from checkout_kit.web import App, call_wsgi, environ_for
from checkout_kit.webhook_signature import sign_header
from tests.core.conftest import CUSTOMER, MERCHANT, WEBHOOK_SECRET, Shop, shop_env, start_shop
from tests.support.smtp import SmtpServer, _Collect
from tests.support.outbox import drained, make_due

# aiosmtpd warns when AUTH is offered without TLS: on loopback in a test that is the point.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

SMTP_USER = "shop-mailer"
SMTP_PASSWORD = "smtp-Pa55w0rd-q8Zr4tLx"
CRON_SECRET = "cron-secret-Hq2mV9xT4bN7"
ADMIN_TOKEN = "admin-token-Wd5kP1sJ8cR3"
WRONG_SMTP_PASSWORD = "wrong-smtp-pw-Ys6Ne2Ga"
SECRETS = [WEBHOOK_SECRET, EMULATOR_KEY, SMTP_PASSWORD, CRON_SECRET, ADMIN_TOKEN]
# Without their well-known prefixes too: a leak of the tail is still a leak.
FRAGMENTS = ["core_tests_0123456789", "emulator_dev"]


class AuthSmtpServer(SmtpServer):
    """The test SMTP server, but it takes mail only after AUTH with SMTP_USER / SMTP_PASSWORD."""

    def __init__(self) -> None:
        super().__init__()
        self.logins: list[tuple[str, bool]] = []

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER \
            and auth_data.password.decode() == SMTP_PASSWORD
        self.logins.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    def start(self) -> "AuthSmtpServer":
        # Plain-text AUTH is fine on loopback in a test; real servers offer STARTTLS, which the kit uses.
        self.controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port,
                                     authenticator=self._authenticate, auth_required=True, auth_require_tls=False)
        self.controller.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{self.port}"


@pytest.fixture
def auth_smtp() -> Iterator[AuthSmtpServer]:
    server = AuthSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def secret_shop(tmp_path: Path, auth_smtp: AuthSmtpServer) -> Iterator[Shop]:
    env = shop_env(f"sqlite:///{tmp_path}/orders.db", auth_smtp, CRON_SECRET=CRON_SECRET, ADMIN_TOKEN=ADMIN_TOKEN,
                   RATE_LIMIT_PER_MINUTE="1000")
    assert env["SMTP_URL"] == auth_smtp.url and SMTP_PASSWORD in env["SMTP_URL"]
    s = start_shop(env, auth_smtp)
    yield s
    s.dev.stop()


class Recorder:
    """Every HTTP answer the tests' client got (the Shop helper's `http` is swapped for this)."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.answers: list[tuple[str, str, Any]] = []

    def __call__(self, method: str, url: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> Any:
        answer = self.original(method, url, body, headers)
        self.answers.append((method, url, answer))
        return answer


@pytest.fixture
def recorder(secret_shop: Shop, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    module = sys.modules[type(secret_shop).__module__]  # the conftest module the Shop helper really uses
    rec = Recorder(module.http)
    monkeypatch.setattr(module, "http", rec)
    return rec


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in text]


def log_text(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = []
    for record in caplog.records:
        text = formatter.format(record)  # with the traceback, when there is one
        texts.append(f"{text} {record.args!r}")
    return texts


def assert_nothing_leaked(secrets: list[str], caplog: pytest.LogCaptureFixture, answers: list[tuple[str, str, Any]],
                          emails: list[Any]) -> None:
    for text in log_text(caplog):
        assert not leaks(text, secrets), text
    for method, url, answer in answers:
        whole = json.dumps(answer.headers) + answer.body.decode("utf-8", "replace")
        assert not leaks(whole, secrets), (method, url, answer.status, whole[:500])
    for message in emails:
        raw = bytes(message).decode("utf-8", "replace")
        parts = [raw] + [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        for part in parts:
            assert not leaks(part, secrets), (message["Subject"], part[:500])


def wsgi(app: App, method: str, path: str, body: bytes = b"", **headers: str) -> Any:
    route, _, query = path.partition("?")
    status, response_headers, data = call_wsgi(app, environ_for(method, route, query, headers, body, "127.0.0.1"))

    class Answer:
        pass

    Answer.status, Answer.headers, Answer.body = status, dict(response_headers), data
    return Answer


# ---- the whole life of an order, and its failures --------------------------------------------


def test_no_secret_in_logs_responses_or_emails(secret_shop: Shop, recorder: Recorder, auth_smtp: AuthSmtpServer,
                                               caplog: pytest.LogCaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG, logger="checkout_kit")
    shop = secret_shop
    settings = shop.services.settings
    secrets = sorted(set(SECRETS + FRAGMENTS + settings.secrets() + [WRONG_SMTP_PASSWORD]))
    assert settings.stripe_secret_key.reveal() == EMULATOR_KEY
    assert set(settings.secrets()) >= {WEBHOOK_SECRET, EMULATOR_KEY, CRON_SECRET, ADMIN_TOKEN, auth_smtp.url}

    # A purchase, start to finish: checkout, pay, webhook, emails over the SMTP login, success page.
    answer = shop.checkout({"items": [{"priceId": "price_test_ebook"}, {"priceId": "price_test_ticket", "quantity": 2}],
                            "customerEmail": CUSTOMER, "clientReferenceId": "ref-1"}, Origin=shop.url)
    assert answer.status == 200, answer.body
    session_id = answer.json()["id"]
    assert shop.pay(session_id)["result"] == "paid"
    shop.wait_order(session_id)
    auth_smtp.wait_for(lambda msgs: len(shop.receipts()) == 1 and len(auth_smtp.to(MERCHANT)) == 1)
    assert auth_smtp.logins and all(ok for _, ok in auth_smtp.logins)  # the password from SMTP_URL was used
    assert shop.summary(session_id).status == 200
    shop.settle_deliveries()
    # Stripe retries a delivery: a replay is acknowledged, nothing is sent twice.
    [completed] = [e for e in shop.events("checkout.session.completed") if e["data"]["object"]["id"] == session_id]
    assert shop.deliver(completed).status == 200

    # Webhooks that fail verification.
    assert shop.deliver(completed, secret="whsec_not_the_right_one_000").status == 400
    http = recorder
    body = json.dumps(completed).encode()
    assert http("POST", f"{shop.url}/api/webhook", body, {"Content-Type": "application/json"}).status == 400
    stale = sign_header(body, WEBHOOK_SECRET, timestamp=1_000_000_000)
    assert http("POST", f"{shop.url}/api/webhook", body, {"Stripe-Signature": stale}).status == 400
    assert http("POST", f"{shop.url}/api/webhook", b"not json",
                {"Stripe-Signature": sign_header(b"not json", WEBHOOK_SECRET)}).status == 400
    assert http("POST", f"{shop.url}/api/webhook", body, {"Stripe-Signature": "t=garbage,v1=zz"}).status == 400

    # Refused checkouts.
    assert shop.checkout({"priceId": "price_test_ebook"}, Origin="https://evil.example").status == 403
    assert shop.checkout({"priceId": "price_test_ebook"}, Origin="null").status == 403
    assert shop.checkout({"priceId": "price_nope"}).status == 400
    route = f"{shop.url}/api/create-checkout-session"
    assert http("POST", route, b"{", {"Content-Type": "application/json"}).status == 400
    assert http("GET", route).status == 405
    assert http("POST", route, b"x", {"Content-Type": "text/plain"}).status == 415
    assert shop.summary("cs_test_" + "Z" * 40).status == 404
    assert shop.summary("nope").status == 400

    # The cron route, wrong and right; the bearer secret is never echoed.
    for given in (None, "Bearer wrong", CRON_SECRET, f"Bearer {CRON_SECRET}x", f"bearer {CRON_SECRET}"):
        headers = {"Authorization": given} if given else {}
        assert http("GET", f"{shop.url}/api/cron/outbox", headers=headers).status == 401
    assert http("GET", f"{shop.url}/api/cron/outbox", headers={"Authorization": f"Bearer {CRON_SECRET}"}).status == 200

    # The SMTP login is refused: the email stays queued, the log says why without the password.
    second = shop.new_session("price_test_ticket", 1)
    monkeypatch.setattr(shop.services, "_mailer",
                        SmtpTransport(f"smtp://{SMTP_USER}:{WRONG_SMTP_PASSWORD}@127.0.0.1:{auth_smtp.port}"))
    assert shop.pay(second)["result"] == "paid"
    shop.wait_order(second)
    shop.settle_deliveries()
    assert shop.store.pending_email_count() >= 1
    assert any(not ok for _, ok in auth_smtp.logins)
    monkeypatch.setattr(shop.services, "_mailer", SmtpTransport(settings.smtp_url.reveal()))
    make_due(shop.store)  # the cron comes after the backoff
    retried = http("GET", f"{shop.url}/api/cron/outbox", headers={"Authorization": f"Bearer {CRON_SECRET}"})
    assert retried.status == 200 and retried.json()["done"] >= 1 and retried.json()["pending"] == 0

    # Stripe down: the buyer gets a safe 502, a webhook gets a 503 so Stripe retries.
    third = shop.new_session()
    shop.settle_deliveries()
    monkeypatch.setattr(shop.services.gateway, "retry_delays", ())
    shop.emulator.stop()
    assert shop.checkout({"priceId": "price_test_ebook"}).status == 502
    assert shop.checkout({"lookupKey": "sticker-pack"}).status == 502
    assert shop.summary(third).status == 502
    event = {"id": "evt_secret_test_1", "object": "event", "type": "checkout.session.completed",
             "data": {"object": {"id": third, "object": "checkout.session"}}}
    assert shop.deliver(event).status == 503

    emails = list(auth_smtp.messages)
    assert len(emails) >= 4
    assert len(recorder.answers) >= 25
    assert len(caplog.records) > 50 and any(r.levelno >= logging.ERROR for r in caplog.records)  # all was logged
    assert_nothing_leaked(secrets, caplog, recorder.answers, emails)


def test_the_leak_check_can_fail(caplog: pytest.LogCaptureFixture) -> None:
    """The search above finds a secret where there is one (a test that cannot fail is a defect)."""
    caplog.set_level(logging.DEBUG, logger="checkout_kit")
    logging.getLogger("checkout_kit.test").debug("key is %s", EMULATOR_KEY)
    with pytest.raises(AssertionError):
        assert_nothing_leaked(SECRETS, caplog, [], [])


# ---- configuration errors -------------------------------------------------------------------


BAD_SETTINGS = [
    {"STRIPE_SECRET_KEY": "sk_test_Secr3tKey-with-a-dash-Q1w2"},
    {"STRIPE_SECRET_KEY": "sk_live_Secr3tKey Q1w2e3r4"},
    {"STRIPE_WEBHOOK_SECRET": "not_whsec_Secr3tSigningValue"},
    {"SMTP_URL": "http://mailer:Secr3tMailPass@mail.example:587"},
    {"SMTP_URL": "smtp://mailer:Secr3tMailPass@"},
    {"DATABASE_URL": "mysql://shop:Secr3tDbPass@db.example/shop"},
    {"MAIL_API": "sendgrid", "MAIL_API_KEY": "SG.Secr3tApiKey"},
    {"VERCEL": "1", "DATABASE_URL": "sqlite:///.data/x.db", "MAIL_API_KEY": "re_Secr3tApiKey"},
    {"RATE_LIMIT_PER_MINUTE": "lots"},
]


@pytest.mark.parametrize("bad", BAD_SETTINGS)
def test_configuration_errors_name_the_variable_not_the_secret(
        bad: dict[str, str], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG, logger="checkout_kit")
    monkeypatch.chdir(tmp_path)  # no stray .env
    good = {"STRIPE_SECRET_KEY": "sk_test_GoodSecr3tKeyValue9", "STRIPE_WEBHOOK_SECRET": "whsec_GoodSecr3tSigning7",
            "SMTP_URL": "smtp://mailer:GoodSecr3tMailPass@127.0.0.1:1", "CRON_SECRET": CRON_SECRET,
            "ADMIN_TOKEN": ADMIN_TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path}/orders.db"}
    env = {**good, **bad}
    for name in ("VERCEL", "NETLIFY", "MAIL_API", "MAIL_API_KEY", "RATE_LIMIT_PER_MINUTE", "SITE_URL",
                 "ALLOWED_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    secrets = [v for v in [*good.values(), *bad.values()] if "Secr3t" in v or v in (CRON_SECRET, ADMIN_TOKEN)]
    secrets += ["Secr3tKey-with-a-dash-Q1w2", "Secr3tKey Q1w2e3r4", "Secr3tSigningValue", "Secr3tMailPass",
                "Secr3tDbPass", "Secr3tApiKey", "GoodSecr3t"]
    services_module.reset_shared()
    try:
        app = App()
        answers = []
        for method, path, body, headers in [
            ("POST", "/api/create-checkout-session", b'{"priceId": "price_test_ebook"}',
             {"Content_Type": "application/json"}),
            ("POST", "/api/webhook", b"{}", {"Stripe_Signature": "t=1,v1=00"}),
            ("GET", "/api/checkout-session?session_id=cs_test_abc", b"", {}),
            ("GET", "/api/cron/outbox", b"", {"Authorization": f"Bearer {CRON_SECRET}"}),
        ]:
            answer = wsgi(app, method, path, body, **headers)
            assert answer.status == 500, (bad, path, answer.body)
            assert json.loads(answer.body)["error"]["code"] == "misconfigured"
            answers.append((method, path, answer))
    finally:
        services_module.reset_shared()
    variable = next(iter(bad)) if "VERCEL" not in bad else "DATABASE_URL"
    problems = [r.getMessage() for r in caplog.records if "configuration problem" in r.getMessage()]
    assert problems and all(variable in p for p in problems), problems
    assert_nothing_leaked(secrets, caplog, answers, [])


def test_a_missing_webhook_secret_is_a_500_without_secrets(secret_shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="checkout_kit")
    settings = replace(secret_shop.services.settings, stripe_webhook_secrets=())
    services = Services(settings)
    try:
        body = b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"id": "cs_test_1"}}}'
        answer = wsgi(App(services), "POST", "/api/webhook", body,
                      Stripe_Signature=sign_header(body, WEBHOOK_SECRET), Content_Type="application/json")
    finally:
        services.close()
    assert answer.status == 500
    assert json.loads(answer.body)["error"]["code"] == "not_configured"
    assert any("STRIPE_WEBHOOK_SECRET" in r.getMessage() for r in caplog.records)
    assert_nothing_leaked(SECRETS + settings.secrets(), caplog, [("POST", "/api/webhook", answer)], [])


def test_a_database_that_refuses_is_a_500_without_its_password(secret_shop: Shop, caplog: pytest.LogCaptureFixture,
                                                                tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    caplog.set_level(logging.DEBUG, logger="checkout_kit")
    from tests.support.servers import free_port

    password = "Secr3tDbPass-Lk7"
    settings = replace(secret_shop.services.settings,
                       database_url=Secret(f"postgresql://shop:{password}@127.0.0.1:{free_port()}/shop"),
                       rate_limit_per_minute=5)
    services = Services(settings)
    try:
        answer = wsgi(App(services), "POST", "/api/create-checkout-session", b'{"priceId": "price_test_ebook"}',
                      Content_Type="application/json")
    finally:
        services.close()
    assert answer.status in (500, 503), answer.body
    assert_nothing_leaked([password, *SECRETS], caplog, [("POST", "checkout", answer)], [])


# ---- the cron route ---------------------------------------------------------------------------


def test_cron_route_is_off_without_cron_secret(shop: Shop) -> None:
    from tests.core.conftest import http

    assert shop.services.settings.cron_secret is None
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}, {"Authorization": "Bearer x"}):
        answer = http("GET", f"{shop.url}/api/cron/outbox", headers=headers)
        assert answer.status == 403, answer.body
        assert answer.json()["error"]["code"] == "not_configured"


def test_cron_route_needs_the_right_bearer(secret_shop: Shop) -> None:
    from tests.core.conftest import http

    url = f"{secret_shop.url}/api/cron/outbox"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": CRON_SECRET},
                    {"Authorization": f"Bearer {CRON_SECRET[:-1]}"}, {"Authorization": f"Bearer {ADMIN_TOKEN}"},
                    {"Authorization": f"Basic {CRON_SECRET}"}, {"Authorization": f"Bearer  {CRON_SECRET}"}):
        answer = http("GET", url, headers=headers)
        assert answer.status == 401, (headers, answer.body)
        assert answer.json()["error"]["code"] == "unauthorized"
        assert CRON_SECRET.encode() not in answer.body
    answer = http("GET", url, headers={"Authorization": f"Bearer {CRON_SECRET}"})
    assert answer.status == 200, answer.body
    assert drained(answer.json()) == {"done": 0, "retrying": 0, "gave_up": 0, "pending": 0}
    assert answer.headers["Cache-Control"] == "no-store"
