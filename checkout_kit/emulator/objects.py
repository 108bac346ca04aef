"""Building Stripe-shaped objects and reading request parameters.

Every object starts as a deep copy of Stripe's own example for its type
(`stripe_fixtures.json`: Stripe's MIT fixtures, see STRIPE_FIXTURES_LICENSE,
reconciled to the pinned SDK by `emulator.refresh`), so it carries exactly the
fields the SDK declares; our values go over it. Fixture values that would
mislead (placeholder amounts, sample URLs) are overwritten by neutral defaults
for each type before the caller's values. Nested hashes the emulator fills in
itself start from a template of the same file (`nested`).
"""

from __future__ import annotations

import copy
import json
import secrets
import string
from functools import lru_cache
from importlib import resources
from typing import Any

from checkout_kit.emulator import clock
from checkout_kit.emulator.errors import invalid

_ALPHABET = string.ascii_letters + string.digits


@lru_cache(maxsize=1)
def fixtures() -> dict[str, dict[str, Any]]:
    text = resources.files("checkout_kit.emulator").joinpath("stripe_fixtures.json").read_text()
    return json.loads(text)


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def now() -> int:
    """The emulator's time (see `clock`): real time unless a test moved the clock on."""
    return int(clock.now())


# Values that replace fixture placeholders which would otherwise look real.
_NEUTRAL: dict[str, dict[str, Any]] = {
    "product": {
        "default_price": None, "description": None, "images": [], "marketing_features": [],
        "package_dimensions": None, "shippable": None, "url": None, "metadata": {},
    },
    "price": {
        "custom_unit_amount": None, "recurring": None, "transform_quantity": None,
        "tiers_mode": None, "lookup_key": None, "nickname": None, "metadata": {},
    },
    "customer": {
        "address": None, "discount": None, "shipping": None, "currency": None,
        "email": None, "name": None, "metadata": {}, "invoice_settings": {
            "custom_fields": None, "default_payment_method": None, "footer": None,
            "rendering_options": None,
        },
    },
    "checkout.session": {
        "after_expiration": None, "custom_text": {
            "after_submit": None, "shipping_address": None, "submit": None,
            "terms_of_service_acceptance": None,
        },
        "consent": None, "consent_collection": None, "custom_fields": [],
        "invoice_creation": None, "payment_method_configuration_details": None,
        "shipping_cost": None, "shipping_address_collection": None, "shipping_options": [],
        "currency_conversion": None, "collected_information": None, "discounts": [],
        "adaptive_pricing": {"enabled": False}, "customer_details": None,
        "saved_payment_method_options": None, "payment_intent": None,
        "managed_payments": {"enabled": False}, "wallet_options": None,
        "permissions": None, "metadata": {},
    },
    "item": {"adjustable_quantity": None, "metadata": {}},
    "payment_intent": {
        "amount_details": {"tip": {}}, "canceled_at": None, "last_payment_error": None,
        "next_action": None, "payment_method_configuration_details": None,
        "processing": None, "shipping": None, "transfer_data": None, "client_secret": None,
        "managed_payments": {"enabled": False}, "metadata": {},
    },
    "charge": {
        "balance_transaction": None, "billing_details": {
            "address": None, "email": None, "name": None, "phone": None, "tax_id": None,
        },
        "outcome": None, "payment_method_details": None, "receipt_url": None,
        "refunds": {"object": "list", "data": [], "has_more": False, "url": None},
        "shipping": None, "source": None, "transfer_data": None, "metadata": {},
    },
    "subscription": {
        "billing_cycle_anchor_config": None, "cancel_at": None, "canceled_at": None,
        "ended_at": None, "discounts": [], "billing_thresholds": None, "pause_collection": None,
        "pending_update": None, "pending_invoice_item_interval": None, "trial_end": None,
        "trial_start": None, "trial_settings": None, "transfer_data": None, "schedule": None,
        "next_pending_invoice_item_invoice": None, "pending_setup_intent": None,
        "managed_payments": {"enabled": False}, "metadata": {},
    },
    "subscription_item": {"billing_thresholds": None, "metadata": {}},
    "invoice": {
        "from_invoice": None, "last_finalization_error": None, "latest_revision": None,
        "shipping_cost": None, "shipping_details": None, "customer_shipping": None,
        "customer_address": None, "due_date": None, "automatically_finalizes_at": None,
        "rendering": None, "parent": None, "total_discount_amounts": [],
        "total_pretax_credit_amounts": [], "total_taxes": [], "metadata": {},
    },
    "line_item": {"parent": None, "pretax_credit_amounts": [], "taxes": [], "metadata": {}},
    "event": {},
    "refund": {"destination_details": None, "metadata": {}},
    "dispute": {"metadata": {}, "balance_transactions": [], "enhanced_eligibility_types": []},
    "webhook_endpoint": {"metadata": {}},
    "billing_portal.session": {"flow": None},
}


def build(kind: str, **values: Any) -> dict[str, Any]:
    """A new object of Stripe type `kind`: fixture, then neutral defaults, then `values`."""
    obj = copy.deepcopy(fixtures()[kind])
    obj.update(copy.deepcopy(_NEUTRAL.get(kind, {})))
    if "livemode" in obj:
        obj["livemode"] = False
    if "created" in obj:
        obj["created"] = now()
    obj.update(values)
    return obj


def nested(kind: str, path: str, **values: Any) -> dict[str, Any]:
    """A hash at `path` of a `kind` object: every field the SDK declares (empty), then `values`.

    Templates exist for the paths listed in `refresh.TEMPLATES`.
    """
    obj = copy.deepcopy(fixtures()[f"{kind}:{path}"])
    unknown = set(values) - set(obj)
    if unknown:
        raise KeyError(f"{kind}.{path} has no field {sorted(unknown)}")  # a typo here would break the shape
    obj.update(values)
    return obj


def as_list(data: list[dict[str, Any]], url: str, has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


# ---- reading parameters -------------------------------------------------


def to_int(value: Any, param: str, minimum: int | None = None, maximum: int | None = None) -> int:
    try:
        number = int(str(value), 10)
    except (TypeError, ValueError):
        raise invalid(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer") from None
    if minimum is not None and number < minimum:
        raise invalid(f"This value must be greater than or equal to {minimum}.", param=param)
    if maximum is not None and number > maximum:
        raise invalid(f"This value must be less than or equal to {maximum}.", param=param)
    return number


def to_bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "True", "1"):
        return True
    if value in ("false", "False", "0"):
        return False
    raise invalid(f"Invalid boolean: {value}", param=param)


def to_str(value: Any, param: str, max_length: int = 5000) -> str:
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {param} must be a string", param=param)
    if len(value) > max_length:
        raise invalid(f"{param} must be at most {max_length} characters", param=param)
    return value


def to_list(value: Any, param: str) -> list[Any]:
    if value == "":
        return []
    if not isinstance(value, list):
        raise invalid(f"Invalid array: {param}", param=param)
    return value


def to_dict(value: Any, param: str) -> dict[str, Any]:
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {param}", param=param)
    return value


def merge_metadata(current: dict[str, str], update: Any, param: str = "metadata") -> dict[str, str]:
    """Apply a metadata update as Stripe does: '' unsets a key, '' as a whole clears all."""
    if update == "":
        return {}
    changes = to_dict(update, param)
    result = dict(current)
    for key, value in changes.items():
        if not isinstance(value, str):
            raise invalid(f"Invalid value for metadata key {key}", param=f"{param}[{key}]")
        if len(key) > 40:
            raise invalid("Metadata keys can be at most 40 characters", param=f"{param}[{key}]")
        if len(value) > 500:
            raise invalid("Metadata values can be at most 500 characters", param=f"{param}[{key}]")
        if value == "":
            result.pop(key, None)
        else:
            result[key] = value
    if len(result) > 50:
        raise invalid("Metadata can have at most 50 keys", param=param)
    return result
