"""The HTTP API as one plain WSGI app, the same on every host.

Plain WSGI rather than a framework keeps cold starts short (werkzeug or flask
would add 0.1-0.2 s before the first byte) and runs unchanged under Pyodide.
Routes (DESIGN §4):

    POST /api/create-checkout-session   JSON or form post -> Checkout URL
    POST /api/webhook                   Stripe events
    GET  /api/checkout-session          the order summary for success.html
    GET  /api/cron/outbox               retry pending emails (CRON_SECRET)
    POST /api/portal, GET /api/portal   a magic link to the customer portal (portal.py)
    GET  /api/access                    whether an email has a membership (ADMIN_TOKEN)
    *    /api/admin/*                    the owner's desk (ADMIN_TOKEN; checkout_kit/admin_api.py)
    GET  /api/health                    liveness
    /api/download, /api/tickets/check-in, /api/stock, /api/orders: after the sale (web_after_sale)
    GET  /api/config                    publishable key, mode and Stripe.js URL (embedded Checkout)

Errors are JSON `{"error": {"code", "message"}}`, never a trace.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import sys
import time
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from checkout_kit.config import ConfigError, origin_of
from checkout_kit.store.errors import StoreUnavailable

# The publishable key the emulator's Stripe.js stand-in accepts (offline, no STRIPE_PUBLISHABLE_KEY needed).
EMULATOR_PUBLISHABLE_KEY = "pk_test_emulator"

log = logging.getLogger("checkout_kit.web")

MAX_CHECKOUT_BODY = 16 * 1024
SESSION_ID = re.compile(r"cs_(test|live)_[A-Za-z0-9]{1,250}")  # use fullmatch: "$" would let a trailing "\n" in
FULL_SUMMARY_FOR_S = 24 * 3600
RATE_WINDOW_S = 60
SUMMARY_LOOKUPS_PER_MINUTE = 20  # Stripe look-ups per client for sessions the store does not know
RETRY_AFTER_S = 30
CRON_BATCH = 100
JSON_HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff")]

StartResponse = Callable[..., Any]


class BadBody(Exception):
    """The request's Content-Length is malformed, or the body ended before it: a 400, never a hang."""


class Request:
    """Just what the routes need from a WSGI environ."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "/") or "/"
        self.query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()}

    def header(self, name: str) -> str | None:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key) or None
        return self.environ.get(f"HTTP_{key}")

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def body(self, limit: int) -> bytes | None:
        """The raw body, or None if it is longer than `limit` bytes. Raises BadBody."""
        length = self.header("Content-Length")
        if length is not None:
            length = length.strip()
            # Digits only: "-1" would read until the client hangs up, "1e3" and "+5" are not lengths.
            if not (length.isascii() and length.isdigit()):
                raise BadBody("Content-Length must be a whole number of bytes.")
            if int(length) > limit:
                return None
        stream = self.environ.get("wsgi.input")
        if stream is None:
            return b""
        want = int(length) if length is not None else limit + 1
        try:
            data = stream.read(want)
        except OSError:  # the server's read timed out: the client sent less than it announced
            raise BadBody("The request body ended before its Content-Length.") from None
        if length is not None and len(data) < want:
            raise BadBody("The request body ended before its Content-Length.")
        return None if len(data) > limit else data


class Response:
    """`stream`: the body as chunks (a file), its Content-Length already in `headers`."""

    def __init__(self, status: int, body: bytes = b"", headers: list[tuple[str, str]] | None = None,
                 stream: Iterable[bytes] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.stream = stream

    @classmethod
    def json(cls, status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> "Response":
        return cls(status, json.dumps(payload).encode(), JSON_HEADERS + list(headers or []))


def error(status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response.json(status, {"error": {"code": code, "message": message}}, headers)


REASONS = {200: "OK", 204: "No Content", 302: "Found", 303: "See Other", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 410: "Gone",
           413: "Payload Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


# ---- routes ----------------------------------------------------------------------


def _cors_headers(request: Request, services: Any) -> list[tuple[str, str]]:
    origin = request.header("Origin")
    # SITE_URL's origin too: when the functions run on another host, the site's own pages call them cross-origin.
    if origin and origin != "null" and origin_of(origin) in services.settings.origins:
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    return [("Vary", "Origin")]


def _origin_allowed(request: Request, services: Any) -> bool:
    origin = request.header("Origin")
    if origin is None:
        return True  # not a browser (curl, a server): nothing to protect against
    return origin != "null" and origin_of(origin) in services.settings.origins


_origins_told: set[str] = set()  # each refused origin is explained once per process, not once per request


def _refuse_origin(request: Request, services: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    """403, and one log line saying which page was refused and how to allow it if it is the owner's."""
    origin = re.sub(r"[^\x21-\x7e]", "?", request.header("Origin") or "")[:200]
    if origin not in _origins_told and len(_origins_told) < 100:
        _origins_told.add(origin)
        settings = services.settings
        if origin == "null":
            log.warning("refused a checkout from a page that sends Origin: null (a file:// page, or one with "
                        "<meta name=\"referrer\" content=\"no-referrer\">): serve it over http(s) without that tag")
        else:
            log.warning("refused a checkout from a page on %s: only SITE_URL (%s) and ALLOWED_ORIGINS may start one. "
                        "If that page is yours, add it: ALLOWED_ORIGINS=%s (comma-separated, after any you have)",
                        origin, settings.site_origin, origin)
    return error(403, "origin_not_allowed", "This site may not start a checkout here.", headers)


def _client_ip(request: Request, services: Any) -> str:
    # Platform headers are set by the platform's edge, so they are only trusted there.
    if services.settings.serverless == "netlify" and request.header("X-Nf-Client-Connection-Ip"):
        return request.header("X-Nf-Client-Connection-Ip") or ""
    if services.settings.serverless == "vercel" and request.header("X-Forwarded-For"):
        return (request.header("X-Forwarded-For") or "").split(",")[0].strip()
    return request.environ.get("REMOTE_ADDR", "unknown")


def _form_error_page(status: int, message: str, services: Any) -> Response:
    shop = html.escape(services.shop.name)
    page = (f"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            f"<title>Checkout problem — {shop}</title><main><h1>We could not start checkout</h1><p role=alert>"
            f"{html.escape(message)}</p><p><a href='{html.escape(services.settings.site_url)}/'>Back to {shop}</a>"
            f"</p></main></html>")
    return Response(status, page.encode(), [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])


def create_checkout_session(request: Request, services: Any) -> Response:
    from checkout_kit import checkout
    from checkout_kit.stripe_gateway import GatewayError

    cors = _cors_headers(request, services)
    if request.method == "OPTIONS":
        if not _origin_allowed(request, services):
            return _refuse_origin(request, services)
        return Response(204, b"", cors + [("Access-Control-Allow-Methods", "POST, OPTIONS"),
                                          ("Access-Control-Allow-Headers", "Content-Type"),
                                          ("Access-Control-Max-Age", "600")])
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.", [("Allow", "POST, OPTIONS")])
    if not _origin_allowed(request, services):
        return _refuse_origin(request, services, cors)
    kind = request.content_type
    is_form = kind == "application/x-www-form-urlencoded"
    if kind != "application/json" and not is_form:
        return error(415, "unsupported_media_type", "Send JSON (application/json) or a form post.", cors)
    body = request.body(MAX_CHECKOUT_BODY)
    if body is None:
        return error(413, "body_too_large", f"The request body is over {MAX_CHECKOUT_BODY // 1024} KiB.", cors)
    limit = services.settings.rate_limit_per_minute
    if limit and services.store.hit(f"checkout:{_client_ip(request, services)}", RATE_WINDOW_S) > limit:
        return error(429, "rate_limited", "Too many checkout attempts; wait a minute and try again.",
                     cors + [("Retry-After", str(RATE_WINDOW_S))])

    def refuse(status: int, code: str, message: str) -> Response:
        return _form_error_page(status, message, services) if is_form else error(status, code, message, cors)

    try:
        if is_form:
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "strict")).items()}
            cart = checkout.parse_form(fields, services.catalog)
        else:
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                # RecursionError: a few KiB of "[[[[…" nest deeper than the parser recurses.
                return error(400, "invalid_json", "The request body is not valid JSON.", cors)
            cart = checkout.parse_json(data, services.catalog)
        gateway = services.gateway.within(services.settings.stripe_checkout_timeout)
        session = checkout.create_session(cart, services.catalog, services.settings, gateway, services)
    except UnicodeDecodeError:
        return refuse(400, "invalid_body", "The form could not be read.")
    except checkout.CheckoutError as exc:
        return refuse(exc.status, exc.code, exc.message)
    except GatewayError as exc:
        log.error("checkout session not created: %s", exc.detail)
        return refuse(502, "stripe_error", "Checkout is unavailable right now. Please try again in a moment.")
    log.info("checkout session %s created (%d lines)", session["id"], len(cart.lines))
    checkout.record_intent(services.store, session)
    if is_form:
        return Response(303, b"", [("Location", session["url"]), ("Cache-Control", "no-store")])
    return Response.json(200, checkout.answer(session), cors)


def webhook(request: Request, services: Any) -> Response:
    from checkout_kit import webhooks

    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.", [("Allow", "POST")])
    body = request.body(webhooks.MAX_BODY_BYTES)
    if body is None:
        return error(413, "body_too_large", "The event is too large.")
    answer = webhooks.handle(services, body, request.header("Stripe-Signature"))
    retry = [("Retry-After", str(RETRY_AFTER_S))] if answer.status == 503 else []
    return Response.json(answer.status, answer.body, retry)


def _summary(services: Any, order: Any, session: dict[str, Any] | None) -> dict[str, Any]:
    from checkout_kit import order_totals
    from checkout_kit.fulfillment import kinds, reference
    from checkout_kit.store.records import SETTLED

    if order is not None:
        paid = order.status in SETTLED
        payment_status = ("no_payment_required" if order.amount_total == 0 else "paid") if paid else "unpaid"
        return {
            "id": order.session_id, "status": "complete", "payment_status": payment_status,
            "order_status": order.status, "mode": order.mode, "customer_email": order.customer_email,
            "amount_total": order.amount_total, "currency": order.currency,
            "items": [{"description": i.description, "quantity": i.quantity, "amount_total": i.amount_total,
                       **order_totals.line_summary(order.totals, i.position)} for i in order.items],
            # What each line gives the buyer, as its kind shows it (the same as the receipt).
            "fulfillment": [view.as_json() for view in kinds.views(services, order)],
            "reference": reference(order.session_id), "amount_refunded": order.amount_refunded,
            **order_totals.summary(order.totals),
        }
    assert session is not None
    return {
        "id": session["id"], "status": session.get("status"), "payment_status": session.get("payment_status"),
        "order_status": None, "mode": session.get("mode"),
        "customer_email": (session.get("customer_details") or {}).get("email") or session.get("customer_email"),
        "amount_total": session.get("amount_total"), "currency": session.get("currency"),
        "items": [{"description": li.get("description"), "quantity": li.get("quantity"),
                   "amount_total": li.get("amount_total")} for li in (session.get("line_items") or {}).get("data", [])],
        "fulfillment": [],
    }


def checkout_session_summary(request: Request, services: Any) -> Response:
    from checkout_kit import fulfillment, outbox
    from checkout_kit.store.records import SETTLED
    from checkout_kit.stripe_gateway import NOT_FOUND, GatewayError

    private = [("Referrer-Policy", "no-referrer")]
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET.", [("Allow", "GET")] + private)
    session_id = request.query.get("session_id", "")
    if not SESSION_ID.fullmatch(session_id):
        return error(400, "invalid_session_id", "session_id must look like cs_test_… or cs_live_….", private)
    # The usual case, a stored order, in one round trip: the order and any of its jobs still due.
    token = outbox.new_token()
    order, due = services.store.order_and_due_jobs(session_id, token, outbox.lease_seconds(services.settings))
    session = None
    if order is None and services.store.hit(f"summary:{_client_ip(request, services)}", RATE_WINDOW_S) \
            > SUMMARY_LOOKUPS_PER_MINUTE:
        # Each unknown id costs a Stripe call: a client guessing ids must not spend the shop's API quota.
        return error(429, "rate_limited", "Too many look-ups; wait a minute and try again.",
                     private + [("Retry-After", str(RATE_WINDOW_S))])
    own = []
    if order is None or order.status not in SETTLED:  # paid, refunds included: nothing left to learn
        # Stripe's advice: fulfill from the landing page too, in case the webhook is late.
        try:
            gateway = services.gateway.within(services.settings.stripe_checkout_timeout)
            result = fulfillment.fulfill_checkout(services, session_id, gateway=gateway)
        except GatewayError as exc:
            services.store.unclaim_jobs(due)
            if exc.kind == NOT_FOUND:
                return error(404, "not_found", "No such checkout session.", private)
            log.error("summary for %s: %s", session_id, exc.detail)
            return error(502, "stripe_error", "Could not load your order right now; refresh in a moment.", private)
        if result.outcome == fulfillment.NOT_KIT:
            return error(404, "not_found", "No such checkout session.", private)
        order, session, own = result.order, result.session, list(result.jobs)
    if own or due:
        # This order's emails and effects: the ones just queued, and any a crash or an outage left behind.
        passed = outbox.after_commit(services, own + due, limit=0)
        if passed.done and any(job.kind != "email" for job in own + due):
            order = services.store.get_order(session_id) or order  # an owner's hook added details to show
    summary = _summary(services, order, session)
    settled_at = (order.paid_at or order.created_at) if order else None
    if settled_at and time.time() - settled_at > FULL_SUMMARY_FOR_S:
        summary = {k: summary[k] for k in ("id", "status", "payment_status", "order_status")}
    return Response.json(200, summary, private)


def _refuse_bearer(request: Request, secret: Any, variable: str) -> Response | None:
    """None when the request carries `Authorization: Bearer <secret>`; else the refusal to send."""
    return refuse_unless_bearer(request, [secret], f"Set {variable} to enable this route.",
                                "Missing or wrong Authorization header.")


def refuse_unless_bearer(request: Request, allowed: list[Any], unset: str, wrong: str) -> Response | None:
    """None when the request's bearer token is one of `allowed` (those set); else 403 `unset` when
    none is set, 401 `wrong` otherwise. Compared in constant time."""
    import hmac

    tokens = [s for s in allowed if s]
    if not tokens:
        return error(403, "not_configured", unset)
    given = (request.header("Authorization") or "").encode()
    if not any(hmac.compare_digest(given, f"Bearer {t.reveal()}".encode()) for t in tokens):
        return error(401, "unauthorized", wrong)
    return None


def cron_outbox(request: Request, services: Any) -> Response:
    """Vercel Cron (or any scheduler) runs the due jobs (emails and other effects); guarded by CRON_SECRET."""
    from checkout_kit import outbox

    refused = _refuse_bearer(request, services.settings.cron_secret, "CRON_SECRET")
    if refused:
        return refused
    # One round trip when nothing is due: the due jobs, the count of unfinished ones, the day's first run?
    token, lease_s = outbox.new_token(), outbox.lease_seconds(services.settings)
    claimed, pending, first_today = services.store.cron_pass(token, lease_s, CRON_BATCH)
    # Once a day (the first run of each UTC day, however often the scheduler calls): reconcile
    # the last three days with Stripe, in case a webhook never arrived. Before the jobs: the
    # day's run is taken now, so a pass that fails or times out below must not have skipped it.
    # The jobs are handed back meanwhile (a long reconcile would outlast their leases) and
    # claimed again after it, with any it queued.
    reconciled = None
    if first_today:
        services.store.unclaim_jobs(claimed)
        reconciled = _daily_reconcile(services)
        claimed = services.store.claim_jobs(token, lease_s, CRON_BATCH)
    result = outbox.perform_all(services, claimed)
    if len(claimed) == CRON_BATCH and not result.stopped:
        result.add(outbox.drain(services, CRON_BATCH))
    if claimed or reconciled:
        pending = services.store.pending_job_count()
    answer: dict[str, Any] = {"done": result.done, "retrying": result.retrying, "gave_up": result.gave_up,
                              "pending": pending}
    if result.stopped:
        answer["stopped"] = result.stopped
    if reconciled is not None:
        answer["reconciled"] = reconciled
    return Response.json(200, answer)


def _daily_reconcile(services: Any) -> dict[str, Any]:
    from checkout_kit.reconcile import reconcile
    from checkout_kit.stripe_gateway import GatewayError

    try:
        report = reconcile(services, actor="cron", gateway=services.gateway.within(25))
    except GatewayError as exc:
        log.error("daily reconcile: %s", exc.detail)
        return {"error": "Stripe unavailable; tomorrow's run covers these days again"}
    return {"checked": report.checked, "fixed": len(report.fixed)}


_warmed = False


def stripe_config(request: Request, services: Any) -> Response:
    """What a page needs for embedded Checkout: the publishable key, test or live, and which Stripe.js to load.
    Public values only; cacheable for a few minutes."""
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET.", [("Allow", "GET")])
    from checkout_kit import config

    settings = services.settings
    key = settings.stripe_publishable_key or (EMULATOR_PUBLISHABLE_KEY if settings.stripe_js != config.STRIPE_JS else None)
    if not key:
        return error(503, "not_configured", "Embedded checkout needs STRIPE_PUBLISHABLE_KEY.")
    return Response.json(200, {"publishableKey": key, "mode": settings.stripe_mode, "stripeJs": settings.stripe_js},
                         [("Cache-Control", "public, max-age=300")] + _cors_headers(request, services))


def health(request: Request, services: Any) -> Response:
    """Liveness, and the JS library's warm-up (one GET per page view, when a buy button shows): the
    first call in an instance also loads what the checkout route needs (its modules, the catalog, the
    database connection), so the customer's click does not pay for it."""
    global _warmed
    if not _warmed:
        _warmed = True
        try:
            from checkout_kit import checkout, stripe_gateway  # noqa: F401  (imported for the next request)

            services.catalog
            services.store.ping()  # connects, and checks the schema once
        except Exception as exc:  # a warm-up that fails changes nothing: the checkout route reports it
            log.debug("warm-up incomplete: %s", exc)
    return Response.json(200, {"ok": True})


def _later(name: str) -> Callable[[Request, Any], Response]:
    """A route of `web_after_sale`, imported on its first request (not on every cold start)."""
    def route(request: Request, services: Any) -> Response:
        from checkout_kit import web_after_sale

        return getattr(web_after_sale, name)(request, services)
    route.__name__ = name
    return route


def portal(request: Request, services: Any) -> Response:
    from checkout_kit import portal as portal_module

    return portal_module.route(request, services)


def access(request: Request, services: Any) -> Response:
    from checkout_kit import portal as portal_module

    return portal_module.access_route(request, services)


ROUTES: dict[str, Callable[[Request, Any], Response]] = {
    "/api/create-checkout-session": create_checkout_session,
    "/api/webhook": webhook,
    "/api/checkout-session": checkout_session_summary,
    "/api/cron/outbox": cron_outbox,
    "/api/health": health,
    "/api/download": _later("download"),
    "/api/tickets/check-in": _later("check_in"),
    "/api/stock": _later("stock_left"),
    "/api/orders": _later("orders"),
    "/api/config": stripe_config,
    "/api/portal": portal,
    "/api/access": access,
}


# ---- calling the app in process (Pyodide on Netlify, benchmarks, tests) ---------------------


def environ_for(method: str, path: str, query: str, headers: dict[str, str], body: bytes,
                remote_addr: str = "", scheme: str = "https") -> dict[str, Any]:
    """A WSGI environ for one request; the body is passed through byte for byte."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(), "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": remote_addr,
        "wsgi.version": (1, 0), "wsgi.url_scheme": scheme, "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_LENGTH":
            continue  # the real length of the bytes received
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    host = headers.get("host") or headers.get("Host") or "localhost"
    name, _, port = host.partition(":")
    environ["SERVER_NAME"] = name
    environ["SERVER_PORT"] = port or ("443" if scheme == "https" else "80")
    return environ


def call_wsgi(app: Callable[..., Any], environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Call a WSGI app in process: (status code, headers, body)."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        started[:] = [status, headers]
        return lambda chunk: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return int(started[0].split()[0]), list(started[1]), body


class App:
    """The WSGI callable. `services` is built from the environment on first request unless given."""

    def __init__(self, services: Any = None) -> None:
        self._services = services

    @property
    def services(self) -> Any:
        if self._services is None:
            from checkout_kit.services import shared

            self._services = shared()
        return self._services

    def dispatch(self, request: Request) -> Response:
        route = ROUTES.get(request.path.rstrip("/") or "/")
        if route is None and request.path.startswith("/api/admin/"):
            from checkout_kit import admin_api  # the owner's routes: imported only when used

            route = admin_api.dispatch
        if route is None:
            return error(404, "not_found", "No such route.")
        try:
            services = self.services
        except ConfigError as exc:
            log.error("configuration problem: %s", exc)
            return error(500, "misconfigured", "The shop is not configured correctly; the owner has been told in the logs.")
        try:
            return route(request, services)
        except BadBody as exc:
            return error(400, "invalid_body", str(exc))
        except StoreUnavailable as exc:
            # Nothing was half-done (the transaction rolled back): the caller may retry, and Stripe will.
            log.error("database unavailable on %s %s: %s", request.method, request.path, exc)
            return error(503, "database_unavailable", "The shop is briefly unavailable; please try again shortly.",
                         [("Retry-After", str(RETRY_AFTER_S))])
        except ConfigError as exc:
            log.error("configuration problem: %s", exc)
            return error(500, "misconfigured", "The shop is not configured correctly; the owner has been told in the logs.")
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            return error(500, "internal_error", "Something went wrong on our side.")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        response = self.dispatch(request)
        headers = response.headers
        if response.stream is None:
            headers = headers + [("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {REASONS.get(response.status, 'Status')}", headers)
        log.info("%s %s -> %d %.1fms", request.method, request.path, response.status,
                 (time.perf_counter() - started) * 1000)
        return response.stream if response.stream is not None else [response.body]


app = App()
