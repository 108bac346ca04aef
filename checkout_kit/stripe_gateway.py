"""The Stripe port: every call the kit makes to Stripe goes through here.

A small REST client of our own rather than the `stripe` SDK: the webhook must
re-retrieve the session without importing `stripe` (~0.2 s of cold start), the
same client then serves every route, and on Netlify it runs over Pyodide's
fetch bridge unchanged. It speaks the pinned API version, form-encodes as
Stripe expects, retries network failures, 429 and 5xx with the same
idempotency key, and turns errors into `GatewayError` with a message that is
safe to show and a detail that is only logged. The official SDK is what the
tests use to check the emulator, and its pinned version is ours.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from typing import Any, Iterator, Protocol
from urllib.parse import quote, urlencode

from checkout_kit.config import Settings
from checkout_kit.http_transport import HttpTransport, TransportError, default_transport
from checkout_kit.stripe_version import API_VERSION

log = logging.getLogger("checkout_kit.stripe")

STRIPE_API = "https://api.stripe.com"
RETRY_DELAYS_S = (0.5, 1.0)
TIMEOUT_S = 30.0  # one attempt, when no budget is set (owner commands)
MIN_ATTEMPT_S = 1.0  # not worth starting another attempt with less than this left of the budget

# Kinds of failure the callers tell apart.
INVALID_PRICE = "invalid_price"  # a line item's price is missing or inactive: the buyer's request is wrong
NOT_FOUND = "not_found"
INVALID_REQUEST = "invalid_request"
AUTH = "auth"
UNAVAILABLE = "unavailable"


# What fulfillment reads from a session: its lines, its payment, and what explains its amounts
# (the chosen shipping rate's name, the promotion code typed, the invoice's links).
# payment_intent.latest_charge: the charge's receipt_url is the order's receipt (the order page links it).
SESSION_EXPAND = ["line_items", "payment_intent.latest_charge", "invoice", "shipping_cost.shipping_rate",
                  "discounts.promotion_code", "discounts.coupon"]


class GatewayError(Exception):
    """`message` is safe to show a buyer; `detail` is for logs; `status` (None: no HTTP answer at all)
    and `reason` (Stripe's own message, or the network error) tell the owner what happened."""

    def __init__(self, kind: str, message: str, detail: str = "", param: str | None = None,
                 status: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail
        self.param = param
        self.status = status
        self.reason = reason


class Gateway(Protocol):
    def within(self, seconds: float) -> "Gateway": ...
    def create_checkout_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]: ...
    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]: ...
    def prices_by_lookup_keys(self, keys: list[str]) -> list[dict[str, Any]]: ...


def form_encode(params: dict[str, Any]) -> str:
    """Stripe's form encoding: nested keys in brackets, lists indexed, booleans as words."""
    pairs: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}[{key}]" if prefix else str(key), sub)
        elif isinstance(value, (list, tuple)):
            for n, sub in enumerate(value):
                walk(f"{prefix}[{n}]", sub)
        elif isinstance(value, bool):
            pairs.append((prefix, "true" if value else "false"))
        else:
            pairs.append((prefix, str(value)))

    walk("", params)
    return urlencode(pairs)


def _classify(status: int, error: dict[str, Any], what: str) -> GatewayError:
    param = error.get("param") or ""
    code = error.get("code") or ""
    message = str(error.get("message") or "")
    detail = f"{what}: HTTP {status} {error.get('type')} code={code} param={param}: {message[:300]}"
    answer = {"status": status, "reason": message[:300]}
    if status in (401, 403):
        return GatewayError(AUTH, "The shop cannot reach its payment service right now.", detail, **answer)
    if status == 404:
        return GatewayError(NOT_FOUND, "Not found.", detail, param, **answer)
    if status == 400 and param.startswith("line_items") and (
            code in ("resource_missing", "price_inactive", "product_inactive") or "active" in message):
        return GatewayError(INVALID_PRICE, "That item is not available for sale right now.", detail, param, **answer)
    if status == 400 and code == "resource_missing":
        return GatewayError(NOT_FOUND, "Not found.", detail, param, **answer)
    if status in (400, 402, 409):
        return GatewayError(INVALID_REQUEST, "The payment service rejected the request.", detail, param, **answer)
    return GatewayError(UNAVAILABLE, "The payment service is unavailable; please try again.", detail, **answer)


class StripeGateway:
    """Calls Stripe (or the emulator, via STRIPE_API_BASE) with the configured secret key."""

    def __init__(self, settings: Settings, transport: HttpTransport | None = None,
                 retry_delays: tuple[float, ...] = RETRY_DELAYS_S) -> None:
        self.settings = settings
        self.transport = transport or default_transport()
        self.base = (settings.stripe_api_base or STRIPE_API).rstrip("/")
        self.retry_delays = retry_delays
        self.deadline: float | None = None  # time.monotonic() by which every call, retries included, gives up
        self.account = settings.stripe_account  # the connected account every call acts on (None: your own)

    def within(self, seconds: float) -> "StripeGateway":
        """The same client with a time budget from now for all its calls (a request's share of patience)."""
        bounded = copy.copy(self)
        bounded.deadline = time.monotonic() + seconds
        return bounded

    def on_platform(self) -> "StripeGateway":
        """The same client acting on your own (platform) account, whatever STRIPE_ACCOUNT says: webhook
        endpoints for connected accounts live on the platform (`connect: true`)."""
        platform = copy.copy(self)
        platform.account = None
        return platform

    def _time_left(self) -> float:
        return TIMEOUT_S if self.deadline is None else self.deadline - time.monotonic()

    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        if not self.settings.stripe_secret_key:
            raise GatewayError(AUTH, "The shop is not configured to take payments.", "STRIPE_SECRET_KEY is not set")
        headers = {
            "Authorization": f"Bearer {self.settings.stripe_secret_key.reveal()}",
            "Stripe-Version": API_VERSION,
            "User-Agent": "checkout-kit/0.1",
            "Accept": "application/json",
        }
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if self.account:  # act on the connected account (Stripe Connect)
            headers["Stripe-Account"] = self.account
        return headers

    def request(self, method: str, path: str, params: dict[str, Any] | None = None,
                idempotency_key: str | None = None, what: str = "") -> dict[str, Any]:
        what = what or f"{method} {path}"
        encoded = form_encode(params or {})
        url = f"{self.base}{path}"
        body = None
        headers = self._headers(idempotency_key)
        if method == "GET":
            url += f"?{encoded}" if encoded else ""
        else:
            body = encoded.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        attempt = 0

        def may_retry() -> bool:
            # Another attempt only if the pause still leaves it a useful share of the budget.
            return attempt < len(self.retry_delays) and \
                self._time_left() - self.retry_delays[attempt] >= MIN_ATTEMPT_S

        while True:
            left = self._time_left()
            if left <= 0:
                raise GatewayError(UNAVAILABLE, "The payment service is unavailable; please try again.",
                                   f"{what}: gave up, out of time") from None
            try:
                response = self.transport.request(method, url, headers, body, min(TIMEOUT_S, left))
            except TransportError as exc:
                if may_retry():
                    time.sleep(self.retry_delays[attempt])
                    attempt += 1
                    continue
                raise GatewayError(UNAVAILABLE, "The payment service is unavailable; please try again.",
                                   f"{what}: {exc}", reason=str(exc)) from None
            retryable = response.status == 429 or response.status >= 500 or \
                response.headers.get("stripe-should-retry") == "true"
            if retryable and response.headers.get("stripe-should-retry") != "false" and may_retry():
                time.sleep(self.retry_delays[attempt])
                attempt += 1
                continue
            try:
                data = json.loads(response.body or b"{}")
            except ValueError:
                raise GatewayError(UNAVAILABLE, "The payment service is unavailable; please try again.",
                                   f"{what}: HTTP {response.status} with a body that is not JSON",
                                   status=response.status, reason="an answer that is not Stripe's JSON") from None
            if 200 <= response.status < 300:
                return data
            raise _classify(response.status, data.get("error") or {}, what)

    # ---- the calls the kit makes ----------------------------------------------------

    def create_checkout_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self.request("POST", "/v1/checkout/sessions", params, idempotency_key, "create checkout session")

    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]:
        """The session with every line item and its payment intent.

        Stripe's expanded `line_items` holds only a first page; a longer cart is paged in from
        the session's line items list, so no order is ever recorded with part of its lines.
        """
        path = f"/v1/checkout/sessions/{quote(session_id, safe='')}"
        session = self.request("GET", path, {"expand": SESSION_EXPAND}, what="retrieve checkout session")
        lines = session.get("line_items")
        if isinstance(lines, dict) and lines.get("has_more") and lines.get("data"):
            more = self.list_all(f"{path}/line_items", {"starting_after": lines["data"][-1]["id"]},
                                 what="list checkout session line items")
            lines["data"] = list(lines["data"]) + list(more)
            lines["has_more"] = False
        return session

    def retrieve_charge(self, charge_id: str) -> dict[str, Any]:
        """The charge with every refund it has (the refunds list is included only on request)."""
        return self.request("GET", f"/v1/charges/{quote(charge_id, safe='')}", {"expand": ["refunds"]},
                            what="retrieve charge")

    def retrieve_refund(self, refund_id: str) -> dict[str, Any]:
        return self.request("GET", f"/v1/refunds/{quote(refund_id, safe='')}", what="retrieve refund")

    def retrieve_dispute(self, dispute_id: str) -> dict[str, Any]:
        return self.request("GET", f"/v1/disputes/{quote(dispute_id, safe='')}", what="retrieve dispute")

    def create_refund(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self.request("POST", "/v1/refunds", params, idempotency_key, "create refund")

    def retrieve_subscription(self, subscription_id: str) -> dict[str, Any]:
        """The subscription with its customer (for the member's email and name)."""
        return self.request("GET", f"/v1/subscriptions/{quote(subscription_id, safe='')}", {"expand": ["customer"]},
                            what="retrieve subscription")

    def retrieve_invoice(self, invoice_id: str) -> dict[str, Any]:
        return self.request("GET", f"/v1/invoices/{quote(invoice_id, safe='')}", what="retrieve invoice")

    def create_portal_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self.request("POST", "/v1/billing_portal/sessions", params, idempotency_key,
                            "create billing portal session")

    def retrieve_price(self, price_id: str) -> dict[str, Any]:
        return self.request("GET", f"/v1/prices/{quote(price_id, safe='')}", {"expand": ["product"]},
                            what="retrieve price")

    def prices_by_lookup_keys(self, keys: list[str]) -> list[dict[str, Any]]:
        data = self.request("GET", "/v1/prices", {"lookup_keys": keys, "limit": 100, "expand": ["data.product"]},
                            what="list prices")
        return list(data["data"])

    def find_promotion_code(self, code: str) -> str | None:
        """The id of the active promotion code a buyer typed, or None."""
        data = self.request("GET", "/v1/promotion_codes", {"code": code, "active": True, "limit": 1},
                            what="find promotion code")
        return data["data"][0]["id"] if data.get("data") else None

    def list_all(self, path: str, params: dict[str, Any] | None = None, what: str = "") -> Iterator[dict[str, Any]]:
        params = {"limit": 100, **(params or {})}
        while True:
            page = self.request("GET", path, params, what=what)
            yield from page["data"]
            if not page.get("has_more") or not page["data"]:
                return
            params["starting_after"] = page["data"][-1]["id"]

    def post(self, path: str, params: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
        return self.request("POST", path, params, idempotency_key)
