"""What every resource handler shares: the request context and the readers for
values Stripe validates the same way everywhere (currency, URL, email, the
`created` range filter of list endpoints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import to_dict, to_int, to_str
from checkout_kit.emulator.state import State, filter_eq, paginate

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CURRENCY = re.compile(r"^[a-z]{3}$")


@dataclass
class Ctx:
    """What a handler knows about the request besides its params."""

    state: State
    public_url: str
    request_id: str
    idempotency_key: str | None = None
    settle_after: float | None = None  # delay of what settles later (bank debits, failing refunds)


Handler = Callable[..., dict[str, Any]]


def currency(value: Any, param: str = "currency") -> str:
    cur = to_str(value, param).lower()
    if not CURRENCY.match(cur):
        raise invalid(f"Invalid currency: {value}", param=param)
    return cur


def one_of(value: Any, allowed: tuple[str, ...], param: str, name: str | None = None) -> Any:
    """`value` if it is one of `allowed`, else Stripe's "Invalid <name>: must be one of a, b, or c"
    (`name` is `param` unless the message names the field without its enclosing param)."""
    if value not in allowed:
        raise invalid(f"Invalid {param if name is None else name}: must be one of {', '.join(allowed[:-1])}, "
                      f"or {allowed[-1]}", param=param)
    return value


def url(value: Any, param: str) -> str:
    text = to_str(value, param, 5000)
    parts = urlsplit(text.replace("{CHECKOUT_SESSION_ID}", "x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("Not a valid URL", param=param, code="url_invalid")
    return text


def email(value: Any, param: str) -> str:
    text = to_str(value, param, 800)
    if not EMAIL.match(text):
        raise invalid(f"Invalid email address: {text}", param=param, code="email_invalid")
    return text


def created_range(items: list[dict[str, Any]], p: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply a list endpoint's `created` filter: an exact timestamp or a gt/gte/lt/lte range."""
    if "created" not in p:
        return items
    value = p["created"]
    if not isinstance(value, dict):
        stamp = to_int(value, "created")
        return [i for i in items if i["created"] == stamp]
    bounds = to_dict(value, "created")
    tests = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b,
             "lte": lambda a, b: a <= b}
    for op, raw in bounds.items():
        if op not in tests:
            raise invalid(f"Received unknown parameter: created[{op}]", param=f"created[{op}]",
                          code="parameter_unknown")
        stamp = to_int(raw, f"created[{op}]")
        items = [i for i in items if tests[op](i["created"], stamp)]
    return items


def lister(kind: str, list_url: str, filters: dict[str, Callable[[Any], Any]]) -> Handler:
    """A list endpoint: newest first, equality filters, `created`, cursor pagination."""
    def handler(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
        items = created_range(filter_eq(ctx.state.newest_first(kind), p, filters), p)
        return paginate(items, p, list_url)
    handler.__doc__ = f"List {kind} objects."
    return handler


def retriever(kind: str) -> Handler:
    def handler(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
        return ctx.state.get(kind, id)
    handler.__doc__ = f"Retrieve one {kind}."
    return handler


def honours(*names: str) -> Callable[[Handler], Handler]:
    """Mark the parameters a handler acts on. Every other parameter the SDK declares
    for its route is accepted and ignored (listed in docs/emulator.md; a test keeps
    the list and these marks in step)."""
    def mark(handler: Handler) -> Handler:
        handler.honoured = frozenset(names)  # type: ignore[attr-defined]
        return handler
    return mark


ADDRESS_KEYS = ("city", "country", "line1", "line2", "postal_code", "state")


def address(value: Any, param: str) -> dict[str, Any] | None:
    """An address hash with every key Stripe returns ('' or missing → null)."""
    data = to_dict(value, param)
    if not data:
        return None
    return {key: (to_str(data[key], f"{param}[{key}]") or None) if key in data else None for key in ADDRESS_KEYS}


def shipping(value: Any, param: str) -> dict[str, Any] | None:
    """A customer's or charge's shipping hash: name, address, phone, carrier, tracking number."""
    data = to_dict(value, param)
    if not data:
        return None
    return {"name": to_str(data.get("name", ""), f"{param}[name]") or None,
            "address": address(data.get("address", {}), f"{param}[address]"),
            "phone": to_str(data.get("phone", ""), f"{param}[phone]") or None,
            "carrier": None, "tracking_number": None}
