"""The kit's core inside Netlify Functions, through Pyodide (DESIGN §7).

Pyodide (CPython on WebAssembly) has no sockets, so the two kinds of outbound
I/O the core does go through a synchronous bridge to Node (netlify/lib/bridge.mjs:
a worker thread does the I/O while the main thread waits on `Atomics.wait`):

- HTTP (Stripe's API, the Resend mail API): `BridgeTransport`, installed as the
  core's default `HttpTransport`, over the worker's `fetch`.
- SQL: `BridgePostgresDialect` (checkout_kit/pyodide_sql.py), a dialect of the
  kit's one `SqlStore`, whose connection sends statements (alone, or a pipelined
  batch as one message) to a node-postgres client held by the worker.

`handle()` turns one HTTP request into a WSGI call of `checkout_kit.web.App`
(the app Vercel and the dev server run) and returns status, headers and body;
netlify/functions/api.mjs only moves bytes between Netlify's `Request`/`Response`
and it. Nothing here imports Pyodide at module level, so the pure parts are
testable on CPython too.
"""

from __future__ import annotations

import json
from typing import Any

from checkout_kit.http_transport import HttpResponse, TransportError, set_default_transport
from checkout_kit.pyodide_sql import BridgePostgresDialect
from checkout_kit.web import App, call_wsgi, environ_for

# The bridge: a JS object with fetchSync(method, url, headersJson, body, timeoutMs),
# sqlBatchSync(statementsJson, timeoutMs, session) and postSql(statementsJson),
# set by install().
_bridge: Any = None


def _bytes_to_js(data: bytes) -> Any:
    from pyodide.ffi import to_js  # only under Pyodide

    return to_js(data)


class BridgeTransport:
    """The core's `HttpTransport` over the bridge's `fetch` (no redirects followed, like http.client)."""

    def __init__(self, bridge: Any) -> None:
        self.bridge = bridge

    def request(self, method: str, url: str, headers: dict[str, str], body: bytes | None = None,
                timeout: float = 30.0) -> HttpResponse:
        answer = self.bridge.fetchSync(method, url, json.dumps(headers), _bytes_to_js(body) if body else None,
                                       int(timeout * 1000))
        if answer.status < 0:
            host = url.split("/")[2] if url.count("/") >= 2 else url
            raise TransportError(f"{answer.error} talking to {host}")
        meta = json.loads(answer.meta)
        return HttpResponse(int(answer.status), meta["headers"], bytes(answer.body.to_py()))


# ---- the app -------------------------------------------------------------------------

class PyodideApp(App):
    """The same WSGI app, whose store is the one SqlStore on the bridge dialect."""

    @property
    def services(self) -> Any:
        if self._services is None:
            from checkout_kit.config import from_env
            from checkout_kit.services import Services
            from checkout_kit.store.sql import SqlStore

            services = Services(from_env())  # ConfigError → App.dispatch answers 500 misconfigured
            url = services.settings.database_url.reveal()
            if url.startswith(("postgresql://", "postgres://")):
                services._store = SqlStore(BridgePostgresDialect(url, _bridge.sqlBatchSync, _bridge.postSql))
            self._services = services
        return self._services


_app: App | None = None


def install(bridge: Any) -> None:
    """Called once per instance by api.mjs: route the core's outbound HTTP and SQL through `bridge`."""
    global _bridge, _app
    _bridge = bridge
    set_default_transport(BridgeTransport(bridge))
    _app = PyodideApp()
    # A new instance's first statement is the schema check: the worker runs it now, while the first
    # request is still being read and parsed, and answers the request's own check from it.
    from checkout_kit.store.sql import SCHEMA_CHECK

    bridge.prefetchSql(json.dumps([[SCHEMA_CHECK, []]]))


def handle(method: str, path: str, query: str, headers_json: str, body: Any,
           remote_addr: str = "", scheme: str = "https") -> tuple[int, str, bytes]:
    """One request from api.mjs → (status, headers as a JSON list of pairs, body bytes)."""
    if _app is None:
        raise RuntimeError("checkout_kit.pyodide_platform.install(bridge) was not called")
    raw = body if isinstance(body, bytes) else bytes(body.to_py()) if body is not None else b""
    environ = environ_for(method, path, query, json.loads(headers_json), raw, remote_addr, scheme)
    status, headers, out = call_wsgi(_app, environ)
    return status, json.dumps(headers), out
