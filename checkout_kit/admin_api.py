"""`/api/admin/*`: the owner's desk over HTTP, for the admin page (`admin/`, published at /admin/).

Every route needs `Authorization: Bearer <ADMIN_TOKEN>` and answers `Cache-Control: no-store`.
Reads: today, orders (search, filters, cursor), one order, problems, the revenue chart, the
audit log, a customer's records, the CSV export. Actions (POST, JSON, recorded in the audit
log with the client's address): retry a job, forget a customer, reconcile.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from checkout_kit import audit, desk, exports
from checkout_kit.web import Request, Response, _client_ip, _refuse_bearer, error

log = logging.getLogger("checkout_kit.admin")

MAX_BODY = 16 * 1024
# JSON answers carry no-store and nosniff already (web.JSON_HEADERS); the CSV needs them too.
NO_REFERRER = [("Referrer-Policy", "no-referrer")]
PRIVATE = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")] + NO_REFERRER


class BadRequest(ValueError):
    """A parameter the owner's page (or script) sent wrong: 400 with the message."""


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name, str(default)).strip()
    sign = -1 if raw.startswith("-") else 1
    digits = raw.lstrip("+-")
    if not (digits.isascii() and digits.isdigit()) or not low <= sign * int(digits) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}.")
    return sign * int(digits)


def _json_body(request: Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise BadRequest("Send JSON (application/json).")
    body = request.body(MAX_BODY)
    if body is None:
        raise BadRequest("The request body is too large.")
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def _ok(payload: Any) -> Response:
    return Response.json(200, payload, NO_REFERRER)


# ---- reads ----------------------------------------------------------------------------


def today(request: Request, services: Any) -> Response:
    return _ok(desk.today(services.store, _int(request, "tz", 0, -840, 840), catalog=services.catalog))


def orders(request: Request, services: Any) -> Response:
    q = request.query
    status = q.get("status") or None
    kind = q.get("kind") or None
    if status and not status.replace("_", "").isalpha():
        raise BadRequest("status must be a word like paid or refunded.")
    if kind and not kind.replace("_", "").replace("-", "").isalnum():
        raise BadRequest("kind must be a fulfillment kind like download or ticket.")
    try:
        page = desk.list_orders(services.store, q.get("q", "")[:200], status, kind, q.get("to_ship") == "1",
                                q.get("cursor") or None, _int(request, "limit", 50, 1, desk.MAX_PAGE))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return _ok({**page, "pending_emails": services.store.pending_email_count()})


def order(request: Request, services: Any) -> Response:
    try:
        return _ok(desk.order_detail(services.store, request.query.get("ref", "")))
    except desk.NotFound as exc:
        return error(404, "not_found", str(exc), NO_REFERRER)


def problems(request: Request, services: Any) -> Response:
    return _ok(desk.problems(services.store, _int(request, "days", 7, 1, 90)))


def revenue(request: Request, services: Any) -> Response:
    days = _int(request, "days", 30, 1, 366)
    return _ok(desk.revenue_chart(services.store, days, _int(request, "tz", 0, -840, 840)))


def audit_log(request: Request, services: Any) -> Response:
    return _ok({"entries": list(reversed(audit.export_rows(services.store, limit=500)))})


def customer(request: Request, services: Any) -> Response:
    email = request.query.get("email", "").strip()
    if "@" not in email or len(email) > 254:
        raise BadRequest("email must be an email address.")
    record = exports.customer_record(services.store, email)
    # Reading a person's records is an owner action too (as `customer export` on the command line).
    audit.record(services, audit.ADMIN_PAGE, "customer export", None, f"{len(record['orders'])} order(s)",
                 _client_ip(request, services))
    return _ok(record)


def export_csv(request: Request, services: Any) -> Response:
    since = _int(request, "since", 0, 0, 10**11)
    body = exports.orders_csv(services.store, float(since)).encode()
    audit.record(services, audit.ADMIN_PAGE, "export", None, f"orders CSV since {since}",
                 _client_ip(request, services))
    return Response(200, body, [("Content-Type", "text/csv; charset=utf-8"),
                                ("Content-Disposition", 'attachment; filename="orders.csv"')] + PRIVATE)


# ---- actions ----------------------------------------------------------------------------


def retry_job(request: Request, services: Any) -> Response:
    from checkout_kit import outbox

    data = _json_body(request)
    job_id = data.get("id")
    if isinstance(job_id, bool) or not isinstance(job_id, int):
        raise BadRequest("id must be the job's number.")
    requeued = services.store.requeue_job(job_id)
    audit.record(services, audit.ADMIN_PAGE, "retry", f"job {job_id}", "requeued" if requeued else "not failed",
                 _client_ip(request, services))
    result = outbox.run_due(services, limit=10)
    return _ok({"requeued": requeued, "done": result.done, "retrying": result.retrying, "gave_up": result.gave_up})


def forget_customer(request: Request, services: Any) -> Response:
    data = _json_body(request)
    email = data.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise BadRequest("email must be an email address.")
    if data.get("confirm") is not True:
        raise BadRequest("Send \"confirm\": true to erase this customer's personal data.")
    done = exports.forget(services, email.strip(), audit.ADMIN_PAGE, _client_ip(request, services))
    return _ok({"orders": done.orders, "changed": done.changed, "kept": done.kept, "why": done.why})


def _order_for(services: Any, data: dict[str, Any]) -> Any:
    ref = data.get("ref")
    if not isinstance(ref, str) or not ref.strip():
        raise BadRequest("ref must be the order's reference or session id.")
    return desk.find_order(services.store, ref)


def ship_order(request: Request, services: Any) -> Response:
    """Mark shipped with a carrier and tracking number; the buyer is emailed once per tracking number."""
    from checkout_kit import outbox
    from checkout_kit.fulfillment import shipment

    data = _json_body(request)
    carrier, tracking = data.get("carrier"), data.get("tracking")
    if not isinstance(carrier, str) or not isinstance(tracking, str):
        raise BadRequest("carrier and tracking are required.")
    try:
        order = _order_for(services, data)
        shipped = shipment.ship(services, order, carrier, tracking, None)
    except desk.NotFound as exc:
        return error(404, "not_found", str(exc), NO_REFERRER)
    except shipment.ShipError as exc:
        raise BadRequest(str(exc)) from None
    if shipped.new:
        audit.record(services, audit.ADMIN_PAGE, "ship", order.session_id, f"{carrier.strip()} {tracking.strip()}",
                     _client_ip(request, services))
    result = outbox.after_commit(services, shipped.jobs, limit=0)
    return _ok({"shipped": sorted(shipped.positions), "new": shipped.new, "emailed": bool(result.done),
                "order": desk.order_detail(services.store, order.session_id)})


def refund_order(request: Request, services: Any) -> Response:
    """Refund all that is left, or `amount` (smallest unit), through Stripe with an idempotency key:
    a double click or a retried request refunds once."""
    from checkout_kit import refunds
    from checkout_kit.stripe_gateway import GatewayError

    data = _json_body(request)
    amount, reason = data.get("amount"), data.get("reason")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise BadRequest("amount must be a whole number in the currency's smallest unit (500 = 5.00).")
    if reason is not None and not isinstance(reason, str):
        raise BadRequest("reason must be duplicate, fraudulent or requested_by_customer.")
    try:
        order = _order_for(services, data)
        issued = refunds.issue(services, order, amount, reason or None)
    except desk.NotFound as exc:
        return error(404, "not_found", str(exc), NO_REFERRER)
    except refunds.RefundError as exc:
        raise BadRequest(str(exc)) from None
    except GatewayError as exc:
        log.error("refund of %s: %s", order.session_id, exc.detail)
        return error(502, "stripe_error", f"Stripe refused the refund: {exc.message}", NO_REFERRER)
    refund = issued.refund
    audit.record(services, audit.ADMIN_PAGE, "refund", order.session_id,
                 f"{refund['id']} {refund['amount']} {order.currency}", _client_ip(request, services))
    return _ok({"refund": {"id": refund["id"], "amount": refund["amount"], "status": refund["status"]},
                "order": desk.order_detail(services.store, order.session_id)})


def reconcile(request: Request, services: Any) -> Response:
    from checkout_kit import reconcile as reconciling

    data = _json_body(request)
    days = data.get("days", 3)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise BadRequest("days must be a whole number from 1 to 90.")
    report = reconciling.reconcile(services, days * 86400, audit.ADMIN_PAGE, _client_ip(request, services))
    return _ok({"checked": report.checked,
                "fixed": [{"session_id": s, "reference": r, "what": w} for s, r, w in report.fixed],
                "failed": [{"session_id": s, "why": w} for s, w in report.failed]})


Route = Callable[[Request, Any], Response]
ROUTES: dict[str, tuple[str, Route]] = {
    "/api/admin/today": ("GET", today),
    "/api/admin/orders": ("GET", orders),
    "/api/admin/order": ("GET", order),
    "/api/admin/problems": ("GET", problems),
    "/api/admin/revenue": ("GET", revenue),
    "/api/admin/audit": ("GET", audit_log),
    "/api/admin/customer": ("GET", customer),
    "/api/admin/export.csv": ("GET", export_csv),
    "/api/admin/jobs/retry": ("POST", retry_job),
    "/api/admin/customer/forget": ("POST", forget_customer),
    "/api/admin/reconcile": ("POST", reconcile),
    "/api/admin/order/ship": ("POST", ship_order),
    "/api/admin/order/refund": ("POST", refund_order),
}


def dispatch(request: Request, services: Any) -> Response:
    """Authorize, route, and turn a BadRequest into a 400 (the web layer handles the rest)."""
    refused = _refuse_bearer(request, services.settings.admin_token, "ADMIN_TOKEN")
    if refused:
        refused.headers += NO_REFERRER
        return refused
    entry = ROUTES.get(request.path.rstrip("/"))
    if entry is None:
        # Its own code, so the page tells "this kit has no such action yet" from "no such order".
        return error(404, "unknown_route", "No such admin route.", NO_REFERRER)
    method, route = entry
    if request.method != method:
        return error(405, "method_not_allowed", f"Use {method}.", [("Allow", method)] + NO_REFERRER)
    try:
        return route(request, services)
    except BadRequest as exc:
        return error(400, "invalid_request", str(exc), NO_REFERRER)
