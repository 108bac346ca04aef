"""What the pinned `stripe` SDK declares about object shapes and parameters.

The SDK is generated from Stripe's OpenAPI spec for the pinned API version, so
its resource classes (fields, nested classes, `Literal[...]` enum values) and
its typed param dicts are the reference the emulator is held to (DESIGN §6).

This module imports `stripe` and is used only by the fidelity tests and the
fixture refresh tool, never while the emulator serves a request.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

# Fields the SDK declares that Stripe leaves out of an object unless asked for
# (`expand[]`) or outside one context; every other declared field is always
# present. Keyed by the SDK class's dotted path.
ABSENT_UNLESS: dict[str, dict[str, str]] = {
    "stripe.checkout._session.Session": {"line_items": "expand"},
    "stripe._price.Price": {"currency_options": "expand", "tiers": "expand"},
    "stripe._plan.Plan": {"tiers": "expand"},
    "stripe._coupon.Coupon": {"applies_to": "expand", "currency_options": "expand"},
    "stripe._customer.Customer": {name: "expand" for name in (
        "cash_balance", "invoice_credit_balance", "sources", "subscriptions", "tax", "tax_ids")},
    "stripe._invoice.Invoice": {"payments": "expand", "confirmation_secret": "expand"},
    "stripe._webhook_endpoint.WebhookEndpoint": {"secret": "the create response"},
    "stripe._event.Event.Data": {"previous_attributes": "*.updated events"},
}
# `deleted: true` appears only on the stub a DELETE returns.
DELETED = "deleted"


def absent_unless(cls: type, name: str) -> str | None:
    """When Stripe includes field `name` of `cls`, if not always (see ABSENT_UNLESS)."""
    return ABSENT_UNLESS.get(f"{cls.__module__}.{cls.__qualname__}", {}).get(name)


@dataclass(frozen=True)
class Shape:
    """One SDK type annotation, decomposed into what a JSON value must be."""

    nullable: bool = False
    literals: tuple[Any, ...] = ()  # allowed enum values, when the SDK lists them
    scalars: tuple[type, ...] = ()  # str, int, bool, float, Decimal
    cls: type | None = None  # a typed StripeObject subclass
    item: "Shape | None" = None  # element shape of a List[...]
    list_object: "Shape | None" = None  # element shape of a ListObject[...] ({object: list, data…})
    untyped: bool = False  # Dict/Any/UntypedStripeObject: any JSON object


def _stripe_object() -> type:
    from stripe._stripe_object import StripeObject

    return StripeObject


@lru_cache(maxsize=None)
def _namespace(module_name: str) -> dict[str, Any]:
    """The module's globals plus the names it imports only under TYPE_CHECKING."""
    import stripe._stripe_object as base

    module = sys.modules[module_name]
    ns = {**vars(base), **vars(module)}
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            exec(compile(ast.Module(body=node.body, type_ignores=[]), module_name, "exec"), ns)
    return ns


def resource_class(kind: str) -> type:
    """The SDK class for a Stripe `object` value ("checkout.session" → stripe.checkout.Session)."""
    from stripe._object_classes import OBJECT_CLASSES

    module_name, name = OBJECT_CLASSES[kind]
    return getattr(importlib.import_module(module_name), name)


@lru_cache(maxsize=None)
def fields(cls: type) -> dict[str, Any]:
    """Public, per-instance fields `cls` declares, with their resolved types."""
    hints = typing.get_type_hints(cls, globalns=_namespace(cls.__module__))
    return {name: tp for name, tp in hints.items()
            if not name.startswith("_") and typing.get_origin(tp) is not typing.ClassVar}


def is_typed_object(tp: Any) -> bool:
    base = _stripe_object()
    return inspect.isclass(tp) and issubclass(tp, base) and tp is not base and bool(fields(tp))


def shape(tp: Any) -> Shape:
    """Decompose an annotation: Optional, Literal, List, ListObject, ExpandableField unions."""
    from stripe._list_object import ListObject

    nullable = False
    literals: list[str] = []
    scalars: list[type] = []
    cls: type | None = None
    item = list_object = None
    untyped = False
    options = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    for option in options:
        origin = typing.get_origin(option)
        if option is type(None):
            nullable = True
        elif origin is typing.Literal:
            literals.extend(str(v) if not isinstance(v, bool) else v for v in typing.get_args(option))
        elif origin in (list, typing.List):
            item = shape(typing.get_args(option)[0])
        elif origin is ListObject or option is ListObject:
            args = typing.get_args(option)
            list_object = shape(args[0]) if args else Shape(untyped=True)
        elif origin in (dict, typing.Dict) or option is Any:
            untyped = True
        elif inspect.isclass(origin or option) and issubclass(origin or option, _stripe_object()):
            klass = origin or option
            if origin is not None or not is_typed_object(klass):
                untyped = True  # UntypedStripeObject[...] or a bare StripeObject
            else:
                cls = klass
        elif option in (str, int, bool, float, Decimal):
            scalars.append(option)
        else:
            untyped = True
    if literals and str in scalars:
        scalars.remove(str)  # Union[Literal[...], str]: str is only the SDK's forward-compat escape
    return Shape(nullable, tuple(literals), tuple(scalars), cls, item, list_object, untyped)


def type_variants(cls: type, present: dict[str, Any]) -> set[str]:
    """Fields named after the *other* values of a `type` discriminator.

    Stripe's polymorphic hashes (payment_method_details, next_action…) carry a
    `type` and only the sub-hash named by it; the rest are left out.
    """
    field_types = fields(cls)
    if "type" not in field_types or "type" not in present:
        return set()
    literals = shape(field_types["type"]).literals
    if literals:
        variants = set(literals) & set(field_types)
    else:  # `type: str`: every optional sub-hash may be the one a type names
        variants = {name for name, tp in field_types.items() if _optional_sub_hash(tp)}
    return variants - {present["type"]}


def _optional_sub_hash(tp: Any) -> bool:
    """Optional[SomeStripeObject] (typed or not), not an expandable id."""
    options = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    if type(None) not in options:
        return False
    rest = [o for o in options if o is not type(None)]
    return len(rest) == 1 and inspect.isclass(rest[0]) and issubclass(rest[0], _stripe_object())


def nested_class(kind: str, path: str) -> type:
    """The SDK class at a dotted field path of a resource ("charge", "outcome")."""
    cls = resource_class(kind)
    for name in path.split("."):
        found = shape(fields(cls)[name])
        cls = found.cls or (found.item.cls if found.item else None) \
            or (found.list_object.cls if found.list_object else None)
        if cls is None:
            raise KeyError(f"{kind}.{path}: {name} is not a typed object")
    return cls


# ---- parameters -----------------------------------------------------------


@lru_cache(maxsize=None)
def params_class(name: str) -> Any:
    """A typed param dict from `stripe.params` ("checkout.SessionCreateParams")."""
    module_name, _, attr = ("stripe.params." + name).rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


@lru_cache(maxsize=None)
def param_fields(td: Any) -> dict[str, Any]:
    """The keys a typed param dict declares, with resolved types (NotRequired unwrapped).

    Resource-style dicts (`…ModifyParams`) also inherit the SDK's request options
    (`api_key`, `stripe_account`…); those are client settings, not API parameters.
    """
    from stripe._request_options import RequestOptions

    inherited = set(RequestOptions.__annotations__) if RequestOptions in getattr(td, "__orig_bases__", ()) else set()
    own = {name: tp for name, tp in td.__annotations__.items() if name not in inherited}
    holder = types.SimpleNamespace(__annotations__=own)
    return typing.get_type_hints(holder, globalns=_namespace(td.__module__))


def param_tree(td: Any) -> dict[str, Any]:
    """The names a typed param dict accepts, nested: {name: subtree or None}.

    None is a leaf (string, number, enum, list of those); `{"*": node}` stands
    for free-form keys (metadata, currency codes). Lists are transparent: a
    list of hashes has the hash's tree.
    """
    return {name: _param_node(tp) for name, tp in param_fields(td).items()}


def _param_node(tp: Any) -> dict[str, Any] | None:
    from typing_extensions import is_typeddict

    from stripe._stripe_object import UntypedStripeObject

    options = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    for option in options:
        origin = typing.get_origin(option)
        args = typing.get_args(option)
        if origin in (list, typing.List) and args:
            node = _param_node(args[0])
            if node is not None:
                return node
        elif is_typeddict(option):
            return param_tree(option)
        elif origin in (dict, typing.Dict) and len(args) == 2:
            return {"*": _param_node(args[1])}
        elif origin is UntypedStripeObject:
            return {"*": _param_node(args[0]) if args else None}
    return None
