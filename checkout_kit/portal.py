"""The customer portal, reached by a magic link (a static site has no accounts and no passwords).

    POST /api/portal  {"email"} (JSON, or a form without JavaScript)
        Always the same answer, byte for byte, whether or not the email is a member; when it has
        a membership, a signed, single-use link that works for 30 minutes goes to that email.
        Rate-limited per client like checkout, and at most a few links per email per quarter hour
        (past that, the answer is the same and nothing is sent).
    GET  /api/portal?token=…
        A valid link: 303 to a new Stripe Billing Portal session for the member (return_url: the
        site). A wrong, tampered, expired or used link: a 4xx page that offers a fresh one.
    GET  /api/access?email=…[&product=…]   (or customer=cus_…; Authorization: Bearer ADMIN_TOKEN)
        Whether that email has a membership: {"access", "status", "current_period_end", …}.

Pages answered here carry the site's strict Content-Security-Policy and no script at all.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import uuid
from typing import Any
from urllib.parse import parse_qs

from checkout_kit import magic_links, memberships
from checkout_kit.checkout import is_buyer_email
from checkout_kit.security_headers import page_headers
from checkout_kit.store.subscriptions import email_key
from checkout_kit.stripe_gateway import GatewayError
from checkout_kit.web import (RATE_WINDOW_S, JSON_HEADERS, Request, Response, _client_ip, _cors_headers,
                              _origin_allowed, _refuse_bearer, error)

log = logging.getLogger("checkout_kit.portal")

PURPOSE = magic_links.PORTAL
MAX_BODY = 4 * 1024
ANSWER = ("If that email has a membership, a link is on its way. It works once, for 30 minutes. "
          "Check your inbox (and the spam folder).")
LINKS_PER_EMAIL = 3  # per EMAIL_WINDOW_S, silently: the answer never changes
EMAIL_WINDOW_S = 15 * 60
# The pages keep the site's Referrer-Policy: one that says no-referrer would make Chromium post their
# form with `Origin: null`, which the route refuses. (A link they were opened by is spent already.)
PAGE_HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
REFUSALS = {  # why a link does not work -> (status, heading, explanation)
    "invalid": (400, "This link does not work", "The link is incomplete or was changed on the way."),
    "expired": (410, "This link has expired", "Links work for 30 minutes."),
    "used": (410, "This link was already used", "Each link works once."),
    "unknown": (404, "There is no membership for this link", "The membership it was sent for is not here any more."),
    "unavailable": (502, "We could not open your account", "The payment service did not answer. Try the link again "
                                                           "in a moment: it still works."),
}


# ---- what happens -------------------------------------------------------------------------


def request_link(services: Any, email: str) -> None:
    """Email a portal link if `email` has a membership; nothing otherwise. The caller answers the same."""
    store = services.store
    digest = hashlib.sha256((email_key(email) or "").encode()).hexdigest()[:24]
    # Counted for every email, known or not, so the limit itself tells nothing.
    if store.hit(f"portal-email:{digest}", EMAIL_WINDOW_S) > LINKS_PER_EMAIL:
        log.info("portal link not sent: too many asked for one email")
        return
    member = memberships.access(store, email).member
    if member is None or not member.customer:
        return
    magic_links.send_link(services, PURPOSE, member.email or email)


def portal_url(services: Any, claims: dict[str, Any]) -> str:
    """A new Billing Portal session for the member the link was made for. Raises LookupError (no
    membership any more) or GatewayError."""
    member = memberships.access(services.store, str(claims.get("email", ""))).member
    if member is None or not member.customer:
        raise LookupError("no member")
    settings = services.settings
    params: dict[str, Any] = {"customer": member.customer, "return_url": f"{settings.site_url}/"}
    if settings.stripe_portal_configuration:
        params["configuration"] = settings.stripe_portal_configuration
    if claims.get("flow") == "payment_method_update":  # the payment-failed email's link: straight to the card
        params["flow_data"] = {"type": "payment_method_update"}
    gateway = services.gateway.within(settings.stripe_checkout_timeout)
    return gateway.create_portal_session(params, idempotency_key=f"kit-portal-{uuid.uuid4()}")["url"]


def open_link(services: Any, token: str | None) -> str:
    """The portal URL a link opens (used once). Raises LinkRefused with the reason it does not."""
    claims = magic_links.redeem(services, PURPOSE, token)
    try:
        return portal_url(services, claims)
    except LookupError:
        raise magic_links.LinkRefused("unknown") from None
    except GatewayError as exc:
        log.error("portal session not created: %s", exc.detail)
        assert token is not None
        magic_links.release(services, PURPOSE, token)  # our failure: the member may click it again
        raise magic_links.LinkRefused("unavailable") from None


# ---- pages ---------------------------------------------------------------------------------


def _page(services: Any, status: int, title: str, body: str) -> Response:
    shop = html.escape(services.shop.name)
    document = (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n"
        f"<title>{html.escape(title)} — {shop}</title>\n<link rel=\"stylesheet\" href=\"/styles.css\">\n</head>\n<body>\n"
        f"<header class=\"site-header\"><a class=\"brand\" href=\"/\">{shop}</a>"
        "<nav aria-label=\"Main\"><ul><li><a href=\"/\">Shop</a></li>"
        "<li><a href=\"/account.html\">Your membership</a></li></ul></nav></header>\n"
        f"<main id=\"main\"><div class=\"landing\"><div class=\"panel\">\n{body}\n</div></div></main>\n</body>\n</html>\n")
    return Response(status, document.encode(), page_headers() + PAGE_HEADERS)


def _link_form(email: str = "") -> str:
    value = f" value=\"{html.escape(email)}\"" if email else ""
    return ("<form class=\"portal-form\" method=\"post\" action=\"/api/portal\">\n"
            "<label for=\"email\">Your email</label>\n"
            f"<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required{value}>\n"
            "<button type=\"submit\" class=\"button\">Email me a new link</button>\n</form>")


def refused_page(services: Any, reason: str, email: str = "") -> Response:
    status, heading, why = REFUSALS.get(reason, REFUSALS["invalid"])
    body = (f"<p class=\"status-icon icon-info\" aria-hidden=\"true\"></p>\n<h1>{html.escape(heading)}</h1>\n"
            f"<p>{html.escape(why)} Ask for a new link: if the email has a membership, it arrives in a minute.</p>\n"
            f"{_link_form(email)}")
    return _page(services, status, heading, body)


def answer_page(services: Any) -> Response:
    """The no-JavaScript answer to a link request: the same page for every email."""
    body = ("<p class=\"status-icon icon-ok\" aria-hidden=\"true\"></p>\n<h1>Check your email</h1>\n"
            f"<p role=\"status\">{html.escape(ANSWER)}</p>\n"
            "<p class=\"actions\"><a class=\"button\" href=\"/\">Back to the shop</a></p>")
    return _page(services, 200, "Check your email", body)


def _form_problem(services: Any, status: int, message: str) -> Response:
    body = (f"<h1>We could not send a link</h1>\n<p role=\"alert\">{html.escape(message)}</p>\n{_link_form()}")
    return _page(services, status, "We could not send a link", body)


# ---- routes --------------------------------------------------------------------------------


def route(request: Request, services: Any) -> Response:
    """`/api/portal`: POST asks for a link, GET opens one."""
    if request.method == "GET":
        return _open(request, services)
    cors = _cors_headers(request, services)
    if request.method == "OPTIONS":
        if not _origin_allowed(request, services):
            return error(403, "origin_not_allowed", "This site may not ask for links here.")
        return Response(204, b"", cors + [("Access-Control-Allow-Methods", "POST, OPTIONS"),
                                          ("Access-Control-Allow-Headers", "Content-Type"),
                                          ("Access-Control-Max-Age", "600")])
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST to ask for a link, GET to open one.",
                     [("Allow", "GET, POST, OPTIONS")])
    return _ask(request, services, cors)


def _ask(request: Request, services: Any, cors: list[tuple[str, str]]) -> Response:
    kind = request.content_type
    is_form = kind == "application/x-www-form-urlencoded"

    def refuse(status: int, code: str, message: str, extra: list[tuple[str, str]] | None = None) -> Response:
        if is_form:
            page = _form_problem(services, status, message)
            page.headers += extra or []
            return page
        return error(status, code, message, cors + (extra or []))

    if not _origin_allowed(request, services):
        return error(403, "origin_not_allowed", "This site may not ask for links here.", cors)
    if kind != "application/json" and not is_form:
        return error(415, "unsupported_media_type", "Send JSON (application/json) or a form post.", cors)
    body = request.body(MAX_BODY)
    if body is None:
        return refuse(413, "body_too_large", f"The request body is over {MAX_BODY // 1024} KiB.")
    limit = services.settings.rate_limit_per_minute
    if limit and services.store.hit(f"portal:{_client_ip(request, services)}", RATE_WINDOW_S) > limit:
        return refuse(429, "rate_limited", "Too many requests; wait a minute and try again.",
                      [("Retry-After", str(RATE_WINDOW_S))])
    try:
        text = body.decode("utf-8")
        if is_form:
            email = parse_qs(text).get("email", [""])[0]
        else:
            data = json.loads(text)
            email = data.get("email") if isinstance(data, dict) else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        return refuse(400, "invalid_body", "The request could not be read.")
    if not is_buyer_email(email):
        return refuse(400, "invalid_email", "Enter one email address, like ann@example.com.")
    request_link(services, email.strip())
    if is_form:
        return answer_page(services)
    return Response(200, json.dumps({"message": ANSWER}).encode(), JSON_HEADERS + cors)


def _open(request: Request, services: Any) -> Response:
    token = request.query.get("token")
    try:
        url = open_link(services, token)
    except magic_links.LinkRefused as refused:
        # An expired or used link was made by us for its email: offering it back tells its holder nothing new.
        email = _claimed_email(services, token) if refused.reason in ("expired", "used") else ""
        return refused_page(services, refused.reason, email)
    return Response(303, b"", [("Location", url), ("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")])


def _claimed_email(services: Any, token: str | None) -> str:
    from checkout_kit import signing

    try:
        claims = signing.verify(signing.key_bytes(services.settings), PURPOSE.name, token, now=0)
    except signing.TokenError:
        return ""
    email = claims.get("email")
    return email if isinstance(email, str) and is_buyer_email(email) else ""


def access_route(request: Request, services: Any) -> Response:
    """`GET /api/access?email=…[&product=…]` for the owner's own code (ADMIN_TOKEN)."""
    refused = _refuse_bearer(request, services.settings.admin_token, "ADMIN_TOKEN")
    if refused:
        return refused
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET.", [("Allow", "GET")])
    email, customer = request.query.get("email"), request.query.get("customer")
    if (email is None) == (customer is None):
        return error(400, "invalid_query", "Give either email=… or customer=cus_….")
    if email is not None and not is_buyer_email(email):
        return error(400, "invalid_email", "email must be one address, like ann@example.com.")
    if customer is not None and not (customer.startswith("cus_") and customer[4:].isalnum() and len(customer) < 255):
        return error(400, "invalid_customer", "customer must look like cus_….")
    product = request.query.get("product") or None
    if product and product not in services.catalog.products and not (product.startswith("prod_")
                                                                      and product[5:].replace("_", "").isalnum()):
        return error(400, "unknown_product", "product must be a product key of catalog.toml or a Stripe prod_… id.")
    answer = memberships.access(services.store, (email or "").strip() or customer or "", product)
    return Response.json(200, answer.as_json())
