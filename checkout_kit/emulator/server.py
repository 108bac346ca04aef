"""The emulator as a WSGI app and a threaded loopback server.

Routes: the Stripe API under `/v1`, the hosted Checkout page under `/c/`, the
customer portal under `/p/`, hosted invoices under `/i/`, and control routes for
tests and tools under `/_emulator/`. API calls run under the state lock, so
concurrent requests, idempotent retries and the background sweeper (expiry,
automatic settlement, subscription billing as the clock passes) see a
consistent account.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from checkout_kit.emulator import api, billing, cards, clock, hosted_page, invoice_pdf, invoicing, payments
from checkout_kit.emulator import portal_page
from checkout_kit.emulator import params as api_params
from checkout_kit.emulator.resources import checkout_sessions, disputes, refunds
from checkout_kit.emulator.delivery import Deliverer, Endpoint, RetryPolicy
from checkout_kit.emulator.errors import StripeError
from checkout_kit.emulator.formdata import decode
from checkout_kit.emulator.objects import new_id
from checkout_kit.emulator.state import State
from checkout_kit.local_server import serve
from checkout_kit.stripe_version import API_VERSION

log = logging.getLogger("checkout_kit.emulator")

DEFAULT_PORT = 12111
TEST_KEY_PREFIXES = ("sk_test_", "rk_test_")
LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_", "pk_live_")
ACCOUNT_ID = re.compile(r"acct_[A-Za-z0-9]{1,64}")


class Emulator:
    """A local Stripe: `with Emulator(port=0) as emu: …` serves on `emu.url`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        endpoints: Iterable[tuple[str, str]] = (),
        retry: RetryPolicy | None = None,
        settle_after: float | None = 10.0,
        sweep_interval: float = 0.5,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("The emulator binds loopback only (127.0.0.1).")
        self.host = host
        self.port = port
        self.settle_after = settle_after
        self.sweep_interval = sweep_interval
        self.state = State()  # the platform account; connected accounts (Stripe-Account) get their own
        self.accounts: dict[str, State] = {}
        self.deliverer = Deliverer(retry)
        for url, secret in endpoints:
            self.deliverer.add_endpoint(Endpoint(url, secret))
        self.state.listeners.append(self.deliverer.enqueue)
        self.state.endpoint_listeners.append(self._api_endpoint_changed)
        self._server: Any = None
        self._stop = threading.Event()
        self.url = f"http://{host}:{port}"
        self.state.public_url = self.url
        self.url_map = self._routes()

    def _api_endpoint_changed(self, endpoint: dict[str, Any]) -> None:
        """Endpoints made through /v1/webhook_endpoints get deliveries while enabled."""
        for known in self.deliverer.endpoints:
            if known.endpoint_id == endpoint["id"]:
                known.url, known.enabled_events = endpoint["url"], tuple(endpoint["enabled_events"])
                known.enabled = endpoint["status"] == "enabled"
                return
        if endpoint["status"] == "enabled":
            connect = bool(self.state.includes.get(endpoint["id"], {}).get("connect"))
            self.deliverer.add_endpoint(Endpoint(endpoint["url"], endpoint["secret"], tuple(endpoint["enabled_events"]),
                                                 endpoint_id=endpoint["id"], connect=connect))

    # ---- lifecycle ---------------------------------------------------------

    def start(self) -> "Emulator":
        self._server = serve(self.wsgi_app, self.host, self.port, name="emulator-http")
        self.port = self._server.server_port
        self.url = f"http://{self.host}:{self.port}"
        for state in self.states():
            state.public_url = self.url
        self.deliverer.start()
        threading.Thread(target=self._sweep, name="emulator-sweeper", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self.deliverer.stop()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until Ctrl-C (starting first if `start` was not called)."""
        if self._server is None:
            self.start()
        try:
            while not self._stop.wait(1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _sweep(self) -> None:
        """Expire sessions past `expires_at`, settle bank debits that are due, and bill what falls due."""
        clock.bind(self.state.clock)
        while not self._stop.wait(self.sweep_interval):
            with self.state.lock:
                self.catch_up()
                now = time.time()  # settlements and refund failures wait a wall-clock delay
                for state in self.states():
                    for session_id, pending in list(state.pending_settlements.items()):
                        if pending["due"] is not None and pending["due"] <= now:
                            payments.settle(state, session_id)
                    for refund_id, pending in list(state.pending_refund_failures.items()):
                        if pending["due"] is not None and pending["due"] <= now:
                            refunds.fail_refund(state, refund_id)

    # ---- accounts ------------------------------------------------------------

    def states(self) -> list[State]:
        return [self.state, *self.accounts.values()]

    def account_state(self, account: str | None) -> State:
        """The state of the account a request acts on: the platform's, or a connected account's
        (created on first use; all share the platform's lock, so one request sees one consistent world)."""
        if not account:
            return self.state
        with self.state.lock:
            state = self.accounts.get(account)
            if state is None:
                state = State(account=account, lock=self.state.lock, clock=self.state.clock)
                state.public_url, state.account_name = self.url, f"Connected account {account}"
                state.listeners.append(self.deliverer.enqueue)
                self.accounts[account] = state
            return state

    def owner(self, obj_id: str) -> State:
        """The account holding an object (a session, a challenge, an invoice, a charge) by its id."""
        for state in self.states():
            if state.find(obj_id) is not None or obj_id in state.challenges:
                return state
        return self.state

    def catch_up(self) -> int:
        """Everything due by the emulator's time, in every account, in time order: expiries and
        billing; how many billing actions ran. (Holding the lock.)"""
        now = self.state.clock.now()
        done = 0
        for state in self.states():
            for session in list(state.objects["checkout.session"].values()):
                if session["status"] == "open" and session["expires_at"] <= now:
                    api.mark_expired(state, session)
            done += billing.run_due(state, now)
        return done

    # ---- routing -----------------------------------------------------------

    def _routes(self) -> Map:
        rules = [Rule(route.rule, methods=[route.method], endpoint=("api", route), strict_slashes=True)
                 for route in api.ROUTES]
        rules += [
            Rule("/", methods=["GET"], endpoint=("ui", self.index)),
            Rule("/c/pay/<session_id>", methods=["GET", "POST"], endpoint=("ui", self.pay_page)),
            Rule("/c/embedded/<session_id>", methods=["GET", "POST"], endpoint=("ui", self.embedded_page)),
            Rule("/js/stripe.js", methods=["GET"], endpoint=("ui", self.stand_in_stripe_js)),
            Rule("/c/static/embedded-frame.js", methods=["GET"], endpoint=("ui", self.embedded_frame_js)),
            Rule("/c/pay/<session_id>/authenticate/<challenge_id>", methods=["GET", "POST"],
                 endpoint=("ui", self.challenge_page)),
            Rule("/c/static/checkout.css", methods=["GET"], endpoint=("ui", self.stylesheet)),
            Rule("/p/session/<secret>", methods=["GET"], endpoint=("ui", self.portal_home)),
            Rule("/p/session/<secret>/payment-method", methods=["GET", "POST"], endpoint=("ui", self.portal_card)),
            Rule("/p/session/<secret>/subscriptions/<sub_id>/cancel", methods=["GET", "POST"],
                 endpoint=("ui", self.portal_cancel)),
            Rule("/p/session/<secret>/subscriptions/<sub_id>/renew", methods=["POST"],
                 endpoint=("ui", self.portal_renew)),
            Rule("/p/session/<secret>/subscriptions/<sub_id>/plan", methods=["GET", "POST"],
                 endpoint=("ui", self.portal_plan)),
            Rule("/invoice/<invoice_id>", methods=["GET", "POST"], endpoint=("ui", self.invoice_page)),
            Rule("/invoice/<invoice_id>/pdf", methods=["GET"], endpoint=("ui", self.invoice_pdf)),
            Rule("/_emulator/health", methods=["GET"], endpoint=("ctl", self.ctl_health)),
            Rule("/_emulator/reset", methods=["POST"], endpoint=("ctl", self.ctl_reset)),
            Rule("/_emulator/seed", methods=["POST"], endpoint=("ctl", self.ctl_seed)),
            Rule("/_emulator/endpoints", methods=["GET", "POST"], endpoint=("ctl", self.ctl_endpoints)),
            Rule("/_emulator/deliveries", methods=["GET"], endpoint=("ctl", self.ctl_deliveries)),
            Rule("/_emulator/sessions/<session_id>/expire", methods=["POST"], endpoint=("ctl", self.ctl_expire)),
            Rule("/_emulator/sessions/<session_id>/settle", methods=["POST"], endpoint=("ctl", self.ctl_settle)),
            Rule("/_emulator/sessions/<session_id>/pay", methods=["POST"], endpoint=("ctl", self.ctl_pay)),
            Rule("/_emulator/challenges/<challenge_id>", methods=["POST"], endpoint=("ctl", self.ctl_challenge)),
            Rule("/_emulator/charges/<charge_id>", methods=["GET"], endpoint=("ctl", self.ctl_charge)),
            Rule("/_emulator/refunds/<refund_id>/fail", methods=["POST"], endpoint=("ctl", self.ctl_fail_refund)),
            Rule("/_emulator/disputes/<dispute_id>/close", methods=["POST"], endpoint=("ctl", self.ctl_close_dispute)),
            Rule("/_emulator/clock", methods=["GET"], endpoint=("ctl", self.ctl_clock)),
            Rule("/_emulator/clock/advance", methods=["POST"], endpoint=("ctl", self.ctl_clock_advance)),
            Rule("/_emulator/billing/settings", methods=["GET", "POST"], endpoint=("ctl", self.ctl_billing_settings)),
            Rule("/_emulator/customers/<customer_id>/payment_method", methods=["POST"],
                 endpoint=("ctl", self.ctl_payment_method)),
        ]
        return Map(rules, strict_slashes=False)

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        clock.bind(self.state.clock)  # this thread reads this emulator's time
        request = Request(environ)
        started = time.perf_counter()
        adapter = self.url_map.bind_to_environ(environ)
        try:
            (family, handler), args = adapter.match()
            if family == "api":
                response = self.handle_api(request, handler, args)
            elif family == "ctl":
                response = self.handle_control(request, handler, args)
            else:
                response = handler(request, **args)
        except HTTPException as exc:
            if request.path == "/v1" or request.path.startswith("/v1/"):
                # Stripe answers a route it lacks, or a method a route lacks, with this 404.
                response = self._json(unrecognized(request.method, request.path), 404)
            else:
                response = exc.get_response(environ)
        log.info("%s %s -> %s %.1fms", request.method, request.path, response.status_code,
                 (time.perf_counter() - started) * 1000)
        return response(environ, start_response)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body, indent=2), status=status, mimetype="application/json",
                        headers=headers or {})

    # ---- /v1 ---------------------------------------------------------------

    @staticmethod
    def _api_key(request: Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[7:].strip()
        if request.authorization and request.authorization.type == "basic":
            return request.authorization.username
        return None

    def handle_api(self, request: Request, route: api.Route, args: dict[str, str]) -> Response:
        request_id = new_id("req_", 14)
        headers = {"Request-Id": request_id, "Stripe-Version": API_VERSION}
        key = self._api_key(request)
        if not key:
            err = StripeError("You did not provide an API key. Provide it in the Authorization header "
                              "as a Bearer token (Authorization: Bearer sk_test_…).", status=401)
            return self._json(err.body(), 401, headers)
        if key.startswith(LIVE_KEY_PREFIXES):
            err = StripeError("This is an offline test emulator: live mode keys are refused. Use a "
                              "sk_test_ key.", status=401, code="live_key_refused")
            return self._json(err.body(), 401, headers)
        if not key.startswith(TEST_KEY_PREFIXES):
            err = StripeError(f"Invalid API Key provided: {key[:8]}{'*' * 4}", status=401,
                              code="api_key_invalid")
            return self._json(err.body(), 401, headers)
        account = request.headers.get("Stripe-Account", "").strip() or None
        if account and not ACCOUNT_ID.fullmatch(account):
            err = StripeError(f"The provided key '{key[:8]}****' does not have access to account '{account[:40]}' "
                              "(or that account does not exist). Application access may have been revoked.",
                              status=403, type="invalid_request_error", code="account_invalid")
            return self._json(err.body(), 403, headers)
        state = self.account_state(account)
        try:
            pairs = list(request.args.items(multi=True))
            if request.method == "POST":
                pairs += list(request.form.items(multi=True))
            params = decode(pairs)
            expand_paths = params.pop("expand", [])
            if isinstance(expand_paths, str):
                expand_paths = [expand_paths]
            api_params.check(route.method, route.rule, params)
        except StripeError as err:
            return self._json(err.body(), err.status, headers)
        idem_key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        fingerprint = hashlib.sha256(
            json.dumps([request.method, request.path, sorted(pairs)]).encode()).hexdigest()
        ctx = api.Ctx(state, self.url, request_id, idem_key, self.settle_after)
        with state.lock:
            if idem_key and idem_key in state.idempotency:
                saved_fp, saved_path, status, body = state.idempotency[idem_key]
                if saved_fp != fingerprint:
                    err = StripeError(
                        "Keys for idempotent requests can only be used with the same parameters they "
                        f"were first used with. Try using a key other than '{idem_key}' if you meant "
                        "to execute a different request.", type="idempotency_error",
                        code="idempotency_key_in_use")
                    return self._json(err.body(), 400, headers)
                return Response(body, status=status, mimetype="application/json",
                                headers={**headers, "Idempotent-Replayed": "true"})
            try:
                obj = route.handler(ctx, params, **args)
                result = api.expand(state, obj, expand_paths)
                status, body = 200, json.dumps(result, indent=2).encode()
            except StripeError as err:
                return self._json(err.body(), err.status, headers)
            if idem_key:
                state.idempotency[idem_key] = (fingerprint, request.path, status, body)
        return Response(body, status=status, mimetype="application/json", headers=headers)

    # ---- hosted page -------------------------------------------------------

    def _html(self, template: str, status: int = 200, **context: Any) -> Response:
        """A page of the emulator. Pages of an embedded session may be framed by the shop's origin
        (the one its return_url names), and no other; every other page refuses to be framed."""
        session = context.get("session")
        headers = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
        parent = None
        if session and session.get("ui_mode") == checkout_sessions.EMBEDDED and session.get("return_url"):
            parent = hosted_page.return_origin(session)
            headers["Content-Security-Policy"] = (f"frame-ancestors {parent}; default-src 'self'; "
                                                  "base-uri 'none'; object-src 'none'")
        else:
            headers["X-Frame-Options"] = "DENY"
        return Response(hosted_page.render(template, parent_origin=parent, **context),
                        status=status, mimetype="text/html", headers=headers)

    def _closed(self, session: dict[str, Any] | None) -> Response:
        if session is None:
            return self._html("closed.html", 404, heading="Checkout session not found",
                              message="This checkout link is not valid. Go back to the shop and try again.",
                              link=None)
        if session["status"] == "complete":
            return self._html("closed.html", 200, heading="Payment complete",
                              message="This checkout is already paid. Nothing more to do.",
                              link=hosted_page.finish_url(session), link_label="Continue", session=session)
        return self._html("closed.html", 410, heading="This checkout has expired",
                          message="The session timed out before payment; you have not been charged.",
                          link=session["cancel_url"], link_label="Back to the shop", session=session)

    def _finished(self, session: dict[str, Any]) -> Response:
        """After payment: the hosted page redirects to success_url; the embedded page tells Stripe.js
        (the stand-in) in the shop's page, which navigates to return_url or calls onComplete."""
        if session["ui_mode"] != checkout_sessions.EMBEDDED:
            return _redirect(hosted_page.finish_url(session))
        return self._html("complete.html", session=session, redirect=hosted_page.finish_url(session))

    def pay_page(self, request: Request, session_id: str) -> Response:
        return self._checkout_page(request, session_id, checkout_sessions.HOSTED)

    def embedded_page(self, request: Request, session_id: str) -> Response:
        """The form Stripe.js frames into the shop's page; the client secret proves the frame was asked for."""
        with self.state.lock:
            session = self.owner(session_id).objects["checkout.session"].get(session_id)
            if session is not None and request.args.get("client_secret") != session["client_secret"]:
                session = None
        if session is None:
            return self._closed(None)
        return self._checkout_page(request, session_id, checkout_sessions.EMBEDDED)

    def _checkout_page(self, request: Request, session_id: str, ui_mode: str) -> Response:
        with self.state.lock:
            state = self.owner(session_id)
            session = state.objects["checkout.session"].get(session_id)
            if session is None or session["ui_mode"] != ui_mode:
                return self._closed(None)
            if session["status"] != "open":
                return self._closed(session)
            action = hosted_page.page_url(session)
            if request.method == "GET":
                code = request.args.get("error")
                message = cards.message_for(code) if code else None
                return self._html("pay.html", form_action=action,
                                  **hosted_page.page_context(state, session, error=message))
            form = {k: v for k, v in request.form.items()}
            if form.get("action") in ("apply_code", "remove_code"):
                try:
                    hosted_page.apply_code(state, session,
                                           form.get("promotionCode", "") if form["action"] == "apply_code" else "")
                except cards.FormError as err:
                    return self._html("pay.html", 400, form_action=action, **hosted_page.page_context(
                        state, session, form, err.message, err.field))
                return self._html("pay.html", form_action=action,
                                  **hosted_page.page_context(state, session, form))
            try:
                result = hosted_page.submit(state, session, form, self.settle_after)
            except cards.FormError as err:
                return self._html("pay.html", 400, form_action=action, **hosted_page.page_context(
                    state, session, form, err.message, err.field))
            except payments.PaymentError:
                return self._closed(session)
            if result.kind == payments.DECLINED:
                return self._html("pay.html", 402, form_action=action, **hosted_page.page_context(
                    state, session, form, result.message, "cardNumber"))
            if result.kind == payments.CHALLENGE:
                return _redirect(f"/c/pay/{session_id}/authenticate/{result.challenge_id}")
            return self._finished(session)

    def challenge_page(self, request: Request, session_id: str, challenge_id: str) -> Response:
        with self.state.lock:
            state = self.owner(session_id)
            session = state.objects["checkout.session"].get(session_id)
            challenge = state.challenges.get(challenge_id)
            if session is None or session["status"] != "open" or not challenge or challenge["session"] != session_id:
                return self._closed(session) if session and session["status"] != "open" else \
                    _redirect(hosted_page.page_url(session) if session else f"/c/pay/{session_id}")
            if request.method == "GET":
                return self._html("authenticate.html", session=session, challenge_id=challenge_id)
            _, result = payments.finish_challenge(state, challenge_id, request.form.get("action") == "complete")
            if result.kind == payments.PAID:
                return self._finished(session)
            return _redirect(hosted_page.page_url(session, error=result.decline_key))

    def stand_in_stripe_js(self, request: Request) -> Response:
        """A minimal Stripe.js: exactly the calls the kit's embedded-checkout.js makes (docs/emulator.md)."""
        return Response(_static("stripe.js"), mimetype="text/javascript",
                        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"})

    def embedded_frame_js(self, request: Request) -> Response:
        return Response(_static("embedded-frame.js"), mimetype="text/javascript",
                        headers={"Cache-Control": "no-cache"})

    def _invoice(self, invoice_id: str) -> Any:
        with self.state.lock:
            state = self.owner(invoice_id)
            invoice = state.objects["invoice"].get(invoice_id)
            return (invoice, invoicing.document(state, invoice, state.account_name)) if invoice else (None, None)

    def invoice_page(self, request: Request, invoice_id: str) -> Response:
        """Stripe's hosted invoice page: the invoice and its PDF, and for an open one a way to pay it
        (or to complete the authentication a renewal asked for)."""
        form = dict(request.form.items()) if request.method == "POST" else None
        with self.state.lock:
            state = self.owner(invoice_id)
            result = portal_page.invoice_page(state, invoice_id, (form or {}).get("action"), form)
            if isinstance(result, portal_page.Page) and "invoice" in result.context:
                result.context["doc"] = invoicing.document(state, result.context["invoice"], state.account_name)
            return self._page(result)

    def invoice_pdf(self, request: Request, invoice_id: str) -> Response:
        invoice, doc = self._invoice(invoice_id)
        if invoice is None:
            return Response("No such invoice", status=404, mimetype="text/plain")
        return Response(invoice_pdf.render(doc), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="invoice-{invoice["number"]}.pdf"', "Cache-Control": "no-store"})

    # ---- customer portal and hosted invoices ---------------------------------------

    def portal_state(self, secret: str) -> State:
        """The account whose portal session a link opens."""
        return next((state for state in self.states() if secret in state.portal_links), self.state)

    def _page(self, result: portal_page.Page | portal_page.Redirect) -> Response:
        if isinstance(result, portal_page.Redirect):
            return _redirect(result.location)
        return self._html(result.template, result.status, **result.context)

    def portal_home(self, request: Request, secret: str) -> Response:
        with self.state.lock:
            return self._page(portal_page.home(self.portal_state(secret), secret, request.args.get("notice")))

    def portal_card(self, request: Request, secret: str) -> Response:
        form = dict(request.form.items()) if request.method == "POST" else None
        with self.state.lock:
            return self._page(portal_page.payment_method(self.portal_state(secret), secret, form))

    def portal_cancel(self, request: Request, secret: str, sub_id: str) -> Response:
        with self.state.lock:
            return self._page(portal_page.cancel(self.portal_state(secret), secret, sub_id, confirm=request.method == "POST"))

    def portal_renew(self, request: Request, secret: str, sub_id: str) -> Response:
        with self.state.lock:
            return self._page(portal_page.renew(self.portal_state(secret), secret, sub_id))

    def portal_plan(self, request: Request, secret: str, sub_id: str) -> Response:
        price = request.form.get("price", "") if request.method == "POST" else None
        with self.state.lock:
            return self._page(portal_page.plan(self.portal_state(secret), secret, sub_id, price))

    def stylesheet(self, request: Request) -> Response:
        return Response(_static("checkout.css"), mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})

    def index(self, request: Request) -> Response:
        return self._json({"emulator": "checkout_kit", "api_version": API_VERSION, "api_base": self.url,
                           "hosted_checkout": f"{self.url}/c/pay/<session_id>",
                           "control": f"{self.url}/_emulator/"})

    # ---- /_emulator control routes -------------------------------------------

    def handle_control(self, request: Request, handler: Any, args: dict[str, str]) -> Response:
        try:
            body = request.get_json(silent=True) if request.data else {}
            if body is None:
                return self._json({"error": {"message": "Body must be JSON."}}, 400)
            with self.state.lock:
                return self._json(handler(body, **args))
        except StripeError as err:
            return self._json(err.body(), err.status)
        except payments.PaymentError as err:
            return self._json({"error": {"message": str(err)}}, 409)
        except (KeyError, TypeError, ValueError) as err:
            return self._json({"error": {"message": f"Bad control request: {err}"}}, 400)

    def ctl_health(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "api_version": API_VERSION}

    def ctl_reset(self, body: dict[str, Any]) -> dict[str, Any]:
        self.state.reset()
        self.state.clock.reset()
        self.accounts.clear()
        self.deliverer.reset()
        return {"ok": True}

    def ctl_seed(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create products and prices with the exact ids given (Stripe picks price ids itself).

        A price that exists already is kept as it is (Stripe's prices never change), unless
        `"reprice": true` (the dev shop following catalog.toml): then one whose amount, currency or
        interval differ is made again under its id, and listed under "repriced".
        """
        state = self.account_state(body.get("account"))  # a connected account's, with "account": "acct_…"
        ctx = api.Ctx(state, self.url, new_id("req_", 14))
        created: dict[str, list[str]] = {"products": [], "prices": [], "repriced": []}
        for product in body.get("products", []):
            if product["id"] in state.objects["product"]:
                continue
            created["products"].append(api.create_product(ctx, _stringify(product))["id"])
        reprice = str(body.get("reprice", "")).lower() == "true"
        for price in body.get("prices", []):
            stored = state.objects["price"].get(price["id"])
            if stored is None:
                created["prices"].append(api.create_price(ctx, _stringify(price))["id"])
            elif reprice and _terms(stored, state.includes.get(price["id"], {}).get("currency_options")) != \
                    _terms(price, price.get("currency_options")):
                created["repriced"].append(_make_again(ctx, stored, _stringify(price))["id"])
        return created

    def configure_portal(self, params: dict[str, Any], account: str | None = None) -> str:
        """Create a portal configuration from plain values (as the dev shop does at start) in the platform's
        account or a connected one; its id."""
        from checkout_kit.emulator.resources.billing_portal import new_configuration

        state = self.account_state(account)
        with self.state.lock:
            return new_configuration(state, _stringify(params))["id"]

    def ctl_endpoints(self, body: dict[str, Any]) -> dict[str, Any]:
        if body:
            events = tuple(body.get("enabled_events") or ("*",))
            self.deliverer.add_endpoint(Endpoint(body["url"], body["secret"], events))
        return {"data": [{"url": e.url, "enabled_events": list(e.enabled_events)} for e in self.deliverer.endpoints]}

    def ctl_deliveries(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"data": [d.summary() for d in self.deliverer.deliveries]}

    def ctl_expire(self, body: dict[str, Any], session_id: str) -> dict[str, Any]:
        ctx = api.Ctx(self.owner(session_id), self.url, new_id("req_", 14))
        return api.expire_session(ctx, {}, session_id)

    def ctl_settle(self, body: dict[str, Any], session_id: str) -> dict[str, Any]:
        outcome = body.get("outcome")
        if outcome not in (None, "succeeded", "failed"):
            raise ValueError("outcome must be 'succeeded' or 'failed'")
        return {"outcome": payments.settle(self.owner(session_id), session_id, outcome)}

    def ctl_pay(self, body: dict[str, Any], session_id: str) -> dict[str, Any]:
        """Pay without a browser, through the same code as the hosted page's form."""
        state = self.owner(session_id)
        session = state.objects["checkout.session"].get(session_id)
        if session is None:
            raise payments.PaymentError("unknown")
        form = {"email": body.get("email", "customer@example.com"), "billingName": body.get("name", "Test Customer"),
                "cardNumber": body.get("card", "4242424242424242"), "cardExpiry": body.get("expiry", "12 / 34"),
                "cardCvc": body.get("cvc", "123"), "method": body.get("method", "card"),
                "bankAccountNumber": body.get("account", cards.BANK_SUCCEEDS)}
        for key, value in (body.get("shipping") or {}).items():
            form[key] = value
        if body.get("tax_id"):
            form["taxIdType"], form["taxId"] = body["tax_id"]["type"], body["tax_id"]["value"]
        if body.get("country"):
            form["billingCountry"] = body["country"]
        if body.get("shipping_rate"):
            form["shippingRate"] = body["shipping_rate"]
        if body.get("promotion_code"):
            try:
                hosted_page.apply_code(state, session, body["promotion_code"])
            except cards.FormError as err:
                return {"result": "invalid", "field": err.field, "code": err.code, "message": err.message}
        try:
            result = hosted_page.submit(state, session, form, body.get("settle_after", self.settle_after))
        except cards.FormError as err:
            return {"result": "invalid", "field": err.field, "code": err.code, "message": err.message}
        return {"result": result.kind, "message": result.message, "challenge": result.challenge_id}

    def ctl_charge(self, body: dict[str, Any], charge_id: str) -> dict[str, Any]:
        """What the charge's test card has in store after payment (a dispute, a failing refund)."""
        state = self.owner(charge_id)
        state.get("charge", charge_id)
        return {"charge": charge_id, "effects": state.card_effects.get(charge_id, {})}

    def ctl_fail_refund(self, body: dict[str, Any], refund_id: str) -> dict[str, Any]:
        """Fail a refund now (as the "refund fails" card's refunds do later by themselves)."""
        return refunds.fail_refund(self.owner(refund_id), refund_id)

    def ctl_close_dispute(self, body: dict[str, Any], dispute_id: str) -> dict[str, Any]:
        """Settle a dispute as the card network would: `{"outcome": "won"}` or `"lost"`."""
        outcome = body.get("outcome", "won")
        if outcome not in ("won", "lost"):
            raise ValueError("outcome must be 'won' or 'lost'")
        state = self.owner(dispute_id)
        return disputes.close(state, state.get("dispute", dispute_id), outcome)
    def ctl_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"now": int(self.state.clock.now()), "offset": self.state.clock.offset}

    def ctl_clock_advance(self, body: dict[str, Any]) -> dict[str, Any]:
        """Move the emulator's time on by `seconds` and bill everything that fell due, in order."""
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError("seconds must be a number ≥ 0")
        self.state.clock.advance(float(seconds))
        done = self.catch_up()
        return {"now": int(self.state.clock.now()), "offset": self.state.clock.offset, "actions": done}

    def ctl_billing_settings(self, body: dict[str, Any]) -> dict[str, Any]:
        """What happens when a failed invoice's retries run out: cancel (Stripe's default), unpaid, past_due."""
        if body:
            after = body.get("after_retries")
            if after not in billing.AFTER_RETRIES:
                raise ValueError(f"after_retries must be one of {', '.join(billing.AFTER_RETRIES)}")
            self.state.billing_settings["after_retries"] = after
        return dict(self.state.billing_settings)

    def ctl_payment_method(self, body: dict[str, Any], customer_id: str) -> dict[str, Any]:
        """Save a card as the customer's default, as the portal's card form does, and pay what is owed
        with it (unless `pay_open` is false: then the open invoices wait for their retry)."""
        state = self.owner(customer_id)
        customer = state.get("customer", customer_id)
        form = {"cardNumber": body.get("card", "4242424242424242"), "cardExpiry": body.get("expiry", "12 / 34"),
                "cardCvc": body.get("cvc", "123")}
        card = cards.parse_card(form["cardNumber"], form["cardExpiry"], form["cardCvc"])
        method, declined = portal_page.attach_card(state, customer, card, body.get("name"))
        if declined is not None:
            return {"result": "declined", "message": declined.message}
        assert method is not None
        billing.set_payment_method(state, None, customer_id, method["id"], pay_open=body.get("pay_open", True))
        return {"result": "saved", "payment_method": method["id"]}

    def ctl_challenge(self, body: dict[str, Any], challenge_id: str) -> dict[str, Any]:
        _, result = payments.finish_challenge(self.owner(challenge_id), challenge_id, bool(body.get("approve")))
        return {"result": result.kind, "message": result.message}


def unrecognized(method: str, path: str) -> dict[str, Any]:
    """Stripe's body for a request URL (or method) it has no route for."""
    hint = ""
    if path.endswith("/") and path != "/v1/":
        hint = (" If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an "
                "object, make sure you passed a valid (non-empty) identifier in your code.")
    return {"error": {"type": "invalid_request_error",
                      "message": f"Unrecognized request URL ({method}: {path}).{hint} Please see "
                                 "https://stripe.com/docs or we can help at https://support.stripe.com/."}}


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    """A file of the package's static/ folder (read once: package files do not change while it runs)."""
    return resources.files("checkout_kit.emulator").joinpath(f"static/{name}").read_text()


def _redirect(location: str) -> Response:
    return Response("", status=303, headers={"Location": location})


def _terms(price: dict[str, Any], currency_options: dict[str, Any] | None) -> tuple[Any, ...]:
    """What a buyer is charged under a price: amount, currency, interval, amounts in other currencies."""
    recurring = price.get("recurring") or {}
    options = {str(currency).lower(): int((option or {}).get("unit_amount") or 0)
               for currency, option in (currency_options or {}).items()}
    return (int(price.get("unit_amount") or 0), str(price.get("currency") or "").lower(), recurring.get("interval"),
            int(recurring.get("interval_count") or 1) if recurring else None, options)


def _make_again(ctx: Any, stored: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The price `params` describe, made under `stored`'s id in its place; if the new terms are refused
    (an amount Stripe would refuse), the old price stays as it was and the error is raised."""
    state, price_id = ctx.state, stored["id"]
    position = state.order["price"].index(price_id)
    includes = state.includes.pop(price_id, None)
    del state.objects["price"][price_id]
    state.order["price"].remove(price_id)
    try:
        return api.create_price(ctx, params)
    except Exception:
        state.objects["price"][price_id] = stored
        state.order["price"].insert(position, price_id)
        if includes is not None:
            state.includes[price_id] = includes
        raise


def _stringify(data: Any) -> Any:
    """Control-route JSON to the string form API handlers read (as form encoding gives)."""
    if isinstance(data, dict):
        return {k: _stringify(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_stringify(v) for v in data]
    if isinstance(data, bool):
        return "true" if data else "false"
    return data if isinstance(data, str) else str(data)
