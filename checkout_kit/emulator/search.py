"""`GET /v1/{resource}/search`: Stripe's search query language, for the resources
Stripe can search (prices, products, customers, payment intents, charges,
subscriptions, invoices).

Supported: clauses `field:value` (exact, case-insensitive), `field~value`
(substring), `field>n`, `<`, `>=`, `<=` on numbers, `-clause` (negation),
`metadata['key']:'value'` and `:null` for a missing value, joined by spaces,
`AND` or `OR` (not both). Values are quoted with ' or " (backslash escapes) or
bare. Anything else is Stripe's 400 for a query it cannot parse.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from checkout_kit.emulator.billing import invoice_subscription
from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import to_int, to_str
from checkout_kit.emulator.resources.common import Ctx, Handler, honours

UNPARSEABLE = ('We were unable to parse your search query. Try using the format `metadata["key"]:"value"` '
               'to query for metadata or key:"value" to query for other fields.')
MAX_CLAUSES = 10

Getter = Callable[[dict[str, Any]], Any]


def _path(dotted: str) -> Getter:
    def get(obj: dict[str, Any]) -> Any:
        node: Any = obj
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return node
    return get


def _fields(*names: str, **special: Getter) -> dict[str, Getter]:
    return {**{name: _path(name) for name in names}, **special}


# resource (URL segment) -> (object type, searchable fields as Stripe lists them)
RESOURCES: dict[str, tuple[str, dict[str, Getter]]] = {
    "prices": ("price", _fields("active", "currency", "lookup_key", "product", "type", "created")),
    "products": ("product", _fields("active", "description", "name", "shippable", "url", "created")),
    "customers": ("customer", _fields("created", "email", "name", "phone")),
    "payment_intents": ("payment_intent", _fields("amount", "created", "currency", "customer", "status")),
    "charges": ("charge", _fields(
        "amount", "billing_details.address.postal_code", "created", "currency", "customer", "disputed",
        "payment_method_details.card.last4", "payment_method_details.card.exp_month",
        "payment_method_details.card.exp_year", "payment_method_details.card.brand",
        "payment_method_details.card.fingerprint", "refunded", "status")),
    "subscriptions": ("subscription", _fields("created", "status")),
    "invoices": ("invoice", _fields("created", "currency", "customer", "number", "receipt_number", "total",
                                    subscription=invoice_subscription)),
}


@dataclass(frozen=True)
class Clause:
    field: str  # "metadata" for metadata clauses
    key: str | None  # the metadata key
    op: str  # ":", "~", ">", "<", ">=", "<="
    value: str | None  # None for `null`
    negated: bool


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<join>AND|OR)(?=\s)
    | (?P<neg>-)?
      (?:metadata\[(?P<mq>['"])(?P<key>(?:\\.|(?!(?P=mq)).)*)(?P=mq)\]|(?P<field>[a-z_][a-z0-9_.]*))
      (?P<op>>=|<=|:|~|>|<)
      (?:(?P<vq>['"])(?P<quoted>(?:\\.|(?!(?P=vq)).)*)(?P=vq)|(?P<bare>[^\s'"]+))
    )""", re.X | re.I)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse(query: str) -> tuple[list[Clause], str]:
    """The clauses of `query` and how they join ("AND" or "OR"); StripeError if unparseable."""
    clauses: list[Clause] = []
    joins: set[str] = set()
    pos, text = 0, query.strip()
    expect_clause = True
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise invalid(UNPARSEABLE, param="query")
        pos = m.end()
        if m.group("join"):
            if expect_clause:
                raise invalid(UNPARSEABLE, param="query")
            joins.add(m.group("join").upper())
            expect_clause = True
            continue
        raw = m.group("quoted") if m.group("vq") else m.group("bare")
        value = None if (m.group("bare") or "").lower() == "null" else _unescape(raw)
        key = _unescape(m.group("key")) if m.group("mq") else None
        clauses.append(Clause("metadata" if key is not None else m.group("field"), key, m.group("op"), value,
                              bool(m.group("neg"))))
        expect_clause = False
    if not clauses or expect_clause or len(joins) > 1 or len(clauses) > MAX_CLAUSES:
        raise invalid(UNPARSEABLE, param="query")
    return clauses, (joins.pop() if joins else "AND")


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(clause: Clause, actual: Any) -> bool:
    if clause.value is None:
        hit = actual is None
    elif clause.op in (">", "<", ">=", "<="):
        try:
            wanted = float(clause.value)
        except ValueError:
            raise invalid(UNPARSEABLE, param="query") from None
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            hit = False
        else:
            hit = {">": actual > wanted, "<": actual < wanted, ">=": actual >= wanted, "<=": actual <= wanted}[clause.op]
    elif clause.op == "~":
        if len(clause.value) < 3:
            raise invalid("Substring (~) queries need at least 3 characters.", param="query")
        text = _as_text(actual)
        hit = text is not None and clause.value.lower() in text.lower()
    else:
        text = _as_text(actual)
        hit = text is not None and text.lower() == clause.value.lower()
    return hit != clause.negated


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset]).encode()).decode()


def _offset(token: Any) -> int:
    try:
        return int(json.loads(base64.urlsafe_b64decode(to_str(token, "page").encode()))[0])
    except (ValueError, TypeError, IndexError, KeyError):
        raise invalid("Invalid page token.", param="page") from None


def searcher(resource: str) -> Handler:
    """The search handler for `/v1/{resource}/search`."""
    kind, fields = RESOURCES[resource]
    url = f"/v1/{resource}/search"

    @honours("query", "limit", "page")
    def handler(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("query"):
            raise invalid("Missing required param: query.", param="query", code="parameter_missing")
        clauses, join = parse(to_str(p["query"], "query"))
        for clause in clauses:
            if clause.field != "metadata" and clause.field not in fields:
                raise invalid(f"Field `{clause.field}` is an unsupported search field for resource "
                              f"`{resource}`.", param="query")

        def value_of(obj: dict[str, Any], clause: Clause) -> Any:
            if clause.field == "metadata":
                return (obj.get("metadata") or {}).get(clause.key or "")
            return fields[clause.field](obj)

        combine = all if join == "AND" else any
        found = [obj for obj in ctx.state.newest_first(kind)
                 if combine(_matches(c, value_of(obj, c)) for c in clauses)]
        limit = to_int(p.get("limit", 10), "limit", 1, 100)
        start = _offset(p["page"]) if p.get("page") else 0
        page = found[start:start + limit]
        more = start + limit < len(found)
        return {"object": "search_result", "data": page, "has_more": more,
                "next_page": _page_token(start + limit) if more else None, "url": url}

    handler.__doc__ = f"Search {resource}."
    return handler
