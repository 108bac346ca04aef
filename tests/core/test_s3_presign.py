"""SigV4 query signing against the example in AWS's documentation ("Authenticating Requests:
Using Query Parameters"): same key, bucket, object, date and expiry give AWS's signature."""

from __future__ import annotations

import datetime as dt

import pytest

from checkout_kit.s3_presign import presign_get

AWS_EXAMPLE = ("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
               "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
               "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
               "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")


def test_the_aws_documentation_example() -> None:
    url = presign_get("https://examplebucket.s3.amazonaws.com", "test.txt", "AKIAIOSFODNN7EXAMPLE",
                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", expires_s=86400,
                      now=dt.datetime(2013, 5, 24, tzinfo=dt.timezone.utc))
    assert url == AWS_EXAMPLE


def test_path_style_buckets_and_keys_with_spaces_are_encoded_once() -> None:
    url = presign_get("https://acct.r2.cloudflarestorage.com/shop-files/", "books/big book.pdf", "AKID", "secret",
                      "auto", now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))
    assert url.startswith("https://acct.r2.cloudflarestorage.com/shop-files/books/big%20book.pdf?")
    assert "X-Amz-Credential=AKID%2F20260102%2Fauto%2Fs3%2Faws4_request" in url and "secret" not in url


@pytest.mark.parametrize("expires", [0, 7 * 24 * 3600 + 1])
def test_expiry_stays_within_sigv4s_limits(expires: int) -> None:
    with pytest.raises(ValueError):
        presign_get("https://b.s3.amazonaws.com", "k", "AKID", "s", "us-east-1", expires_s=expires)
