"""`expand[]`: replace ids by the objects they name, and add the fields Stripe
includes only on request (`checkout.session.line_items`, `price.currency_options`).

An included list holds its first page only, as Stripe's does: at most ten
entries, `has_more` when there are others, and the `url` that pages on.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import as_list
from checkout_kit.emulator.resources.checkout_sessions import line_items_url
from checkout_kit.emulator.resources.discounts import applies_to, coupon_currency_options
from checkout_kit.emulator.resources.prices import currency_options
from checkout_kit.emulator.state import State, kind_of

FIRST_PAGE = 10


def first_page(items: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """A list object holding the first page of `items`, as embedded lists do."""
    return as_list(copy.deepcopy(items[:FIRST_PAGE]), url, has_more=len(items) > FIRST_PAGE)


def _session_line_items(state: State, session: dict[str, Any]) -> Any:
    return first_page(state.session_items.get(session["id"], []), line_items_url(session["id"]))


# (object type, field) -> the value it shows when expanded
INCLUDABLE: dict[tuple[str, str], Callable[[State, dict[str, Any]], Any]] = {
    ("checkout.session", "line_items"): _session_line_items,
    ("price", "currency_options"): currency_options,
    ("coupon", "applies_to"): applies_to,
    ("coupon", "currency_options"): coupon_currency_options,
}


def expand(state: State, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """A copy of `obj` with each `expand[]` path expanded."""
    result = copy.deepcopy(obj)
    for path in paths:
        _expand_path(state, result, path.split("."), path)
    return result


def _expand_path(state: State, node: Any, parts: list[str], full: str) -> None:
    if isinstance(node, list):  # a plain array of hashes (a session's `discounts`): expand in each
        for child in node:
            _expand_path(state, child, parts, full)
        return
    if not parts or not isinstance(node, dict):
        return
    head, rest = parts[0], parts[1:]
    if node.get("object") in ("list", "search_result") and head == "data":
        for child in node["data"]:
            _expand_path(state, child, rest, full)
        return
    include = INCLUDABLE.get((str(node.get("object")), head))
    if include is not None:
        node[head] = include(state, node)
        _expand_path(state, node[head], rest, full)
        return
    if head not in node:
        raise invalid(f"This property cannot be expanded ({full}).", param="expand")
    value = node[head]
    if isinstance(value, str):
        kind = kind_of(value) or ("coupon" if head == "coupon" else None)  # coupon ids have no prefix
        found = state.objects[kind].get(value) if kind else None
        if found is None:
            raise invalid(f"This property cannot be expanded ({full}).", param="expand")
        node[head] = value = copy.deepcopy(found)
    _expand_path(state, value, rest, full)
