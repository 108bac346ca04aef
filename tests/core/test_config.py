"""`checkout_kit.config`: every bad setting names its variable, secrets never show (DESIGN §3, §8)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checkout_kit.config import (
    DEFAULT_DATABASE_URL,
    ConfigError,
    Secret,
    Settings,
    from_env,
    load_dotenv_file,
    mask,
    origin_of,
    redact_url,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SIGNING_KEY = "test-signing-key-0123456789-abcdefghijklmnop"
PG = "postgresql://shop:pg-pass-0000@db.example.com:5432/shop"
SMTP = "smtps://mailer:smtp-pass-0000@smtp.example.com:465"


# ---- a valid configuration -------------------------------------------------------------


def test_defaults_for_local_development() -> None:
    s = from_env({})
    assert s.site_url == "http://127.0.0.1:8000" and s.site_origin == "http://127.0.0.1:8000"
    assert s.database_url.reveal() == DEFAULT_DATABASE_URL == "sqlite:///.data/orders.db"
    assert s.stripe_secret_key is None and s.stripe_webhook_secrets == ()
    assert s.mail_transport == "outbox" and s.serverless is None
    assert s.rate_limit_per_minute == 30 and s.catalog_path == "catalog.toml"
    assert s.allowed_origins == () and s.origins == frozenset({"http://127.0.0.1:8000"})


def test_a_full_production_configuration() -> None:
    s = from_env({
        "STRIPE_SECRET_KEY": " sk_live_51Abc123 ", "STRIPE_WEBHOOK_SECRET": "whsec_one, ,whsec_two,",
        "STRIPE_PUBLISHABLE_KEY": "pk_live_51Abc", "SITE_URL": "https://Shop.Example.com/",
        "ALLOWED_ORIGINS": " https://www.example.com/ ,HTTPS://Blog.Example.com", "DATABASE_URL": PG,
        "EMAIL_FROM": "Shop <shop@example.com>", "SUPPORT_EMAIL": "help@example.com",
        "MERCHANT_EMAIL": "owner@example.com", "SMTP_URL": SMTP, "CRON_SECRET": "cron-0000",
        "ADMIN_TOKEN": "admin-0000", "RATE_LIMIT_PER_MINUTE": "0", "VERCEL": "1", "CATALOG_PATH": "shop.toml",
        "KIT_SIGNING_KEY": SIGNING_KEY,
    })
    assert s.stripe_secret_key == Secret("sk_live_51Abc123")
    assert [w.reveal() for w in s.stripe_webhook_secrets] == ["whsec_one", "whsec_two"]
    assert s.site_url == "https://Shop.Example.com" and s.site_origin == "https://shop.example.com"
    assert s.allowed_origins == ("https://www.example.com", "https://blog.example.com")
    assert s.origins == {"https://shop.example.com", "https://www.example.com", "https://blog.example.com"}
    assert s.serverless == "vercel" and s.mail_transport == "smtp" and s.rate_limit_per_minute == 0
    assert s.catalog_path == "shop.toml" and s.support_email == "help@example.com"
    assert sorted(s.secrets()) == sorted(["sk_live_51Abc123", "whsec_one", "whsec_two", SMTP, "cron-0000",
                                          "admin-0000", "pg-pass-0000", SIGNING_KEY])


def test_reads_os_environ_when_no_mapping_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SITE_URL", "VERCEL", "NETLIFY", "DATABASE_URL", "STRIPE_SECRET_KEY", "RATE_LIMIT_PER_MINUTE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SITE_URL", "https://env.example.com")
    assert from_env().site_url == "https://env.example.com"


def test_empty_values_count_as_unset() -> None:
    s = from_env({"SITE_URL": "", "DATABASE_URL": " ", "STRIPE_SECRET_KEY": "", "RATE_LIMIT_PER_MINUTE": "",
                  "MAIL_API": "", "SMTP_URL": "  ", "STRIPE_WEBHOOK_SECRET": " , "})
    assert s.site_url == "http://127.0.0.1:8000" and s.database_url.reveal() == DEFAULT_DATABASE_URL
    assert s.rate_limit_per_minute == 30 and s.mail_transport == "outbox" and s.stripe_webhook_secrets == ()


@pytest.mark.parametrize("key", ["sk_test_abc123", "sk_live_51Hx_yz", "rk_test_abc", "rk_live_ABC123"])
def test_secret_and_restricted_keys_are_accepted(key: str) -> None:
    assert from_env({"STRIPE_SECRET_KEY": key}).stripe_secret_key.reveal() == key  # type: ignore[union-attr]


def test_mail_api_transport() -> None:
    s = from_env({"MAIL_API": "Resend", "MAIL_API_KEY": "re_key_0000", "MAIL_API_BASE": "http://127.0.0.1:9/"})
    assert s.mail_transport == "api" and s.mail_api == "resend" and s.mail_api_base == "http://127.0.0.1:9"


# ---- one clear error naming the variable --------------------------------------------------


BAD = [
    ({"STRIPE_SECRET_KEY": "pk_test_abc123"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_SECRET_KEY": "sk_abc123"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_SECRET_KEY": "whsec_abc123"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_SECRET_KEY": "sk_test_"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_SECRET_KEY": "sk_test_abc def"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_SECRET_KEY": "SK_TEST_abc"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_WEBHOOK_SECRET": "sk_test_abc123"}, "STRIPE_WEBHOOK_SECRET"),
    ({"STRIPE_WEBHOOK_SECRET": "whsec_good,not_a_secret"}, "STRIPE_WEBHOOK_SECRET"),
    ({"STRIPE_PUBLISHABLE_KEY": "sk_test_abc123"}, "STRIPE_PUBLISHABLE_KEY"),
    ({"SITE_URL": "https://shop.example.com/shop"}, "SITE_URL"),
    ({"SITE_URL": "https://shop.example.com/shop/"}, "SITE_URL"),
    ({"SITE_URL": "ftp://shop.example.com"}, "SITE_URL"),
    ({"SITE_URL": "shop.example.com"}, "SITE_URL"),
    ({"SITE_URL": "https://"}, "SITE_URL"),
    ({"SITE_URL": "https://shop.example.com?ref=1"}, "SITE_URL"),
    ({"SITE_URL": "https://shop.example.com#top"}, "SITE_URL"),
    ({"SITE_URL": "https://shop.example.com?"}, "SITE_URL"),
    ({"SITE_URL": "https://shop example.com"}, "SITE_URL"),
    ({"ALLOWED_ORIGINS": "*"}, "ALLOWED_ORIGINS"),
    ({"ALLOWED_ORIGINS": "www.example.com"}, "ALLOWED_ORIGINS"),
    ({"ALLOWED_ORIGINS": "https://www.example.com/shop"}, "ALLOWED_ORIGINS"),
    ({"ALLOWED_ORIGINS": "https://ok.example.com,ftp://bad.example.com"}, "ALLOWED_ORIGINS"),
    ({"ALLOWED_ORIGINS": "https://"}, "ALLOWED_ORIGINS"),
    ({"DATABASE_URL": "mysql://u:p@db.example.com/shop"}, "DATABASE_URL"),
    ({"DATABASE_URL": "sqlite://orders.db"}, "DATABASE_URL"),
    ({"DATABASE_URL": "orders.db"}, "DATABASE_URL"),
    ({"SMTP_URL": "http://mail.example.com"}, "SMTP_URL"),
    ({"SMTP_URL": "mail.example.com:587"}, "SMTP_URL"),
    ({"SMTP_URL": "smtp://"}, "SMTP_URL"),
    ({"SMTP_URL": "smtp://user:pass@mail.example.com:abc"}, "SMTP_URL"),
    ({"SMTP_URL": "smtp://mail.example.com:99999"}, "SMTP_URL"),
    ({"MAIL_API": "sendgrid", "MAIL_API_KEY": "k"}, "MAIL_API"),
    ({"MAIL_API": "resend"}, "MAIL_API_KEY"),
    ({"MAIL_API_KEY": "re_key_without_api"}, "MAIL_API"),
    ({"MAIL_API": "resend", "MAIL_API_KEY": "  "}, "MAIL_API_KEY"),
    ({"MAIL_API_BASE": "ftp://mail.example.com"}, "MAIL_API_BASE"),
    ({"STRIPE_API_BASE": "127.0.0.1:12111"}, "STRIPE_API_BASE"),
    ({"RATE_LIMIT_PER_MINUTE": "ten"}, "RATE_LIMIT_PER_MINUTE"),
    ({"RATE_LIMIT_PER_MINUTE": "1.5"}, "RATE_LIMIT_PER_MINUTE"),
    ({"RATE_LIMIT_PER_MINUTE": "-1"}, "RATE_LIMIT_PER_MINUTE"),
    ({"EMAIL_FROM": "the shop"}, "EMAIL_FROM"),
    ({"SUPPORT_EMAIL": "help"}, "SUPPORT_EMAIL"),
    ({"MERCHANT_EMAIL": "owner at example"}, "MERCHANT_EMAIL"),
    # One address each: a list or a header break would send mail where nobody meant it to go.
    ({"MERCHANT_EMAIL": "owner@example.com, other@example.com"}, "MERCHANT_EMAIL"),
    ({"MERCHANT_EMAIL": "owner@example.com\r\nBcc: spy@example.org"}, "MERCHANT_EMAIL"),
    ({"SUPPORT_EMAIL": "a,b@example.com"}, "SUPPORT_EMAIL"),
    ({"EMAIL_FROM": "Shop <shop@example.com>, x@example.org"}, "EMAIL_FROM"),
    ({"EMAIL_FROM": "Shop\r\nBcc: x@example.org <shop@example.com>"}, "EMAIL_FROM"),
    ({"SITE_URL": "https://owner:hunter2@shop.example.com"}, "SITE_URL"),
    ({"ALLOWED_ORIGINS": "https://owner:hunter2@www.example.com"}, "ALLOWED_ORIGINS"),
    ({"MAIL_TIMEOUT": "0"}, "MAIL_TIMEOUT"),
    ({"MAIL_TIMEOUT": "ten"}, "MAIL_TIMEOUT"),
    ({"STRIPE_CHECKOUT_TIMEOUT": "600"}, "STRIPE_CHECKOUT_TIMEOUT"),
    ({"STRIPE_WEBHOOK_TIMEOUT": "-1"}, "STRIPE_WEBHOOK_TIMEOUT"),
    ({"JOBS_MAX_ATTEMPTS": "0"}, "JOBS_MAX_ATTEMPTS"),
    ({"DATABASE_POOL_SIZE": "many"}, "DATABASE_POOL_SIZE"),
    ({"DATABASE_PREPARE": "sometimes"}, "DATABASE_PREPARE"),
    ({"KIT_SIGNING_KEY": "too-short"}, "KIT_SIGNING_KEY"),
]


def test_a_bad_alert_webhook_url_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        from_env({"ALERT_WEBHOOK_URL": "http://hooks.slack.example/services/T0/B0/SecretPart123"})
    assert info.value.variable == "ALERT_WEBHOOK_URL" and "SecretPart123" not in str(info.value)


@pytest.mark.parametrize("url", ["https://owner:hunter2@shop.example.com/shop", "https://owner:hunter2@shop.example.com"])
def test_a_bad_site_url_is_reported_without_its_password(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_env({"SITE_URL": url})
    assert info.value.variable == "SITE_URL" and "hunter2" not in str(info.value) and "shop.example.com" in str(info.value)


@pytest.mark.parametrize(("env", "variable"), BAD, ids=[f"{v}={e.get(v, e)!s}" for e, v in BAD])
def test_malformed_setting_names_its_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_env(env)
    assert info.value.variable == variable
    assert str(info.value).startswith(f"{variable}: ") and info.value.problem in str(info.value)
    assert isinstance(info.value, ValueError)


def test_the_first_bad_variable_is_named() -> None:
    env = {"STRIPE_SECRET_KEY": "nope", "SITE_URL": "nope"}
    with pytest.raises(ConfigError) as info:
        from_env(env)
    assert info.value.variable == "STRIPE_SECRET_KEY"
    with pytest.raises(ConfigError) as info:
        from_env({"SITE_URL": "nope"})
    assert info.value.variable == "SITE_URL"


# ---- serverless hosts --------------------------------------------------------------------


@pytest.mark.parametrize("host", [{"VERCEL": "1"}, {"NETLIFY": "true"}])
@pytest.mark.parametrize("database", [None, "sqlite:///tmp/orders.db", "sqlite:////abs/orders.db"])
def test_serverless_refuses_sqlite(host: dict[str, str], database: str | None) -> None:
    env = {**host, "SMTP_URL": SMTP}
    if database:
        env["DATABASE_URL"] = database
    with pytest.raises(ConfigError) as info:
        from_env(env)
    assert info.value.variable == "DATABASE_URL"
    assert ("Vercel" if "VERCEL" in host else "Netlify") in info.value.problem


@pytest.mark.parametrize("host", [{"VERCEL": "1"}, {"NETLIFY": "true"}])
def test_serverless_refuses_the_eml_outbox(host: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        from_env({**host, "DATABASE_URL": PG})
    assert info.value.variable == "SMTP_URL" and "MAIL_API" in info.value.problem


@pytest.mark.parametrize(("host", "name"), [({"VERCEL": "1"}, "vercel"), ({"NETLIFY": "true"}, "netlify")])
def test_serverless_with_postgres_and_a_mail_transport(host: dict[str, str], name: str) -> None:
    host = {**host, "KIT_SIGNING_KEY": SIGNING_KEY}
    assert from_env({**host, "DATABASE_URL": PG, "SMTP_URL": SMTP}).serverless == name
    api = from_env({**host, "DATABASE_URL": "postgres://u:p@h/db", "MAIL_API": "resend", "MAIL_API_KEY": "re_x"})
    assert api.serverless == name and api.mail_transport == "api"


@pytest.mark.parametrize("host", [{"VERCEL": "1"}, {"NETLIFY": "true"}])
def test_serverless_needs_the_signing_key(host: dict[str, str]) -> None:
    """Every instance must sign links alike: a key made up per instance would break them."""
    with pytest.raises(ConfigError) as info:
        from_env({**host, "DATABASE_URL": PG, "SMTP_URL": SMTP})
    assert info.value.variable == "KIT_SIGNING_KEY" and "secrets.token_urlsafe" in info.value.problem


def test_sqlite_and_the_outbox_are_fine_off_serverless() -> None:
    s = from_env({"DATABASE_URL": "sqlite:////tmp/x/orders.db", "VERCEL": "", "NETLIFY": ""})
    assert s.serverless is None and s.mail_transport == "outbox"


# ---- secrets never show ----------------------------------------------------------------------


SECRET_VALUE = "sk_live_SuperSecretValue1234567890"


def test_secret_is_masked_in_every_rendering() -> None:
    secret = Secret(SECRET_VALUE)
    renderings = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret!s}", "%s" % secret,
                  "%r" % (secret,), "{}".format(secret), format(secret), repr([secret]), repr({"k": secret}),
                  repr((secret,))]
    for text in renderings:
        assert SECRET_VALUE not in text and "SuperSecret" not in text
    assert str(secret) == "sk_live_…7890" and repr(secret) == "Secret(sk_live_…7890)"
    assert secret.reveal() == SECRET_VALUE and bool(secret) and not Secret("")
    assert secret == Secret(SECRET_VALUE) and secret != Secret("sk_live_other") and secret != SECRET_VALUE
    assert len({secret, Secret(SECRET_VALUE)}) == 1


def test_settings_repr_shows_no_secret() -> None:
    s = from_env({"STRIPE_SECRET_KEY": SECRET_VALUE, "STRIPE_WEBHOOK_SECRET": "whsec_HiddenWebhook123456",
                  "DATABASE_URL": PG, "SMTP_URL": SMTP, "CRON_SECRET": "cron-HiddenCron99",
                  "ADMIN_TOKEN": "admin-HiddenAdmin99", "MAIL_API": "resend", "MAIL_API_KEY": "re_HiddenMailKey99"})
    text = repr(s) + str(s) + f"{s}"
    assert s.secrets() and "re_HiddenMailKey99" not in text
    for value in s.secrets():
        assert value not in text, value


LEAKY = [
    {"STRIPE_SECRET_KEY": "sk_tset_LeakyKeyValue00000001"},
    {"STRIPE_SECRET_KEY": "sk_live_LeakyKeyValue000001!"},
    {"STRIPE_WEBHOOK_SECRET": "wsec_LeakyKeyValue00000001"},
    {"STRIPE_WEBHOOK_SECRET": "whsec_ok,sk_live_LeakyKeyValue00000001"},
    {"STRIPE_PUBLISHABLE_KEY": "sk_live_LeakyKeyValue00000001"},
    {"DATABASE_URL": "mysql://shop:LeakyKeyValue00000001@db.example.com/shop"},
    {"SMTP_URL": "http://mailer:LeakyKeyValue00000001@smtp.example.com"},
    {"SMTP_URL": "smtp://mailer:LeakyKeyValue00000001@smtp.example.com:port"},
    {"STRIPE_API_BASE": "ftp://user:LeakyKeyValue00000001@api.example.com"},
    {"MAIL_API_BASE": "ftp://user:LeakyKeyValue00000001@api.example.com"},
    {"VERCEL": "1", "DATABASE_URL": "sqlite:///LeakyKeyValue00000001.db"},
]


@pytest.mark.parametrize("env", LEAKY, ids=[next(iter(e)) for e in LEAKY])
def test_config_errors_never_contain_the_secret(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        from_env(env)
    assert "LeakyKeyValue" not in str(info.value) and "LeakyKeyValue" not in repr(info.value)
    assert "LeakyKeyValue" not in info.value.problem


@pytest.mark.parametrize(("value", "masked"), [
    ("sk_test_abcdef123456", "sk_test_…3456"),
    ("sk_live_51HxxxxxxxxxxxxxxxxxWXYZ", "sk_live_…WXYZ"),
    ("rk_live_abcdefghijkl", "rk_live_…ijkl"),
    ("whsec_abcdefghijklmnop", "whsec_…mnop"),
    ("sk_test_short", "sk_test_…"),  # too short to show any of it
    ("whsec_12345678", "whsec_…"),
    ("abcdefgh", "…"),
    ("abcdefghijkl", "…ijkl"),
    ("", ""),
])
def test_mask(value: str, masked: str) -> None:
    assert mask(value) == masked


def test_mask_never_shows_more_than_four_characters_of_the_secret_part() -> None:
    for n in range(0, 40):
        value = "sk_test_" + "".join(chr(ord("A") + i % 26) for i in range(n))
        shown = mask(value).removeprefix("sk_test_").replace("…", "")
        assert len(shown) <= 4 and (n <= 8 or len(shown) == 4)
        assert len(shown) < n or n == 0


@pytest.mark.parametrize(("url", "redacted"), [
    ("postgresql://shop:pg-pass@db.example.com:5432/shop", "postgresql://shop:…@db.example.com:5432/shop"),
    ("smtps://mailer:p%40ss@smtp.example.com:465", "smtps://mailer:…@smtp.example.com:465"),
    ("smtp://user:p:a:ss@smtp.example.com", "smtp://user:…@smtp.example.com"),
    ("postgresql://shop@db.example.com/shop", "postgresql://shop@db.example.com/shop"),
    ("sqlite:///.data/orders.db", "sqlite:///.data/orders.db"),
    ("postgresql://db.example.com/shop?sslmode=require&password=pg-pass",
     "postgresql://db.example.com/shop?sslmode=require&password=…"),
])
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


def test_secrets_lists_a_database_password_given_in_the_query() -> None:
    s = from_env({"DATABASE_URL": "postgresql://db.example.com/shop?password=pg-query-pass"})
    assert "pg-query-pass" in s.secrets()


# ---- URLs and origins ------------------------------------------------------------------------


def test_success_and_cancel_urls_come_from_site_url() -> None:
    s = from_env({"SITE_URL": "https://shop.example.com/"})
    assert s.success_url == "https://shop.example.com/success.html?session_id={CHECKOUT_SESSION_ID}"
    assert s.cancel_url == "https://shop.example.com/canceled.html"
    local = from_env({})
    assert local.success_url.startswith("http://127.0.0.1:8000/success.html?")


def post_checkout(tmp_path: Path, env: dict[str, str], **headers: str) -> tuple[str, list[dict[str, Any]], Settings]:
    """POST a one-item cart through the real WSGI app; returns (status, params sent to Stripe, settings)."""
    from checkout_kit.services import Services
    from checkout_kit.web import App

    sent: list[dict[str, Any]] = []

    class Gateway:
        def within(self, seconds: float) -> "Gateway":
            return self

        def create_checkout_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
            sent.append(params)
            return {"id": "cs_test_1", "url": "https://checkout.stripe.com/c/pay/cs_test_1"}

    settings = from_env({"DATABASE_URL": f"sqlite:///{tmp_path}/o.db", "CATALOG_PATH": str(FIXTURES / "catalog.toml"),
                         "RATE_LIMIT_PER_MINUTE": "0", "STRIPE_SECRET_KEY": "sk_test_abc", **env})
    services = Services(settings)
    services._gateway = Gateway()
    body = json.dumps({"priceId": "price_test_ebook", "quantity": 1}).encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/create-checkout-session", "QUERY_STRING": "",
               "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "wsgi.url_scheme": "https", "REMOTE_ADDR": "127.0.0.1",
               **{"HTTP_" + k.upper(): v for k, v in headers.items()}}
    statuses: list[str] = []
    try:
        App(services)(environ, lambda status, response_headers: statuses.append(status))
    finally:
        services.close()
    return statuses[0], sent, settings


def test_checkout_sends_site_url_whatever_the_request_host_says(tmp_path: Path) -> None:
    """A request's Host or X-Forwarded-Host never reaches Stripe as a return URL."""
    status, sent, settings = post_checkout(tmp_path, {"SITE_URL": "https://shop.example.com"}, HOST="evil.example",
                                           X_FORWARDED_HOST="evil.example", ORIGIN="https://shop.example.com")
    assert status == "200 OK" and len(sent) == 1
    assert sent[0]["success_url"] == settings.success_url == \
        "https://shop.example.com/success.html?session_id={CHECKOUT_SESSION_ID}"
    assert sent[0]["cancel_url"] == settings.cancel_url == "https://shop.example.com/canceled.html"
    assert "evil" not in json.dumps(sent[0])


@pytest.mark.parametrize(("url", "origin"), [
    ("https://Shop.Example.com/", "https://shop.example.com"),
    ("HTTPS://shop.example.com", "https://shop.example.com"),
    ("https://shop.example.com:443", "https://shop.example.com"),
    ("http://shop.example.com:80", "http://shop.example.com"),
    ("https://shop.example.com:8443", "https://shop.example.com:8443"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("http://[::1]:80", "http://[::1]"),
    ("https://user:pw@shop.example.com", "https://shop.example.com"),
])
def test_origin_of_matches_what_browsers_send(url: str, origin: str) -> None:
    assert origin_of(url) == origin


def test_a_site_url_with_the_default_port_still_matches_browser_origins() -> None:
    """Browsers omit :443 in the Origin header; a SITE_URL that spells it out must still match."""
    s = from_env({"SITE_URL": "https://shop.example.com:443", "ALLOWED_ORIGINS": "https://www.example.com:443"})
    assert origin_of("https://shop.example.com") in s.origins
    assert origin_of("https://www.example.com") in s.allowed_origins


@pytest.mark.parametrize("site_url", ["https://shop.example.com:443", "https://SHOP.example.com/"])
def test_browser_checkout_is_allowed_when_site_url_spells_its_origin_differently(tmp_path: Path, site_url: str) -> None:
    status, sent, _ = post_checkout(tmp_path, {"SITE_URL": site_url}, ORIGIN="https://shop.example.com")
    assert status == "200 OK" and len(sent) == 1
    status, sent, _ = post_checkout(tmp_path, {"SITE_URL": site_url}, ORIGIN="https://evil.example")
    assert status == "403 Forbidden" and sent == []


# ---- .env -------------------------------------------------------------------------------------


def test_dotenv_does_not_override_the_real_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("CK_TEST_REAL=from_file\nCK_TEST_ONLY_FILE=from_file\n# a comment\nCK_TEST_QUOTED=\"a b\"\n")
    monkeypatch.setenv("CK_TEST_REAL", "from_environment")
    for name in ("CK_TEST_ONLY_FILE", "CK_TEST_QUOTED"):
        monkeypatch.delenv(name, raising=False)  # restored (removed) after the test
    load_dotenv_file(env_file)
    assert os.environ["CK_TEST_REAL"] == "from_environment"
    assert os.environ["CK_TEST_ONLY_FILE"] == "from_file"
    assert os.environ["CK_TEST_QUOTED"] == "a b"


def test_dotenv_feeds_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("SITE_URL=https://from-file.example.com\nSTRIPE_SECRET_KEY=sk_test_fromfile\n")
    monkeypatch.setenv("SITE_URL", "https://from-env.example.com")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    for name in ("VERCEL", "NETLIFY", "DATABASE_URL", "SMTP_URL", "MAIL_API", "RATE_LIMIT_PER_MINUTE"):
        monkeypatch.delenv(name, raising=False)
    load_dotenv_file(tmp_path / ".env")
    s = from_env()
    assert s.site_url == "https://from-env.example.com"
    assert s.stripe_secret_key is not None and s.stripe_secret_key.reveal() == "sk_test_fromfile"


def test_no_dotenv_file_is_a_no_op_that_does_not_import_dotenv(tmp_path: Path) -> None:
    code = ("import os, sys; before = dict(os.environ); from checkout_kit.config import load_dotenv_file; "
            f"load_dotenv_file({str(tmp_path / 'missing.env')!r}); load_dotenv_file({str(tmp_path)!r}); "
            "print(dict(os.environ) == before, 'dotenv' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


def test_settings_is_immutable() -> None:
    s = from_env({})
    with pytest.raises(AttributeError):
        s.site_url = "https://evil.example"  # type: ignore[misc]
    assert isinstance(s, Settings)


def test_postgres_url_from_a_vercel_integration_is_used_when_database_url_is_unset() -> None:
    s = from_env({"POSTGRES_URL": "postgres://u:p@db.example/shop"})
    assert s.database_url.reveal() == "postgres://u:p@db.example/shop"
    s = from_env({"POSTGRES_URL": "postgres://u:p@db.example/shop", "DATABASE_URL": "postgresql://x@y/z"})
    assert s.database_url.reveal() == "postgresql://x@y/z"
