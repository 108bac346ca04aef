"""Stripe webhook signatures: sign and verify, with nothing but `hmac`.

The header is ``Stripe-Signature: t=<unix time>,v1=<hex hmac>[,v1=…]`` where the
HMAC-SHA256 is keyed by the endpoint's signing secret over ``b"<t>." + body``.
Verification follows ``stripe.Webhook.construct_event``: any matching ``v1``
passes; a timestamp older than the tolerance is rejected, a newer one is not.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Stripe-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_S = 300


class SignatureError(ValueError):
    """The signature header is missing, malformed, wrong or too old."""


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` value Stripe would send for this body."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={ts},{SCHEME}={compute_signature(payload, secret, ts)}"


def verify_header(
    payload: bytes,
    header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> int:
    """Check `header` against `payload`; return its timestamp or raise SignatureError."""
    if not header:
        raise SignatureError("No Stripe-Signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            continue
        key = key.strip()
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("Malformed timestamp in Stripe-Signature") from None
        elif key == SCHEME:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("Stripe-Signature has no timestamp or no v1 signature")
    expected = compute_signature(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("No signature matches the body")
    current = time.time() if now is None else now
    if tolerance and timestamp < current - tolerance:
        raise SignatureError("Timestamp outside the tolerance")
    return timestamp
