"""The owner's desk on the command line: `orders list|show|export`, `deliveries list`,
`reconcile`, `customer export|forget`, `audit export`. Each prints a short table (or `--json`
for scripts), reads the same data as the admin page (`desk.py`), and never prints a secret.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Callable

from checkout_kit import audit, desk, exports
from checkout_kit.config import ConfigError
from checkout_kit.money import format_amount


def _services() -> Any:
    from checkout_kit.services import shared

    return shared()


def _run(command: Callable[[Any], int]) -> int:
    """Run with the shop's configuration; configuration and lookup problems are one clear line."""
    try:
        return command(_services())
    except ConfigError as exc:
        print(f"Configuration problem — {exc}", file=sys.stderr)
        return 2
    except desk.NotFound as exc:
        print(str(exc).capitalize(), file=sys.stderr)
        return 1


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(ts)) if ts else "-"


def orders_list(query: str = "", status: str | None = None, kind: str | None = None, to_ship: bool = False,
                limit: int = 20, as_json: bool = False) -> int:
    def run(services: Any) -> int:
        page = desk.list_orders(services.store, query, status, kind, to_ship, None, limit)
        if as_json:
            _print_json(page["orders"])
            return 0
        if not page["orders"]:
            print("No orders match.")
            return 0
        print(f"{'reference':<10} {'created (UTC)':<17} {'status':<18} {'total':>12}  {'customer':<28} items")
        for o in page["orders"]:
            items = ", ".join(f"{i['quantity']}× {i['description']}" for i in o["items"])
            ship = "  [to ship]" if o["to_ship"] else ""
            print(f"{o['reference']:<10} {_when(o['created_at']):<17} {o['status']:<18} {o['amount_display']:>12}  "
                  f"{(o['customer_email'] or '-')[:28]:<28} {items}{ship}")
        if page["next"]:
            print(f"(more: narrow the search, or use --limit up to {desk.MAX_PAGE})")
        return 0
    return _run(run)


def orders_show(ref: str, as_json: bool = False) -> int:
    def run(services: Any) -> int:
        o = desk.order_detail(services.store, ref)
        if as_json:
            _print_json(o)
            return 0
        print(f"Order {o['reference']}  ({o['session_id']})")
        print(f"  status {o['status']}, {o['amount_display']}, created {_when(o['created_at'])}, "
              f"paid {_when(o['paid_at'])}")
        print(f"  customer {o['customer_name'] or '-'} <{o['customer_email'] or '-'}>")
        for i in o["items"]:
            print(f"  {i['quantity']}× {i['description']}  {format_amount(i['amount_total'], o['currency'])}  "
                  f"[{i['fulfillment_type']}: {i['fulfillment_status']}]")
        if o["shipping"]:
            address = o["shipping"].get("address") or {}
            print(f"  ship to {o['shipping'].get('name')}, {address.get('line1')}, {address.get('postal_code')} "
                  f"{address.get('city')}, {address.get('country')}")
        for e in o["emails"]:
            error = f" — {e['last_error']}" if e["last_error"] else ""
            print(f"  email {e['kind']} to {e['to']}: {e['status']} ({e['attempts']} attempt(s)){error}")
        for d in o["deliveries"]:
            print(f"  webhook {d['event_type']} {d['event_id']}: {d['outcome']} at {_when(d['received_at'])}")
        return 0
    return _run(run)


def orders_export(since: float = 0.0, output: str | None = None) -> int:
    def run(services: Any) -> int:
        text = exports.orders_csv(services.store, since)
        audit.record(services, audit.CLI, "export", None, f"orders CSV since {int(since)}")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            print(f"wrote {text.count(chr(10)) - 1} row(s) to {output}")
        else:
            sys.stdout.write(text)
        return 0
    return _run(run)


def deliveries_list(failed: bool = False, days: int = 7, as_json: bool = False) -> int:
    def run(services: Any) -> int:
        since = time.time() - days * 86400
        rows = services.store.failed_deliveries(since, 500) if failed else \
            [d for d in services.store.deliveries() if d.received_at >= since][-500:]
        data = [{"event_id": d.event_id, "event_type": d.event_type, "outcome": d.outcome, "detail": d.detail,
                 "received_at": d.received_at} for d in rows]
        if as_json:
            _print_json(data)
            return 0
        if not data:
            print("No failed webhook deliveries." if failed else "No webhook deliveries.")
            return 0
        for d in data:
            print(f"{_when(d['received_at'])}  {d['outcome']:<16} {d['event_type'] or '-':<40} {d['event_id'] or '-'}"
                  f"  {d['detail'][:60]}")
        return 0
    return _run(run)


def reconcile(since: str = "3d", as_json: bool = False) -> int:
    from checkout_kit import reconcile as reconciling
    from checkout_kit.stripe_gateway import GatewayError

    try:
        span = reconciling.parse_span(since)
    except ValueError as exc:
        print(f"--since: {exc}", file=sys.stderr)
        return 2

    def run(services: Any) -> int:
        if not services.settings.stripe_secret_key:
            print("STRIPE_SECRET_KEY is not set: reconcile reads your Stripe account.", file=sys.stderr)
            return 2
        try:
            report = reconciling.reconcile(services, span)
        except GatewayError as exc:
            print(f"Stripe refused or could not be reached: {exc.message}", file=sys.stderr)
            return 1
        if as_json:
            _print_json({"checked": report.checked, "fixed": report.fixed, "failed": report.failed})
        else:
            print(f"checked {report.checked} completed session(s) from the last {since}")
            for session_id, reference, what in report.fixed:
                print(f"  fixed {reference} ({session_id}): {what}")
            for session_id, why in report.failed:
                print(f"  could not fix {session_id}: {why} (run again later)")
            if not report.fixed and not report.failed:
                print("nothing to fix: every completed session has its order")
        return 1 if report.failed else 0
    return _run(run)


def customer_export(email: str) -> int:
    def run(services: Any) -> int:
        record = exports.customer_record(services.store, email)
        audit.record(services, audit.CLI, "customer export", None, f"{len(record['orders'])} order(s)")
        _print_json(record)
        return 0
    return _run(run)


def customer_forget(email: str, yes: bool = False) -> int:
    if not yes:
        print("This erases the customer's name, email and address from every order, email and log the shop "
              "keeps. Run again with --yes to do it.", file=sys.stderr)
        return 2

    def run(services: Any) -> int:
        done = exports.forget(services, email)
        print(f"erased {email}'s personal data from {done.orders} order(s); changed: "
              + ", ".join(f"{table} {count}" for table, count in sorted(done.changed.items()) if count))
        if done.files_removed:
            print(f"removed {done.files_removed} email file(s) from the development outbox")
        print(f"kept: {done.kept}")
        print(f"why: {done.why}")
        print("Stripe keeps its own records of the payment: delete the customer in the Stripe Dashboard too "
              "if they asked for that.")
        return 0
    return _run(run)


def audit_export(as_json: bool = True) -> int:
    def run(services: Any) -> int:
        rows = audit.export_rows(services.store)
        if as_json:
            _print_json(rows)
        else:
            for r in rows:
                print(f"{_when(r['at'])}  {r['actor']:<6} {r['client'] or '':<15} {r['action']:<16} "
                      f"{r['target'] or '-':<20} {r['detail']}")
        return 0
    return _run(run)
