"""Regenerate the emulator's two data files from the pinned `stripe` SDK:

    python -m checkout_kit.emulator.refresh [STRIPE_FIXTURES_JSON]

- `sdk_params.json`: for each route in `api.ROUTES`, the parameter names its
  typed param dict declares (`emulator.params` checks requests against it).
- `stripe_fixtures.json`: Stripe's example object for each type the emulator
  builds (from Stripe's `fixtures3.json`, MIT, default: the copy under
  tests/fixtures/stripe/), reconciled to the SDK: fields the SDK does not
  declare are dropped, declared ones added (null, or an empty value where the
  SDK does not allow null), expanded ids collapsed to ids, and fields Stripe
  shows only on request left out.

Run it after bumping the SDK; the fidelity tests fail until the files match.
Needs `stripe` (a dev-time tool: the emulator itself never imports the SDK).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from checkout_kit.emulator import sdk_types
from checkout_kit.emulator.sdk_types import Shape

PACKAGE = Path(__file__).resolve().parent
DEFAULT_SOURCE = PACKAGE.parents[1] / "tests" / "fixtures" / "stripe" / "fixtures3.json"
# The Stripe object types the emulator builds from a fixture.
KINDS = ("product", "price", "customer", "checkout.session", "item", "payment_intent", "charge", "subscription",
         "subscription_item", "invoice", "line_item", "event", "refund", "webhook_endpoint",
         "billing_portal.session", "billing_portal.configuration", "payment_method", "plan", "coupon",
         "promotion_code", "shipping_rate", "tax_rate", "discount", "dispute")
# Nested hashes the emulator fills in itself: shipped as templates holding every
# field the SDK declares (empty), so what the emulator adds is never partial.
TEMPLATES = (
    "checkout.session:customer_details", "checkout.session:collected_information.shipping_details",
    "payment_intent:last_payment_error", "payment_intent:amount_details",
    "charge:outcome", "charge:billing_details",
    "charge:payment_method_details.card", "charge:payment_method_details.card.three_d_secure",
    "charge:payment_method_details.us_bank_account", "charge:shipping",
    "payment_method:card", "payment_method:us_bank_account",
    "invoice:parent", "invoice:status_transitions", "line_item:parent", "line_item:pricing",
)


def params_data() -> dict[str, Any]:
    from checkout_kit.emulator.api import ROUTES
    from checkout_kit.emulator.params import route_key

    return {route_key(r.method, r.rule): sdk_types.param_tree(sdk_types.params_class(r.sdk_params))
            for r in ROUTES}


def fixtures_data(stripe_fixtures: dict[str, Any]) -> dict[str, Any]:
    data = {kind: reconcile(stripe_fixtures[kind], sdk_types.resource_class(kind)) for kind in KINDS}
    for name in TEMPLATES:
        kind, path = name.split(":")
        data[name] = reconcile({}, sdk_types.nested_class(kind, path))
    return data


def reconcile(obj: dict[str, Any], cls: type) -> dict[str, Any]:
    """`obj` with exactly the fields `cls` declares (see the module docstring)."""
    variants = sdk_types.type_variants(cls, obj)
    result: dict[str, Any] = {}
    for name, tp in sdk_types.fields(cls).items():
        if name == sdk_types.DELETED or sdk_types.absent_unless(cls, name):
            continue
        shape = sdk_types.shape(tp)
        if name in obj:
            result[name] = _value(obj[name], shape)
        elif name not in variants:
            result[name] = empty(shape)
    return result


def _value(value: Any, shape: Shape) -> Any:
    if isinstance(value, list) and shape.item is not None:
        return [_value(v, shape.item) for v in value]
    if not isinstance(value, dict):
        return value
    if shape.list_object is not None:
        return {"object": "list", "data": [_value(v, shape.list_object) for v in value.get("data", [])],
                "has_more": bool(value.get("has_more")), "url": value.get("url") or ""}
    if shape.cls is not None:
        if str in shape.scalars and isinstance(value.get("id"), str):
            return value["id"]  # an expandable field holds the id unless expanded
        return reconcile(value, shape.cls)
    return value


def empty(shape: Shape) -> Any:
    """The value a declared field gets when the fixture lacks it."""
    if shape.nullable:
        return None
    if shape.item is not None:
        return []
    if shape.list_object is not None:
        return {"object": "list", "data": [], "has_more": False, "url": ""}
    if shape.cls is not None:
        return reconcile({}, shape.cls)
    if shape.literals:
        return shape.literals[0]
    for scalar, zero in ((bool, False), (int, 0), (float, 0), (str, "")):
        if scalar in shape.scalars:
            return zero
    return {}


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    stripe_fixtures = json.loads(source.read_text())["resources"]
    _write(PACKAGE / "sdk_params.json", params_data())
    _write(PACKAGE / "stripe_fixtures.json", fixtures_data(stripe_fixtures))
    print(f"wrote {PACKAGE / 'sdk_params.json'} and {PACKAGE / 'stripe_fixtures.json'} from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
