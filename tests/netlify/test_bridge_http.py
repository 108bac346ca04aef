"""HTTP through the Netlify bridge (netlify/lib/bridge-worker.mjs, on node:http/https since issue
15), as checkout_kit/pyodide_platform.py's BridgeTransport sees it: bytes both ways unchanged,
headers lower-cased, a redirect answered rather than followed (as http.client does), and a
refused connection or a timeout as an error naming its cause. tests/netlify/bridge_cli.mjs drives
the bridge without Pyodide; a local server plays the API."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from tests.netlify.conftest import Bridge

ODD = bytes(range(256)) + "naïve ✓".encode()


class Api(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict[str, str], bytes]] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Api.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(201)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("X-Request-Id", "req_1")
        self.send_header("Set-Cookie", "a=1")
        self.send_header("Set-Cookie", "b=2")
        self.send_header("Content-Length", str(len(body[::-1])))
        self.end_headers()
        self.wfile.write(body[::-1])

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(2)
        self.send_response(302)
        self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def bridge(netlify_build) -> Iterator[Bridge]:
    bridge = Bridge()
    yield bridge
    bridge.close()


def fetch(bridge: Bridge, method: str, url: str, headers: dict[str, str] | None = None, body: bytes | None = None,
          timeout_ms: int = 5000) -> dict:
    return bridge.call("fetchSync", method, url, json.dumps(headers or {}), list(body) if body else None, timeout_ms)


def test_bytes_and_headers_pass_unchanged(bridge, api):
    answer = fetch(bridge, "POST", f"{api}/v1/checkout/sessions", {"Content-Type": "application/x-www-form-urlencoded",
                                                                    "Idempotency-Key": "kit-1"}, ODD)
    assert answer["status"] == 201
    assert base64.b64decode(answer["body_b64"]) == ODD[::-1]
    meta = json.loads(answer["meta"])["headers"]
    assert meta["x-request-id"] == "req_1" and meta["set-cookie"] == "a=1, b=2"
    path, headers, body = Api.seen[-1]
    assert path == "/v1/checkout/sessions" and body == ODD and headers["idempotency-key"] == "kit-1"
    assert headers["content-length"] == str(len(ODD))
    assert bridge.counts["fetch"] == 1


def test_a_redirect_is_answered_not_followed(bridge, api):
    answer = fetch(bridge, "GET", f"{api}/moved")
    assert answer["status"] == 302 and json.loads(answer["meta"])["headers"]["location"] == "/elsewhere"


def test_a_refused_connection_and_a_timeout_say_why(bridge, api):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # bound, never listening: refused
        refused = fetch(bridge, "GET", f"http://127.0.0.1:{closed}/")
    assert refused == {"status": -1, "error": "ECONNREFUSED"}
    started = time.perf_counter()
    slow = fetch(bridge, "GET", f"{api}/slow", timeout_ms=300)
    assert slow == {"status": -1, "error": "TimeoutError"} and time.perf_counter() - started < 1.9
    assert fetch(bridge, "GET", f"{api}/moved")["status"] == 302  # the bridge goes on
