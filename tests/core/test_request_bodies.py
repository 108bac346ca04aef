"""Malformed or short request bodies at the dev server: a clear 400, and no thread left waiting."""

from __future__ import annotations

import json
import socket

import pytest

from tests.core.conftest import Shop


def raw_post(shop: Shop, path: str, content_length: str, body: bytes, timeout: float = 15.0) -> tuple[int, dict]:
    """POST over a bare socket, announcing `content_length` whatever `body` holds; keeps the socket open."""
    host, port = shop.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {content_length}\r\n\r\n").encode()
        sock.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data or not data.split(b"\r\n\r\n", 1)[1].endswith(b"}"):
            chunk = sock.recv(65536)  # raises socket.timeout if the server kept waiting for the body
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.split(b"\r\n\r\n", 1)[1] or b"{}")


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5", " 12x"])
def test_a_malformed_content_length_is_a_400(shop: Shop, length: str) -> None:
    for path in ("/api/create-checkout-session", "/api/webhook"):
        status, body = raw_post(shop, path, length, b'{"priceId": "price_test_ebook"}')
        assert status == 400 and body["error"]["code"] == "invalid_body", (path, length, body)


def test_a_body_shorter_than_announced_is_a_400_not_a_hang(shop: Shop) -> None:
    """The client announces 1,000 bytes and sends 31, then waits: the server gives up on the body
    (its read timeout) and answers, instead of holding a thread until the client goes away."""
    for path in ("/api/create-checkout-session", "/api/webhook"):
        status, body = raw_post(shop, path, "1000", b'{"priceId": "price_test_ebook"}')
        assert status == 400 and "ended before" in body["error"]["message"], (path, body)
    # The shop still answers normally afterwards.
    assert shop.checkout({"priceId": "price_test_ebook"}).status == 200
