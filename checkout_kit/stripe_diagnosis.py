"""What went wrong talking to Stripe, for the owner's commands (`doctor`, `catalog push`,
`setup-webhook`): in plain words, with what to do.

Three different situations, three different fixes:
- Stripe could not be reached at all (no network, a wrong STRIPE_API_BASE, a proxy);
- Stripe answered but refused the key (wrong, revoked, or a restricted key without a permission);
- Stripe refused the request itself, and says why.
Never prints the key: only its masked form.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from checkout_kit.config import Settings
from checkout_kit.stripe_gateway import AUTH, STRIPE_API, GatewayError

# The network error's class name (first word of the transport's message) -> what it means.
NETWORK_REASONS = {
    "gaierror": "the name {host} does not resolve (no internet connection, or no DNS)",
    "ConnectionRefusedError": "nothing accepts connections at {host}",
    "TimeoutError": "{host} did not answer in time",
    "timeout": "{host} did not answer in time",
    "ConnectionResetError": "the connection to {host} was cut",
    "SSLCertVerificationError": "{host}'s certificate was not trusted (a proxy that inspects HTTPS?)",
    "SSLError": "the secure connection to {host} failed (a proxy that inspects HTTPS?)",
    "OSError": "the network refused the connection to {host}",
}


@dataclass(frozen=True)
class Diagnosis:
    kind: str  # "network", "key" or "refused"
    what: str
    fix: str

    def lines(self) -> str:
        return f"{self.what}\n  what to do: {self.fix}"


def diagnose(exc: GatewayError, settings: Settings) -> Diagnosis:
    base = settings.stripe_api_base or STRIPE_API
    host = urlsplit(base).netloc or base
    key = settings.stripe_secret_key.masked() if settings.stripe_secret_key else "(none)"
    if exc.status is None:
        cause = exc.reason.split(" ", 1)[0]
        why = NETWORK_REASONS.get(cause, "{host} could not be reached (" + cause + ")").format(host=host)
        if settings.stripe_api_base:
            fix = f"check that STRIPE_API_BASE={settings.stripe_api_base} is running, or unset it to use Stripe"
        else:
            fix = ("check your internet connection (and proxy), then run this again; "
                   "`make dev` works offline without STRIPE_SECRET_KEY")
        return Diagnosis("network", f"Cannot reach Stripe: {why}.", fix)
    if exc.kind == AUTH:
        if exc.status == 403:
            return Diagnosis("key", f"Stripe refused the key {key} for this (HTTP 403: it lacks a permission).",
                             "give the restricted key write access to Checkout Sessions, Products, Prices and "
                             "Webhook Endpoints in the Dashboard, or use the secret key (sk_…)")
        return Diagnosis("key", f"Stripe does not accept the key {key} (HTTP {exc.status}: wrong, rolled or deleted).",
                         "copy the secret key again from Dashboard → Developers → API keys into STRIPE_SECRET_KEY")
    reason = exc.reason or exc.message
    return Diagnosis("refused", f"Stripe refused the request (HTTP {exc.status}): {reason}",
                     "fix what Stripe names above (often a value in catalog.toml), then run this again")
