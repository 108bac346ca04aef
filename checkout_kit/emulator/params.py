"""Which request parameters each route accepts: exactly the names the pinned
`stripe` SDK's typed param dicts declare for it.

`sdk_params.json` holds them per route, as nested trees (see
`sdk_types.param_tree`), generated from the SDK by `python -m
checkout_kit.emulator.refresh`; a test keeps it equal to the SDK. A name the
SDK declares is accepted even where the emulator ignores it (docs/emulator.md
lists those); any other name gets Stripe's `parameter_unknown` error, nested
names included (`line_items[0][colour]`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from checkout_kit.emulator.errors import invalid

DATA_FILE = "sdk_params.json"


@lru_cache(maxsize=1)
def schemas() -> dict[str, dict[str, Any]]:
    """Route key ("POST /v1/prices") -> param tree."""
    return json.loads(resources.files("checkout_kit.emulator").joinpath(DATA_FILE).read_text())


def route_key(method: str, rule: str) -> str:
    return f"{method} {rule}"


def check(method: str, rule: str, params: dict[str, Any]) -> None:
    """Raise Stripe's error for the first parameter the route does not declare."""
    tree = schemas().get(route_key(method, rule))
    if tree is None:
        return
    _check_node(params, tree, "")


def _check_node(value: Any, tree: dict[str, Any], prefix: str) -> None:
    if isinstance(value, list):
        for n, item in enumerate(value):
            _check_node(item, tree, f"{prefix}[{n}]")
        return
    if not isinstance(value, dict):
        return  # a scalar where a hash may go ('' unsets it); the handler checks the value
    for key, child in value.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key in tree:
            sub = tree[key]
        elif "*" in tree:
            sub = tree["*"]
        else:
            raise invalid(f"Received unknown parameter: {name}", param=name, code="parameter_unknown")
        if sub is not None:
            _check_node(child, sub, name)
