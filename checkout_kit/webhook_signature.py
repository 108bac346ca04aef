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


def _parse_header(header: str) -> tuple[int, list[str]]:
    """(timestamp, v1 signatures), parsed exactly as stripe-python parses them.

    Same split (on "," then on "=" at most twice), the first ``t`` wins, keys are
    not trimmed and an item without "=" named ``t`` or ``v1`` is an error: a
    header is accepted here if and only if Stripe's SDK accepts it.
    """
    items = [part.split("=", 2) for part in header.split(",")]
    try:
        timestamp = int([item[1] for item in items if item[0] == "t"][0])
        signatures = [item[1] for item in items if item[0] == SCHEME]
    except (IndexError, ValueError):
        raise SignatureError("Malformed Stripe-Signature header") from None
    return timestamp, signatures


def verify_header(
    payload: bytes,
    header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> int:
    """Check `header` against `payload`; return its timestamp or raise SignatureError."""
    # Stripe signs the body's text: a body that is not UTF-8 fails its check, so it fails ours.
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError("The body is not UTF-8") from None
    if not header:
        raise SignatureError("No Stripe-Signature header")
    if not secret or not secret.strip(" \t\r\n\f\v"):
        raise SignatureError("No webhook signing secret")
    timestamp, candidates = _parse_header(header)
    if not candidates:
        raise SignatureError("Stripe-Signature has no v1 signature")
    expected = compute_signature(payload, secret, timestamp)
    # compare_digest raises TypeError on non-ASCII text: such a value is simply not our hex digest.
    if not any(c.isascii() and hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("No signature matches the body")
    current = time.time() if now is None else now
    if tolerance and timestamp < current - tolerance:
        raise SignatureError("Timestamp outside the tolerance")
    return timestamp
