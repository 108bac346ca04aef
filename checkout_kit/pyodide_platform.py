"""The kit's core inside Netlify Functions, through Pyodide (DESIGN §7).

Pyodide (CPython on WebAssembly) has no sockets, so the two kinds of outbound
I/O the core does go through a synchronous bridge to Node (netlify/lib/bridge.mjs:
a worker thread does the I/O while the main thread waits on `Atomics.wait`):

- HTTP (Stripe's API, the Resend mail API): `BridgeTransport`, installed as the
  core's default `HttpTransport`, over the worker's `fetch`.
- SQL: `BridgePostgresDialect`, a dialect of the kit's one `SqlStore`, whose
  connection sends each statement (with `$1…` placeholders) to a node-postgres
  client held by the worker. The SQL, the transactions (BEGIN/COMMIT/ROLLBACK on
  one session), the unique constraints and the advisory lock are the ones the
  CPython deployments run, so duplicate and concurrent deliveries behave alike.
  The worker holds one connection per instance and reconnects only between
  transactions: every statement after BEGIN names the database session the
  BEGIN ran on, and the worker refuses it (without running it) if that session
  is gone, so a transaction can never continue, half-autocommitted, on a new one.

`handle()` turns one HTTP request into a WSGI call of `checkout_kit.web.App`
(the app Vercel and the dev server run) and returns status, headers and body;
netlify/functions/api.mjs only moves bytes between Netlify's `Request`/`Response`
and it. Nothing here imports Pyodide at module level, so the pure parts are
testable on CPython too.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable, Iterator

from checkout_kit.http_transport import HttpResponse, TransportError, set_default_transport
from checkout_kit.store.dialects import PostgresDialect
from checkout_kit.store.errors import StoreError, StoreUnavailable
from checkout_kit.web import App, call_wsgi, environ_for

# The bridge: a JS object with fetchSync(method, url, headersJson, body, timeoutMs) and
# sqlSync(sql, paramsJson, timeoutMs, session), set by install().
_bridge: Any = None

SQL_TIMEOUT_MS = 25_000
# Worker error codes that mean the connection, not the statement, failed: retry later (503).
LOST = frozenset({"connect", "connection", "connection_lost", "bridge"})


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


# ---- SQL over the bridge -----------------------------------------------------------

def numbered_placeholders(sql: str) -> str:
    """The store's `?` placeholders as PostgreSQL's `$1, $2…` (the store's SQL has no `?` in literals)."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))


def sql_param(value: Any) -> Any:
    """Parameters travel as PostgreSQL text (exact for BIGINT and floats); None stays NULL."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    raise TypeError(f"unsupported SQL parameter type {type(value).__name__}")


_INT_OIDS = {20, 21, 23, 26}
_FLOAT_OIDS = {700, 701}


def _converter(oid: int) -> Callable[[str], Any]:
    if oid in _INT_OIDS:
        return int
    if oid in _FLOAT_OIDS:
        return float
    if oid == 1700:
        return Decimal
    if oid == 16:
        return lambda text: text == "t"
    return str


def decode_rows(rows: list[list[str | None]], types: list[int]) -> list[tuple[Any, ...]]:
    """Rows of PostgreSQL text values → Python values by column type (as psycopg returns them)."""
    converters = [_converter(oid) for oid in types]
    return [tuple(None if v is None else conv(v) for conv, v in zip(converters, row)) for row in rows]


class BridgeCursor:
    """The DB-API surface SqlStore uses: execute, fetchone, fetchall, rowcount."""

    def __init__(self, connection: "BridgeConnection") -> None:
        self.connection = connection
        self.rowcount = -1
        self.description: list[int] | None = None  # like DB-API: None when the statement returns no rows
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> "BridgeCursor":
        answer = self.connection.run(numbered_placeholders(sql), [sql_param(p) for p in params])
        types = answer.get("types") or []
        self._rows = decode_rows(answer.get("rows") or [], types)
        self.description = types or None
        self.rowcount = answer.get("rowCount", -1)
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows


class BridgeConnection:
    """One PostgreSQL session held by the bridge worker (node-postgres over TCP)."""

    def __init__(self, run_sql: Callable[..., str], host: str = "") -> None:
        self._run_sql = run_sql
        self.host = host
        self.closed = False
        self.broken = False
        # The worker's database session a transaction began on ("" outside one): every statement
        # of the transaction must run there, or not at all.
        self.session = ""

    def run(self, sql: str, params: list[Any]) -> dict[str, Any]:
        if self.closed:
            raise StoreUnavailable("the database connection is closed")
        answer = json.loads(self._run_sql(sql, json.dumps(params), SQL_TIMEOUT_MS, self.session))
        error = answer.get("error")
        if error:
            code = error.get("code") or ""
            message = error.get("message", "")
            if code in LOST:
                self.broken = bool(self.session)  # mid-transaction: this transaction is over
                raise StoreUnavailable(message or "lost the database connection")
            raise StoreError(f"PostgreSQL error {code}: {message}".strip())
        return answer

    def cursor(self) -> BridgeCursor:
        return BridgeCursor(self)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> BridgeCursor:
        return self.cursor().execute(sql, params)

    def close(self) -> None:
        self.closed = True


class BridgePostgresDialect(PostgresDialect):
    """PostgreSQL through the bridge: the same SQL, transactions and advisory lock as psycopg."""

    name = "postgresql"
    placeholder = "?"  # kept as `?` by SqlStore; the cursor numbers them $1, $2…
    pool_size = 1  # one request at a time per instance, and one connection per instance
    pipelines = False  # each statement is its own bridge message (for now)

    def __init__(self, url: str, run_sql: Callable[..., str] | None = None) -> None:
        super().__init__(url)
        self._run_sql = run_sql

    def connect(self) -> BridgeConnection:
        run_sql = self._run_sql or (_bridge.sqlSync if _bridge is not None else None)
        if run_sql is None:
            raise StoreError("the Pyodide bridge is not installed (checkout_kit.pyodide_platform.install)")
        return BridgeConnection(run_sql)

    @contextmanager
    def begin(self, conn: Any) -> Iterator[None]:
        answer = conn.run("BEGIN", [])
        conn.session = answer.get("session") or ""
        try:
            yield
        except BaseException:
            try:
                conn.run("ROLLBACK", [])
            except StoreError:
                pass  # the session is gone, and its transaction with it
            finally:
                conn.session = ""
            raise
        try:
            conn.run("COMMIT", [])
        finally:
            conn.session = ""

    def is_lost(self, exc: BaseException) -> bool:
        return isinstance(exc, StoreUnavailable)

    def is_broken(self, conn: Any) -> bool:
        return bool(conn.closed or conn.broken)


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
                services._store = SqlStore(BridgePostgresDialect(url))
            self._services = services
        return self._services


_app: App | None = None


def install(bridge: Any) -> None:
    """Called once per instance by api.mjs: route the core's outbound HTTP and SQL through `bridge`."""
    global _bridge, _app
    _bridge = bridge
    set_default_transport(BridgeTransport(bridge))
    _app = PyodideApp()


def handle(method: str, path: str, query: str, headers_json: str, body: Any,
           remote_addr: str = "", scheme: str = "https") -> tuple[int, str, bytes]:
    """One request from api.mjs → (status, headers as a JSON list of pairs, body bytes)."""
    if _app is None:
        raise RuntimeError("checkout_kit.pyodide_platform.install(bridge) was not called")
    raw = body if isinstance(body, bytes) else bytes(body.to_py()) if body is not None else b""
    environ = environ_for(method, path, query, json.loads(headers_json), raw, remote_addr, scheme)
    status, headers, out = call_wsgi(_app, environ)
    return status, json.dumps(headers), out
