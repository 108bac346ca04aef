"""The kit's one signing key, and what it signs: links that expire and codes nobody can forge.

`KIT_SIGNING_KEY` signs every link and code the kit hands out: magic links to the customer
portal and the buyer's order page, download links, ticket codes. In development it is
generated once and kept in `.data/signing.key`; on a serverless host it must be set (a key
generated there would change with every instance and invalidate every link).

A token is `<claims>.<mac>`: the claims (purpose, expiry, what it grants) as base64url JSON,
and an HMAC-SHA256 over the purpose and the claims. A token made for one purpose never
verifies for another. Tokens are not secret from their holder; they only cannot be made or
altered without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

DEV_KEY_FILE = ".data/signing.key"
MIN_KEY_LENGTH = 32


class TokenError(ValueError):
    """A token that does not verify. `reason`: "invalid" (tampered, wrong purpose, garbage) or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_bytes(settings: Any) -> bytes:
    """The signing key: KIT_SIGNING_KEY, or in development the one kept in .data/signing.key."""
    if settings.kit_signing_key:
        return settings.kit_signing_key.reveal().encode()
    return dev_key(Path(settings.data_dir) / "signing.key")


_DEV_KEYS: dict[str, bytes] = {}  # read once per process: every link signed reads it


def dev_key(path: Path) -> bytes:
    """Read the development key, creating it (owner-only) on first use."""
    known = _DEV_KEYS.get(str(path))
    if known is not None and path.exists():
        return known
    _DEV_KEYS[str(path)] = key = _read_or_make(path)
    return key


def _read_or_make(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_urlsafe(48).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as file:
        file.write(fresh)
    return fresh


def _mac(key: bytes, purpose: str, body: str) -> str:
    return _b64(hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest())


def sign(key: bytes, purpose: str, claims: dict[str, Any], ttl_s: float | None = None) -> str:
    """A token for `purpose` carrying `claims`, expiring `ttl_s` from now (never, if None)."""
    payload = dict(claims)
    if ttl_s is not None:
        payload["exp"] = int(time.time() + ttl_s)
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_mac(key, purpose, body)}"


def verify(key: bytes, purpose: str, token: str | None, now: float | None = None) -> dict[str, Any]:
    """The claims of a valid, unexpired token for `purpose`; TokenError otherwise."""
    if not token or len(token) > 4096 or token.count(".") != 1:
        raise TokenError("invalid")
    body, mac = token.split(".")
    if not hmac.compare_digest(mac.encode(), _mac(key, purpose, body).encode()):
        raise TokenError("invalid")
    try:
        claims = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        raise TokenError("invalid") from None
    if not isinstance(claims, dict):
        raise TokenError("invalid")
    expires = claims.get("exp")
    if expires is not None and (now if now is not None else time.time()) >= expires:
        raise TokenError("expired")
    return claims


def code(key: bytes, purpose: str, *parts: Any, length: int = 10) -> str:
    """A short deterministic code nobody can compute without the key (ticket codes): base32, no padding."""
    digest = hmac.new(key, ":".join([purpose, *map(str, parts)]).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:length]


def token_id(token: str) -> str:
    """A stable id for a token, to record its single use without storing the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]
