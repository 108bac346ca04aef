"""Presigned GET URLs for an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO…), with
nothing but `hmac` and `hashlib`: AWS Signature Version 4 in the query string.

A presigned URL lets the buyer's browser fetch one object for a few minutes without the
bucket being public and without the kit proxying the bytes (no response-size limit). No
boto3 on the functions' cold path: the signature is a few HMACs, written out below as the
AWS documentation describes them ("Authenticating Requests: Using Query Parameters").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "s3"
MAX_EXPIRES_S = 7 * 24 * 3600  # SigV4's own limit


def _encode(value: str, safe: str = "-_.~") -> str:
    """URI-encode as SigV4 wants it: every byte except unreserved characters (and `/` in paths)."""
    return quote(value, safe=safe)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str = SERVICE) -> bytes:
    key = _hmac(f"AWS4{secret}".encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def presign_get(bucket_url: str, key: str, access_key_id: str, secret_access_key: str, region: str,
                expires_s: int = 300, now: dt.datetime | None = None,
                extra_query: dict[str, str] | None = None) -> str:
    """A URL that GETs `key` from the bucket at `bucket_url` until `expires_s` from `now`.

    `bucket_url` is the bucket's own address (virtual-hosted, `https://bucket.s3.region.amazonaws.com`,
    or path-style, `https://ACCOUNT.r2.cloudflarestorage.com/bucket`); `extra_query` adds signed
    parameters such as `response-content-disposition`.
    """
    if not 1 <= expires_s <= MAX_EXPIRES_S:
        raise ValueError("expires_s must be from 1 second to 7 days")
    parts = urlsplit(bucket_url.rstrip("/"))
    host = parts.netloc.lower()
    path = f"{parts.path}/{key.lstrip('/')}"
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    stamp, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{date}/{region}/{SERVICE}/aws4_request"
    query = {
        "X-Amz-Algorithm": ALGORITHM,
        "X-Amz-Credential": f"{access_key_id}/{scope}",
        "X-Amz-Date": stamp,
        "X-Amz-Expires": str(expires_s),
        "X-Amz-SignedHeaders": "host",
        **(extra_query or {}),
    }
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query.items()))
    canonical_request = "\n".join(["GET", _encode(path, safe="-_.~/"), canonical_query, f"host:{host}", "",
                                   "host", "UNSIGNED-PAYLOAD"])
    string_to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
    signature = hmac.new(signing_key(secret_access_key, date, region), string_to_sign.encode(),
                         hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{host}{_encode(path, safe='-_.~/')}?{canonical_query}&X-Amz-Signature={signature}"
