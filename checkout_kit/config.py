"""Settings from the environment (and `.env`), validated once.

Every problem names its variable and how to fix it. Secrets are kept in
`Secret` wrappers whose `repr`/`str` are masked, so a stray log line or error
message cannot leak them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qsl, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///.data/orders.db"
DEFAULT_OUTBOX_DIR = ".data/outbox"
DEFAULT_PORTS = {"http": "80", "https": "443"}
PASSWORD_PARAMS = ("password", "pass", "passwd", "pwd")
MAIL_APIS = ("resend",)
STRIPE_JS = "https://js.stripe.com/v3/"
# Compiled at import: on Netlify the import is in the memory snapshot, and compiling them (pure
# Python in `re`) was ~10 ms of an instance's first request.
STRIPE_KEY = re.compile(r"(sk|rk)_(test|live)_[A-Za-z0-9_]+")
NAMED_ADDRESS = re.compile(r"[^<>\r\n\"]*<([^<>]+)>")
PORTAL_CONFIGURATION = re.compile(r"bpc_[A-Za-z0-9]+")
ACCOUNT = re.compile(r"acct_[A-Za-z0-9]{1,64}")
NOT_IN_ORIGIN = re.compile(r"[?#\s]")



class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class Secret:
    """A secret string that never shows itself in repr, str or format."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def masked(self) -> str:
        return mask(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.masked()})"

    __str__ = masked

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def mask(value: str) -> str:
    """`sk_test_abcdef123456` -> `sk_test_…3456`: enough to recognise, not to use."""
    if not value:
        return ""
    prefix = re.match(r"^([a-z]{2,5}_(?:test_|live_)?)", value)
    head = prefix.group(1) if prefix else ""
    return f"{head}…{value[-4:]}" if len(value) > len(head) + 8 else f"{head}…"


def _query_password(url: str) -> str | None:
    # libpq also takes the password as a query parameter (postgresql://host/db?password=…).
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in PASSWORD_PARAMS and value:
            return value
    return None


def redact_url(url: str) -> str:
    """A URL with any password (in the userinfo or the query) replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":…@")
        url = parts._replace(netloc=netloc).geturl()
    base, sep, query = url.partition("?")
    if sep and _query_password(url):
        names = "|".join(PASSWORD_PARAMS)
        query = re.sub(rf"(^|&)((?:{names})=)[^&#]*", r"\1\2…", query, flags=re.IGNORECASE)
        url = f"{base}?{query}"
    return url


def origin_of(url: str) -> str:
    """`scheme://host[:port]` as a browser's Origin header spells it: lowercase, no
    userinfo, no default port (so SITE_URL=https://x:443 still matches `https://x`)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.netloc.rpartition("@")[2].lower()
    default = DEFAULT_PORTS.get(scheme)
    if default and host.endswith(f":{default}"):
        host = host[: -len(default) - 1]
    return f"{scheme}://{host}"


@dataclass(frozen=True)
class BucketSettings:
    """An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO…) for downloads, read through presigned GETs."""

    url: str  # the bucket's address: https://bucket.s3.eu-west-1.amazonaws.com or https://ACCOUNT.r2.cloudflarestorage.com/bucket
    region: str
    access_key_id: str
    secret_access_key: Secret


# Response bodies a function may return, by host (a download larger than this must come from a bucket).
HOST_RESPONSE_LIMITS = {"vercel": int(4.5 * 1024 * 1024), "netlify": 6 * 1024 * 1024}


@dataclass(frozen=True)
class Settings:
    stripe_secret_key: Secret | None = None
    stripe_webhook_secrets: tuple[Secret, ...] = ()
    stripe_publishable_key: str | None = None
    stripe_api_base: str | None = None
    stripe_portal_configuration: str | None = None  # bpc_…: what members may do in the portal (setup-portal)
    stripe_account: str | None = None  # a connected account (acct_…) every call acts on, via Stripe-Account
    stripe_js_url: str | None = None  # where pages load Stripe.js for embedded Checkout (default: see property)
    site_url: str = "http://127.0.0.1:8000"
    allowed_origins: tuple[str, ...] = ()
    database_url: Secret = field(default_factory=lambda: Secret(DEFAULT_DATABASE_URL))
    email_from: str = "Checkout Kit <shop@localhost>"
    support_email: str | None = None
    merchant_email: str | None = None
    smtp_url: Secret | None = None
    mail_api: str | None = None
    mail_api_key: Secret | None = None
    mail_api_base: str | None = None
    outbox_dir: str = DEFAULT_OUTBOX_DIR
    cron_secret: Secret | None = None
    admin_token: Secret | None = None
    kit_signing_key: Secret | None = None  # signs links and codes; generated under data_dir in development
    alert_webhook_url: Secret | None = None  # Slack-compatible incoming webhook (its URL is its credential)
    data_dir: str = ".data"
    serverless: str | None = None  # "vercel" or "netlify" when running there
    rate_limit_per_minute: int = 30
    catalog_path: str = "catalog.toml"
    # Time budgets (seconds): a hanging service must not hold a request longer than the
    # caller waits (the JS library gives up at 15 s; Stripe's webhook delivery at about 10 s).
    stripe_checkout_timeout: float = 8.0
    stripe_webhook_timeout: float = 10.0
    mail_timeout: float = 10.0
    jobs_max_attempts: int = 10
    database_pool_size: int = 4
    database_prepare: str = "auto"  # server-side prepared statements: auto, on or off
    # After the sale (docs/selling.md, docs/tickets.md).
    checkout_expires_minutes: int = 30  # a checkout that holds stock expires (and gives it back) after this
    hooks_signing_secret: Secret | None = None  # signs the outgoing `purchase.fulfilled` webhook (Kit-Signature)
    hooks_timeout: float = 10.0
    checkin_token: Secret | None = None  # door staff's token for check-in (ADMIN_TOKEN works too)
    downloads_dir: str | None = None  # private files sold as downloads (default: downloads/ beside catalog.toml)
    downloads_max_bytes: int = 50 * 1024 * 1024  # larger files must come from a bucket or a URL
    bucket: "BucketSettings | None" = None  # S3-compatible bucket for `download_object`

    @property
    def site_origin(self) -> str:
        return origin_of(self.site_url)

    @property
    def origins(self) -> frozenset[str]:
        return frozenset({self.site_origin, *self.allowed_origins})

    @property
    def success_url(self) -> str:
        return f"{self.site_url}/success.html?session_id={{CHECKOUT_SESSION_ID}}"

    @property
    def stripe_mode(self) -> str:
        """"live" with a live key, else "test" (also offline, against the emulator)."""
        key = self.stripe_secret_key.reveal() if self.stripe_secret_key else ""
        return "live" if key.startswith(("sk_live_", "rk_live_")) else "test"

    @property
    def stripe_js(self) -> str:
        """Stripe.js for embedded Checkout: STRIPE_JS_URL, else the emulator's stand-in when the API is
        the emulator (STRIPE_API_BASE on a loopback host), else Stripe's own."""
        if self.stripe_js_url:
            return self.stripe_js_url
        base = self.stripe_api_base or ""
        if urlsplit(base).hostname in ("127.0.0.1", "localhost", "::1"):
            return f"{base}/js/stripe.js"
        return STRIPE_JS

    @property
    def cancel_url(self) -> str:
        return f"{self.site_url}/canceled.html"

    @property
    def mail_transport(self) -> str:
        if self.smtp_url:
            return "smtp"
        if self.mail_api:
            return "api"
        return "outbox"

    def secrets(self) -> list[str]:
        """Every secret value, for tests and log scrubbing."""
        values = [self.stripe_secret_key, *self.stripe_webhook_secrets, self.smtp_url, self.mail_api_key,
                  self.cron_secret, self.admin_token, self.kit_signing_key, self.alert_webhook_url,
                  self.hooks_signing_secret, self.checkin_token, self.bucket.secret_access_key if self.bucket else None]
        found = [v.reveal() for v in values if v]
        url = self.database_url.reveal()
        passwords = [urlsplit(url).password, _query_password(url)]
        return found + [p for p in passwords if p]


def load_dotenv_file(path: str | os.PathLike[str] = ".env") -> None:
    """Read `.env` into the environment without overriding what is already set."""
    if Path(path).is_file():
        from dotenv import load_dotenv  # lazy: only when a .env exists

        load_dotenv(path, override=False)


def _url(env: Mapping[str, str], name: str, default: str | None = None, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    value = env.get(name, "").strip() or default
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        # Redacted: a URL may carry credentials, and this message reaches logs.
        raise ConfigError(name, f"must be a URL starting with {' or '.join(s + '://' for s in schemes)} "
                                f"(got {redact_url(value)!r})")
    return value.rstrip("/")


def _email(env: Mapping[str, str], name: str, default: str | None = None, display_name: bool = False) -> str | None:
    """One address (`shop@example.com`, or `Shop <shop@example.com>` where a name is allowed)."""
    from checkout_kit.mail import valid_address  # no import cost: mail imports nothing heavy at the top

    value = env.get(name, "").strip() or default
    if not value:
        return value
    address = value
    if display_name:
        match = NAMED_ADDRESS.fullmatch(value)
        address = match.group(1).strip() if match else value
    if not valid_address(address):
        example = "Shop <shop@example.com> or shop@example.com" if display_name else "shop@example.com"
        raise ConfigError(name, f"must be one email address like {example} (got {value!r})")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not low <= value <= high:
        raise ConfigError(name, f"must be a number of seconds from {low:g} to {high:g} (got {raw!r})")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ConfigError(name, f"must be a whole number from {low} to {high} (got {raw!r})")
    return int(raw)


def _one_of(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (case-insensitive); the first when unset."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return choices[0]
    if raw not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)} (got {raw!r})")
    return raw


def _alert_webhook(env: Mapping[str, str]) -> Secret | None:
    """ALERT_WEBHOOK_URL: its path is its password (Slack's hooks), so errors never echo it."""
    value = _secret(env, "ALERT_WEBHOOK_URL")
    if value:
        parts = urlsplit(value.reveal())
        local = parts.hostname in ("127.0.0.1", "localhost")
        if not parts.hostname or parts.scheme not in (("https", "http") if local else ("https",)):
            raise ConfigError("ALERT_WEBHOOK_URL", "must be an https:// URL, like the one Slack gives an "
                                                   "incoming webhook (not shown here: it is a secret)")
    return value


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = env.get(name, "").strip()
    return Secret(value) if value else None


def _bucket(env: Mapping[str, str]) -> BucketSettings | None:
    """DOWNLOADS_BUCKET_URL and its keys, all or none."""
    names = ("DOWNLOADS_BUCKET_URL", "DOWNLOADS_BUCKET_ACCESS_KEY_ID", "DOWNLOADS_BUCKET_SECRET_ACCESS_KEY")
    given = {name: env.get(name, "").strip() for name in names}
    if not any(given.values()):
        return None
    for name in names:
        if not given[name]:
            raise ConfigError(name, "is required with the other DOWNLOADS_BUCKET_* settings (see docs/selling.md)")
    url = _url(env, "DOWNLOADS_BUCKET_URL", schemes=("https", "http"))
    assert url is not None
    if urlsplit(url).username is not None or re.search(r"[?#]", url):
        raise ConfigError("DOWNLOADS_BUCKET_URL", "must be the bucket's address only, like "
                                                  "https://my-bucket.s3.eu-west-1.amazonaws.com")
    region = env.get("DOWNLOADS_BUCKET_REGION", "").strip() or "auto"
    if not re.fullmatch(r"[a-z0-9-]{2,30}", region):
        raise ConfigError("DOWNLOADS_BUCKET_REGION", f"must be a region like eu-west-1, or auto for R2 (got {region!r})")
    return BucketSettings(url=url, region=region, access_key_id=given["DOWNLOADS_BUCKET_ACCESS_KEY_ID"],
                          secret_access_key=Secret(given["DOWNLOADS_BUCKET_SECRET_ACCESS_KEY"]))


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Build and validate Settings; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    key = _secret(env, "STRIPE_SECRET_KEY")
    if key and not STRIPE_KEY.fullmatch(key.reveal()):
        raise ConfigError("STRIPE_SECRET_KEY", "must be a secret key (sk_test_…, sk_live_…) or a restricted key (rk_…); "
                          "find it under Developers → API keys in the Stripe Dashboard")
    webhook_secrets = tuple(Secret(s.strip()) for s in env.get("STRIPE_WEBHOOK_SECRET", "").split(",") if s.strip())
    for secret in webhook_secrets:
        if not secret.reveal().startswith("whsec_"):
            raise ConfigError("STRIPE_WEBHOOK_SECRET", "must start with whsec_ (the endpoint's signing secret); several may be "
                              "given, comma-separated, while rotating")
    publishable = env.get("STRIPE_PUBLISHABLE_KEY", "").strip() or None
    if publishable and not publishable.startswith(("pk_test_", "pk_live_")):
        raise ConfigError("STRIPE_PUBLISHABLE_KEY", "must start with pk_test_ or pk_live_")
    portal_configuration = env.get("STRIPE_PORTAL_CONFIGURATION", "").strip() or None
    if portal_configuration and not PORTAL_CONFIGURATION.fullmatch(portal_configuration):
        raise ConfigError("STRIPE_PORTAL_CONFIGURATION", "must be a portal configuration id (bpc_…); "
                          "`python -m checkout_kit setup-portal` creates one and prints it")
    account = env.get("STRIPE_ACCOUNT", "").strip() or None
    if account and not ACCOUNT.fullmatch(account):
        raise ConfigError("STRIPE_ACCOUNT", "must be a connected account id like acct_1A2b3C (Dashboard → Connect → "
                          "Accounts), or unset to use your own account")
    site_url = _url(env, "SITE_URL", "http://127.0.0.1:8000")
    assert site_url is not None
    # Origin only: the return URLs are built by appending to it, so a path, "?", "#" or space would break them.
    if urlsplit(site_url).username is not None:
        raise ConfigError("SITE_URL", f"must not hold a user name or password (got {redact_url(site_url)!r})")
    if urlsplit(site_url).path not in ("", "/") or NOT_IN_ORIGIN.search(site_url):
        raise ConfigError("SITE_URL", f"must be the site's origin only, like https://shop.example.com "
                                      f"(got {redact_url(site_url)!r})")
    origins = []
    for raw in env.get("ALLOWED_ORIGINS", "").split(","):
        raw = raw.strip()
        if not raw:
            continue
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
                or parts.username is not None:
            raise ConfigError("ALLOWED_ORIGINS", f"must be comma-separated origins like https://www.example.com "
                                                 f"(got {redact_url(raw)!r})")
        origins.append(origin_of(raw))
    # Vercel's Neon integration sets DATABASE_URL; its Supabase and Postgres integrations set POSTGRES_URL.
    database_url = env.get("DATABASE_URL", "").strip() or env.get("POSTGRES_URL", "").strip() or DEFAULT_DATABASE_URL
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError("DATABASE_URL", "must be sqlite:///path/to/orders.db or postgresql://user:pass@host/db")
    serverless = "vercel" if env.get("VERCEL") else "netlify" if env.get("NETLIFY") else None
    if serverless and database_url.startswith("sqlite"):
        raise ConfigError("DATABASE_URL", f"SQLite files do not last on {serverless.title()}: set DATABASE_URL to a "
                          "PostgreSQL database (Neon, Supabase or any Postgres)")
    smtp = _secret(env, "SMTP_URL")
    if smtp and urlsplit(smtp.reveal()).scheme not in ("smtp", "smtps"):
        raise ConfigError("SMTP_URL", "must look like smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465")
    if smtp and not urlsplit(smtp.reveal()).hostname:
        raise ConfigError("SMTP_URL", "has no host")
    if smtp:
        try:
            urlsplit(smtp.reveal()).port  # raises on a port that is not a number in 0-65535
        except ValueError:
            # Caught here, not when the first receipt is sent (where it would be an opaque ValueError).
            raise ConfigError("SMTP_URL", "has a port that is not a number from 1 to 65535 "
                              "(587 for smtp://, 465 for smtps://)") from None
    mail_api = env.get("MAIL_API", "").strip().lower() or None
    if mail_api and mail_api not in MAIL_APIS:
        raise ConfigError("MAIL_API", f"must be one of: {', '.join(MAIL_APIS)}")
    mail_api_key = _secret(env, "MAIL_API_KEY")
    if mail_api and not mail_api_key:
        raise ConfigError("MAIL_API_KEY", f"is required when MAIL_API={mail_api}")
    if mail_api_key and not mail_api:
        raise ConfigError("MAIL_API", f"is required with MAIL_API_KEY (one of: {', '.join(MAIL_APIS)})")
    if serverless and not smtp and not mail_api:
        raise ConfigError("SMTP_URL", f"emails cannot be written to files on {serverless.title()}: set SMTP_URL or "
                          "MAIL_API and MAIL_API_KEY")
    signing_key = _secret(env, "KIT_SIGNING_KEY")
    if signing_key and len(signing_key.reveal()) < 32:
        raise ConfigError("KIT_SIGNING_KEY", "must be at least 32 characters; make one with "
                          "python -c \"import secrets; print(secrets.token_urlsafe(48))\"")
    if serverless and not signing_key:
        raise ConfigError("KIT_SIGNING_KEY", f"is required on {serverless.title()} (it signs download links, "
                          "tickets and magic links, and must be the same on every instance); make one with "
                          "python -c \"import secrets; print(secrets.token_urlsafe(48))\"")
    raw_rate = env.get("RATE_LIMIT_PER_MINUTE", "").strip() or "30"
    if not (raw_rate.isascii() and raw_rate.isdigit()):  # "-1" must not quietly turn the limiter off
        raise ConfigError("RATE_LIMIT_PER_MINUTE", "must be a whole number ≥ 0 (0 turns the limiter off)")
    rate = int(raw_rate)
    hooks_secret = _secret(env, "HOOKS_SIGNING_SECRET")
    if hooks_secret and len(hooks_secret.reveal()) < 24:
        raise ConfigError("HOOKS_SIGNING_SECRET", "must be at least 24 characters; make one with "
                          "python -c \"import secrets; print('whsec_' + secrets.token_urlsafe(32))\"")
    checkin_token = _secret(env, "CHECKIN_TOKEN")
    if checkin_token and len(checkin_token.reveal()) < 12:
        raise ConfigError("CHECKIN_TOKEN", "must be at least 12 characters (door staff type it once per device)")
    host_limit = HOST_RESPONSE_LIMITS.get(serverless or "", 50 * 1024 * 1024)
    return Settings(
        stripe_secret_key=key,
        stripe_webhook_secrets=webhook_secrets,
        stripe_publishable_key=publishable,
        stripe_api_base=_url(env, "STRIPE_API_BASE"),
        stripe_portal_configuration=portal_configuration,
        stripe_account=account,
        stripe_js_url=_url(env, "STRIPE_JS_URL"),
        site_url=site_url,
        allowed_origins=tuple(origins),
        database_url=Secret(database_url),
        email_from=_email(env, "EMAIL_FROM", "Checkout Kit <shop@localhost>", display_name=True) or "",
        support_email=_email(env, "SUPPORT_EMAIL"),
        merchant_email=_email(env, "MERCHANT_EMAIL"),
        smtp_url=smtp,
        mail_api=mail_api,
        mail_api_key=mail_api_key,
        mail_api_base=_url(env, "MAIL_API_BASE"),
        outbox_dir=env.get("OUTBOX_DIR", "").strip() or DEFAULT_OUTBOX_DIR,
        cron_secret=_secret(env, "CRON_SECRET"),
        admin_token=_secret(env, "ADMIN_TOKEN"),
        kit_signing_key=signing_key,
        alert_webhook_url=_alert_webhook(env),
        data_dir=env.get("KIT_DATA_DIR", "").strip() or ".data",
        serverless=serverless,
        rate_limit_per_minute=rate,
        catalog_path=env.get("CATALOG_PATH", "").strip() or "catalog.toml",
        stripe_checkout_timeout=_seconds(env, "STRIPE_CHECKOUT_TIMEOUT", 8.0, 1, 60),
        stripe_webhook_timeout=_seconds(env, "STRIPE_WEBHOOK_TIMEOUT", 10.0, 1, 60),
        mail_timeout=_seconds(env, "MAIL_TIMEOUT", 10.0, 1, 45),
        jobs_max_attempts=_whole(env, "JOBS_MAX_ATTEMPTS", 10, 1, 100),
        database_pool_size=_whole(env, "DATABASE_POOL_SIZE", 4, 1, 50),
        database_prepare=_one_of(env, "DATABASE_PREPARE", ("auto", "on", "off")),
        checkout_expires_minutes=_whole(env, "CHECKOUT_EXPIRES_MINUTES", 30, 30, 1440),
        hooks_signing_secret=hooks_secret,
        hooks_timeout=_seconds(env, "HOOKS_TIMEOUT", 10.0, 1, 30),
        checkin_token=checkin_token,
        downloads_dir=env.get("DOWNLOADS_DIR", "").strip() or None,
        downloads_max_bytes=min(host_limit, _whole(env, "DOWNLOADS_MAX_BYTES", host_limit, 1, host_limit)),
        bucket=_bucket(env),
    )
