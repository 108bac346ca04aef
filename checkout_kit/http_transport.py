"""Outbound HTTP for the core (Stripe's API, the mail API), as one small port.

`HttpTransport.request` is all the core needs. The default uses the standard
library's `http.client` (no `requests`, no `stripe` import on hot paths); a
Pyodide build swaps in a transport that bridges to `fetch`, since WebAssembly
has no sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit


class TransportError(Exception):
    """The request did not get an HTTP answer (connection refused, timeout, TLS…)."""


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class HttpTransport(Protocol):
    def request(self, method: str, url: str, headers: dict[str, str], body: bytes | None = None,
                timeout: float = 30.0) -> HttpResponse: ...


class StdlibTransport:
    """`http.client`, one connection per request (serverless instances are short-lived)."""

    def request(self, method: str, url: str, headers: dict[str, str], body: bytes | None = None,
                timeout: float = 30.0) -> HttpResponse:
        import http.client  # lazy: ~40 ms, only paid when a call is made

        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(parts.hostname or "", parts.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return HttpResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(f"{type(exc).__name__} talking to {parts.hostname}") from None
        finally:
            conn.close()


_default: HttpTransport | None = None


def default_transport() -> HttpTransport:
    global _default
    if _default is None:
        _default = StdlibTransport()
    return _default


def set_default_transport(transport: HttpTransport) -> None:
    """Used by platform adapters (Pyodide) to replace the socket-based transport."""
    global _default
    _default = transport
