"""Emails: render them from templates, and send them through one transport.

Rendering (Jinja2, HTML autoescaped, plus a plain-text part) and sending both
happen after commit, when the email's job runs (`emails.py`). Transports: SMTP
(`SMTP_URL`), the Resend HTTP API (`MAIL_API`), or `.eml` files in
`.data/outbox/` for development. Every send is bounded by `MAIL_TIMEOUT`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from checkout_kit.config import Settings
from checkout_kit.http_transport import HttpTransport, TransportError, default_transport
from checkout_kit.money import format_amount

log = logging.getLogger("checkout_kit.mail")

RESEND_API = "https://api.resend.com"
DEFAULT_TIMEOUT_S = 10.0
# One address: a dot-atom local part (no comma, no quotes, no spaces) and a dotted domain.
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*")


class MailError(Exception):
    """Sending failed; the message is safe to log (no credentials, no body).

    `permanent`: this email can never be sent as it is (a refused recipient, a message that cannot
    be built); otherwise the service was unreachable, slow or busy and a later attempt may work.
    """

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def valid_address(value: str | None) -> bool:
    """Exactly one plain address (`ann@example.com`): no display name, no list, no line break."""
    return bool(value) and len(value) <= 254 and ADDRESS.fullmatch(value) is not None  # type: ignore[arg-type]


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    sender: str
    reply_to: str | None = None
    key: str = ""  # the outbox dedupe key, used as an idempotency key where the transport has one


TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"
COMPILED = Path(__file__).resolve().parent / "templates" / "compiled"
MANIFEST = COMPILED / "SOURCES.sha256"


def _environment(loader: Any) -> Any:
    import jinja2  # lazy: ~40 ms, paid only when an email is rendered

    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates ship with the code: no stat() per email
    )

    @jinja2.pass_context
    def money(context: Any, amount: int, currency: str) -> str:
        """Amounts as the shop shows them ([shop] currency_display), when `shop` is in the context."""
        shop = context.get("shop")
        return format_amount(amount, currency, getattr(shop, "currency_display", "symbol"))

    env.filters["money"] = money
    return env


def sources_digest() -> str:
    """One line per template source with its hash, plus the Jinja2 version that compiles them."""
    import jinja2

    lines = [f"jinja2 {jinja2.__version__}"]
    for file in sorted(TEMPLATES.iterdir()):
        if file.is_file():
            lines.append(f"{hashlib.sha256(file.read_bytes()).hexdigest()}  {file.name}")
    return "\n".join(lines) + "\n"


def compile_templates() -> Path:
    """Precompile the mail templates to Python modules (cold starts skip Jinja's compiler)."""
    import jinja2
    import shutil

    shutil.rmtree(COMPILED, ignore_errors=True)
    _environment(jinja2.FileSystemLoader(str(TEMPLATES))).compile_templates(str(COMPILED), zip=None)
    MANIFEST.write_text(sources_digest())
    return COMPILED


@lru_cache(maxsize=1)
def _env() -> Any:
    import jinja2

    try:
        fresh = MANIFEST.read_text() == sources_digest()
    except OSError:
        fresh = False
    if fresh:
        return _environment(jinja2.ModuleLoader(str(COMPILED)))
    # Edited templates (or none compiled): compile on first use, as Jinja normally does.
    log.debug("precompiled mail templates are missing or stale; compiling at run time")
    return _environment(jinja2.FileSystemLoader(str(TEMPLATES)))


def render(name: str, **context: Any) -> tuple[str, str, str]:
    """Render `name.subject.txt`, `name.txt` and `name.html`; returns (subject, text, html)."""
    env = _env()
    subject = env.get_template(f"{name}.subject.txt").render(**context)
    subject = re.sub(r"[\r\n]+", " ", subject).strip()  # a header: no line breaks, ever
    return subject, env.get_template(f"{name}.txt").render(**context), env.get_template(f"{name}.html").render(**context)


def to_message(email: Email) -> Any:
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    msg["From"] = email.sender
    msg["To"] = email.to
    msg["Subject"] = email.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="checkout-kit.local")
    if email.reply_to:
        msg["Reply-To"] = email.reply_to
    msg.set_content(email.text)
    msg.add_alternative(email.html, subtype="html")
    return msg


class Transport(Protocol):
    name: str

    def send(self, email: Email) -> None: ...


class SmtpTransport:
    """SMTP with STARTTLS when the server offers it (smtp://) or implicit TLS (smtps://), and AUTH."""

    name = "smtp"

    def __init__(self, url: str, require_tls: bool = False, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        parts = urlsplit(url)
        self.timeout = timeout
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.require_tls = require_tls

    def send(self, email: Email) -> None:
        import smtplib
        import ssl

        message = build_message(email)
        deadline = time.monotonic() + self.timeout

        def left() -> float:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("MAIL_TIMEOUT")
            return remaining

        try:
            # Each step gets what is left of one budget: connect plus send stay within MAIL_TIMEOUT.
            if self.tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=left(),
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=left())
            with client:
                client.sock.settimeout(left())
                client.ehlo()
                if not self.tls and client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.sock.settimeout(left())
                    client.ehlo()
                elif not self.tls and self.require_tls:
                    raise MailError(f"SMTP server {self.host}:{self.port} does not offer STARTTLS")
                if self.user:
                    client.sock.settimeout(left())
                    client.login(self.user, self.password or "")
                client.sock.settimeout(left())
                client.send_message(message)
        except smtplib.SMTPAuthenticationError:
            raise MailError(f"SMTP server {self.host}:{self.port} refused the login") from None
        except smtplib.SMTPRecipientsRefused:
            raise MailError(f"SMTP server {self.host}:{self.port} refused the recipient", permanent=True) from None
        except smtplib.SMTPResponseException as exc:
            # 5xx: this message is refused for good; 4xx: try later.
            raise MailError(f"SMTP {self.host}:{self.port} answered {exc.smtp_code}",
                            permanent=500 <= exc.smtp_code < 600) from None
        except (smtplib.SMTPException, OSError) as exc:
            if isinstance(exc, TimeoutError) or "timed out" in str(exc):
                raise MailError(f"SMTP {self.host}:{self.port} did not answer within {self.timeout:g} s") from None
            raise MailError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}") from None


class ResendTransport:
    """The Resend HTTP API (https://resend.com/docs/api-reference/emails/send-email).

    Chosen as the one HTTP mail API because it is a single JSON POST with a bearer
    key and honours an Idempotency-Key, so a retried send is not a second email;
    and it works where sockets do not (Netlify through Pyodide).
    """

    name = "api"

    def __init__(self, api_key: str, base: str | None = None, transport: HttpTransport | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.api_key = api_key
        self.timeout = timeout
        self.base = (base or RESEND_API).rstrip("/")
        self.transport = transport or default_transport()

    def send(self, email: Email) -> None:
        build_message(email)  # the same checks as SMTP: a message that cannot be built is not sent
        payload = {"from": email.sender, "to": [email.to], "subject": email.subject, "text": email.text,
                   "html": email.html}
        if email.reply_to:
            payload["reply_to"] = email.reply_to
        headers = {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json",
                   "User-Agent": "checkout-kit/0.1"}
        if email.key:
            headers["Idempotency-Key"] = email.key[:256]
        try:
            response = self.transport.request("POST", f"{self.base}/emails", headers, json.dumps(payload).encode(),
                                              self.timeout)
        except TransportError as exc:
            raise MailError(f"mail API unreachable: {exc}") from None
        if not 200 <= response.status < 300:
            # 400/403/422: this message is refused (bad address, unverified sender); 409 (the same key in
            # flight), 429 and 5xx: later.
            raise MailError(f"mail API answered HTTP {response.status}",
                            permanent=response.status in (400, 403, 404, 422))


class OutboxDirTransport:
    """Development only: each email becomes an .eml file you can open."""

    name = "outbox"

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def send(self, email: Email) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        safe_key = re.sub(r"[^A-Za-z0-9_.-]", "_", email.key or "mail")[-80:]
        path = self.directory / f"{time.strftime('%Y%m%d-%H%M%S')}-{safe_key}.eml"
        path.write_bytes(bytes(build_message(email)))


def build_message(email: Email) -> Any:
    """The MIME message, or a permanent MailError if it cannot be built (a header with a line break)."""
    try:
        return to_message(email)
    except (ValueError, TypeError) as exc:
        raise MailError(f"the message cannot be built: {str(exc)[:120]}", permanent=True) from None


def make_transport(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url.reveal(), timeout=settings.mail_timeout)
    if settings.mail_api and settings.mail_api_key:
        return ResendTransport(settings.mail_api_key.reveal(), settings.mail_api_base, timeout=settings.mail_timeout)
    return OutboxDirTransport(settings.outbox_dir)
