"""The after-sale routes (`web.ROUTES` lists them; this module loads on their first use):

    GET  /api/download?token=…     a signed, expiring, counted download (file, bucket or URL)
    POST /api/tickets/check-in     door staff admit a ticket code once (CHECKIN_TOKEN or ADMIN_TOKEN)
    GET  /api/stock                what is left of each product with a stock
    POST /api/orders               email -> a magic link to the buyer's order page (same answer for all)
    GET  /api/orders?token=…       the order page's data (or ?view=… within the hour after)

A person opens download links from an email, so refusals there are small HTML pages (under
the pages' strict CSP) that say what happened and how to get a fresh link; the rest is JSON.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import mimetypes
from typing import Any, Iterator
from urllib.parse import parse_qs

from checkout_kit.security_headers import page_headers
from checkout_kit.web import (
    JSON_HEADERS, RATE_WINDOW_S, Request, Response, _client_ip, _cors_headers, _origin_allowed, error,
    refuse_unless_bearer,
)

log = logging.getLogger("checkout_kit.web")

PRIVATE = [("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store")]
CHUNK = 256 * 1024
ORDER_LINKS_PER_MINUTE = 5  # per client, and per email address
MAX_FORM_BODY = 4096


# ---- small HTML pages ---------------------------------------------------------------------------


def page(status: int, title: str, body: str, services: Any) -> Response:
    """A page in the shop's look (its stylesheet), with no inline script or style."""
    shop = html.escape(services.catalog.shop_name)
    document = (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
                f"<meta name=viewport content='width=device-width, initial-scale=1'><meta name=robots content=noindex>"
                f"<title>{html.escape(title)} — {shop}</title><link rel=stylesheet href='/styles.css'></head>"
                f"<body><main id=main><div class=landing><div class=panel>{body}</div>"
                f"<p class=meta><a href='/'>{shop}</a></p></div></main></body></html>")
    # same-origin, not no-referrer: its form must post with the page's Origin (Chromium sends
    # `Origin: null` under no-referrer), and the token in its address never leaves the site.
    headers = [(k, v) for k, v in page_headers() if k != "Referrer-Policy"]
    headers += [("Referrer-Policy", "same-origin"), ("Cache-Control", "no-store")]
    return Response(status, document.encode(), headers + [("Content-Type", "text/html; charset=utf-8")])


def fresh_link_form(email: str = "") -> str:
    """The way back to a working link: the order page's magic link, by email."""
    return ("<form method=post action='/api/orders' class=form-row>"
            "<label>Your email<input type=email name=email required autocomplete=email "
            f"value='{html.escape(email)}'></label><button class=button type=submit>Email me a fresh link</button>"
            "</form><p class=meta>We email a link to your order page, where every download has a fresh link.</p>")


REFUSALS = {
    # reason: (status, heading, explanation, offer a fresh link)
    "invalid": (400, "This download link does not work",
                "It may be cut short: copy the whole link from your email. Or get a fresh one:", True),
    "expired": (410, "This download link has expired", "Download links last a few days. Get a fresh one:", True),
    "used_up": (410, "This download link is used up",
                "It has been used as many times as it allows. Get a fresh one:", True),
    "refunded": (410, "This order was refunded", "Its downloads ended with the refund.", False),
    "gone": (404, "This download is no longer available",
             "The shop no longer offers this file. Reply to your receipt email and a person helps.", False),
}


def download(request: Request, services: Any) -> Response:
    from checkout_kit.fulfillment import download as downloads

    if request.method not in ("GET", "HEAD"):
        return error(405, "method_not_allowed", "Use GET.", [("Allow", "GET, HEAD")])
    try:
        grant = downloads.redeem(services, request.query.get("token"))
    except downloads.DownloadRefused as exc:
        status, heading, explanation, offer = REFUSALS[exc.reason]
        email = exc.order.customer_email if exc.order and offer else ""
        body = f"<h1>{html.escape(heading)}</h1><p>{html.escape(explanation)}</p>" + (fresh_link_form(email or "")
                                                                                      if offer else "")
        return page(status, heading, body, services)
    details = grant.product.details
    log.info("download %s line %d: use %d of %d", grant.order.session_id, grant.item.position, grant.uses, grant.limit)
    if details.get("download_file"):
        return _serve_file(services, details["download_file"], request.method == "HEAD")
    if details.get("download_object"):
        return _redirect_to_bucket(services, details["download_object"])
    return Response(302, b"", [("Location", details["download_url"])] + PRIVATE)


def _unavailable(services: Any, why: str) -> Response:
    from checkout_kit import alerts

    alerts.report(services, alerts.DOWNLOAD_BROKEN, None, why)
    heading = "This download is unavailable right now"
    return page(503, heading, f"<h1>{heading}</h1><p>The shop has been told. Try again later, or reply to your "
                              "receipt email.</p>", services)


def _serve_file(services: Any, name: str, head: bool) -> Response:
    from checkout_kit.fulfillment.download import local_file

    file = local_file(services.settings, name)
    if file is None:
        return _unavailable(services, f"download_file {name!r} is not in the downloads folder")
    size = file.stat().st_size
    if size > services.settings.downloads_max_bytes:
        return _unavailable(services, f"download_file {name!r} is {size} bytes, over what the host lets a function "
                                      f"send ({services.settings.downloads_max_bytes}); serve it from a bucket")
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    headers = [("Content-Type", kind), ("Content-Length", str(size)), ("X-Content-Type-Options", "nosniff"),
               ("Content-Disposition", _attachment(file.name))] + PRIVATE

    def chunks() -> Iterator[bytes]:
        with file.open("rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    return Response(200, b"", headers, stream=None if head else chunks())


def _attachment(name: str) -> str:
    from urllib.parse import quote

    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def _redirect_to_bucket(services: Any, key: str) -> Response:
    from checkout_kit.s3_presign import presign_get

    bucket = services.settings.bucket
    if bucket is None:
        return _unavailable(services, f"download_object {key!r} needs the DOWNLOADS_BUCKET_* settings")
    url = presign_get(bucket.url, key, bucket.access_key_id, bucket.secret_access_key.reveal(), bucket.region,
                      expires_s=300, extra_query={"response-content-disposition": _attachment(key.rsplit("/", 1)[-1])})
    return Response(302, b"", [("Location", url)] + PRIVATE)


# ---- tickets at the door ----------------------------------------------------------------------------


def _refuse_staff(request: Request, services: Any) -> Response | None:
    """None when the request carries CHECKIN_TOKEN or ADMIN_TOKEN as a bearer token."""
    settings = services.settings
    return refuse_unless_bearer(request, [settings.checkin_token, settings.admin_token],
                                "Set CHECKIN_TOKEN (or ADMIN_TOKEN) to enable check-in.", "Missing or wrong staff token.")


def check_in(request: Request, services: Any) -> Response:
    from checkout_kit.fulfillment import ticket
    from checkout_kit.store import tickets

    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.", [("Allow", "POST")])
    refused = _refuse_staff(request, services)
    if refused:
        return refused
    body = request.body(MAX_FORM_BODY)
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return error(400, "invalid_json", 'Send JSON: {"code": "TKT-…"}.')
    result = ticket.check_in(services, data.get("code") if isinstance(data, dict) else None)
    if result is None:
        return error(400, "invalid_code", "That is not a ticket code (they look like TKT-ABCDE23456).")
    if result.outcome == tickets.UNKNOWN:
        return error(404, "unknown_ticket", "No ticket has this code.")
    info = _ticket_info(services, result.ticket)
    if result.outcome == tickets.VALID:
        return Response.json(200, {"result": "valid", "ticket": info, "checked_in_at": result.ticket.checked_in_at})
    if result.outcome == tickets.VOIDED:
        return Response.json(410, {"error": {"code": "refunded", "message": "This ticket was refunded: do not admit."},
                                   "ticket": info})
    return Response.json(409, {"error": {"code": "already_used", "message": "Already used."},
                               "ticket": info, "checked_in_at": result.ticket.checked_in_at})


def _ticket_info(services: Any, found: Any) -> dict[str, Any]:
    from checkout_kit.fulfillment import reference

    order = services.store.get_order(found.session_id)
    item = next((i for i in order.items if i.position == found.position), None) if order else None
    return {"code": found.code, "order": reference(found.session_id), "seat": found.seat + 1,
            "seats": item.quantity if item else None, "event": item.description if item else None,
            "name": order.customer_name if order else None}


# ---- stock ----------------------------------------------------------------------------------


def stock_left(request: Request, services: Any) -> Response:
    from checkout_kit import stock

    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET.", [("Allow", "GET")])
    return Response.json(200, {"products": stock.left(services)}, _cors_headers(request, services))


# ---- the buyer's order page -----------------------------------------------------------------------


def orders(request: Request, services: Any) -> Response:
    if request.method == "POST":
        return _request_orders_link(request, services)
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET or POST.", [("Allow", "GET, POST")])
    from checkout_kit import magic_links, order_page

    try:
        email, view = order_page.open_with(services, request.query.get("token"), request.query.get("view"))
    except magic_links.LinkRefused as exc:
        status = 400 if exc.reason == "invalid" else 410
        messages = {"invalid": "This link does not work.", "expired": "This link has expired.",
                    "used": "This link was used already."}
        return error(status, f"link_{exc.reason}", messages.get(exc.reason, "This link does not work.") +
                     " Ask for a new one below.", PRIVATE)
    return Response.json(200, {"email": email, "view": view, "orders": order_page.orders_of(services, email)}, PRIVATE)


def _request_orders_link(request: Request, services: Any) -> Response:
    from checkout_kit import magic_links, order_page
    from checkout_kit.checkout import is_buyer_email

    is_form = request.content_type == "application/x-www-form-urlencoded"
    if request.content_type != "application/json" and not is_form:
        return error(415, "unsupported_media_type", "Send JSON (application/json) or a form post.")
    if not _origin_allowed(request, services):
        return error(403, "origin_not_allowed", "This site may not ask for order links here.")
    body = request.body(MAX_FORM_BODY)
    if body is None:
        return error(413, "body_too_large", "The request body is too large.")
    try:
        if is_form:
            email = (parse_qs(body.decode("utf-8")).get("email") or [""])[0]
        else:
            data = json.loads(body.decode("utf-8"))
            email = data.get("email") if isinstance(data, dict) else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return error(400, "invalid_body", 'Send {"email": "you@example.com"}.')
    if not is_buyer_email(email):
        return error(400, "invalid_email", "Give one email address, like ann@example.com.")
    email = email.strip()
    client = _client_ip(request, services)
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:16]
    store = services.store
    if store.hit(f"orders-link:{client}", RATE_WINDOW_S) > ORDER_LINKS_PER_MINUTE or \
            store.hit(f"orders-link-email:{digest}", RATE_WINDOW_S) > ORDER_LINKS_PER_MINUTE:
        return error(429, "rate_limited", "Too many requests; wait a minute and try again.",
                     [("Retry-After", str(RATE_WINDOW_S))])
    order_page.request_link(services, email)
    answer = magic_links.answer_text(order_page.LINK)
    if is_form:
        return page(200, "Check your email", f"<h1>Check your email</h1><p role=status>{html.escape(answer)}</p>",
                    services)
    return Response(200, json.dumps({"message": answer}).encode(), JSON_HEADERS + [("Referrer-Policy", "no-referrer")])
