"""Check a JSON object against what the pinned stripe SDK declares for its type.

`problems(obj)` walks an object the emulator returned and lists every way it
differs from the SDK's resource class for the pinned API version: a declared
field missing, a field the SDK does not declare, a value outside the declared
`Literal[...]` enum, a wrong JSON type, a null where the SDK does not allow
one. Nested typed objects, lists, `ListObject`s and expandable fields are
checked the same way; an event's `data.object` is checked as its own type.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from checkout_kit.emulator import sdk_types
from checkout_kit.emulator.sdk_types import Shape


def problems(obj: dict[str, Any], kind: str | None = None) -> list[str]:
    """Every mismatch between `obj` and the SDK class for its `object` value."""
    kind = kind or obj.get("object")
    if not kind:
        return ["<root>: no `object` field"]
    if kind in LIST_KEYS:
        return _page(obj, kind)
    return _object(obj, sdk_types.resource_class(kind), kind)


# A page of results: exactly these keys, then each entry checked as its own type.
LIST_KEYS = {"list": {"object", "data", "has_more", "url"},
             "search_result": {"object", "data", "has_more", "next_page", "url"}}


def _page(page: dict[str, Any], kind: str) -> list[str]:
    found = []
    if set(page) != LIST_KEYS[kind]:
        found.append(f"{kind}: keys {sorted(page)}, expected {sorted(LIST_KEYS[kind])}")
    if not isinstance(page.get("has_more"), bool):
        found.append(f"{kind}.has_more: not a boolean")
    for n, entry in enumerate(page.get("data") or []):
        found += [f"{kind}.data[{n}] {p}" for p in problems(entry)]
    return found


def _object(value: Any, cls: type, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {type(value).__name__}"]
    declared = sdk_types.fields(cls)
    found: list[str] = []
    if value.get(sdk_types.DELETED) is True:  # a deletion stub: id, object, deleted
        extra = set(value) - {"id", "object", sdk_types.DELETED}
        return [f"{path}.{name}: not part of a deletion stub" for name in sorted(extra)]
    for name in sorted(set(value) - set(declared)):
        found.append(f"{path}.{name}: not declared by the SDK")
    optional = sdk_types.type_variants(cls, value)
    for name in sorted(set(declared) - set(value)):
        if name in optional or name == sdk_types.DELETED or sdk_types.absent_unless(cls, name):
            continue
        found.append(f"{path}.{name}: declared by the SDK but missing")
    if value.get(sdk_types.DELETED) not in (None, True):
        found.append(f"{path}.deleted: must be true when present")
    for name, item in value.items():
        if name in declared:
            found += _value(item, sdk_types.shape(declared[name]), f"{path}.{name}")
    if value.get("object") == "event" and isinstance(value.get("data"), dict):
        inner = value["data"].get("object")
        if isinstance(inner, dict) and inner.get("object"):
            found += problems(inner)
    return found


def _value(value: Any, shape: Shape, path: str) -> list[str]:
    if value is None:
        return [] if shape.nullable else [f"{path}: null, but the SDK does not allow null"]
    if shape.untyped:
        return []
    if shape.literals and (isinstance(value, (str, bool))):
        if value in shape.literals:
            return []
        if not shape.scalars:
            return [f"{path}: {value!r} is not one of {list(shape.literals)}"]
    if isinstance(value, str):
        if str in shape.scalars or Decimal in shape.scalars or shape.cls is not None:
            return []  # a string where an object is allowed is an unexpanded id
        if shape.list_object is not None:
            return [f"{path}: a string where the SDK declares a list"]
    if isinstance(value, bool):
        return [] if bool in shape.scalars else [f"{path}: unexpected boolean {value!r}"]
    if isinstance(value, (int, float)):
        if int in shape.scalars or float in shape.scalars or (isinstance(value, float) and Decimal in shape.scalars):
            return []
        return [f"{path}: unexpected number {value!r}"]
    if isinstance(value, list):
        if shape.item is None:
            return [f"{path}: a list where the SDK declares something else"]
        return [p for n, v in enumerate(value) for p in _value(v, shape.item, f"{path}[{n}]")]
    if isinstance(value, dict):
        if shape.list_object is not None:
            return _list_object(value, shape.list_object, path)
        if shape.cls is not None:
            return _object(value, shape.cls, path)
        return [f"{path}: an object where the SDK declares {shape}"]
    return [f"{path}: unexpected value {value!r} for {shape}"]


def _list_object(value: dict[str, Any], item: Shape, path: str) -> list[str]:
    found = []
    if value.get("object") != "list" or set(value) != {"object", "data", "has_more", "url"}:
        found.append(f"{path}: a list object has exactly object=list, data, has_more, url; got {sorted(value)}")
    if not isinstance(value.get("has_more"), bool) or not isinstance(value.get("url"), str):
        found.append(f"{path}: has_more must be a boolean and url a string")
    for n, element in enumerate(value.get("data") or []):
        found += _value(element, item, f"{path}.data[{n}]")
    return found
