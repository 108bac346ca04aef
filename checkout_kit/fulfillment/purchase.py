"""What the owner's own fulfillment sees of a sale: the purchased line and its order,
read-only, in a documented shape (the callable's arguments, the outgoing webhook's `data`).

Both are snapshots taken in the order's transaction and carried by the job, so every
attempt, however late, sees the purchase as it was paid. When the owner's side answers,
its details are recorded on the line (`record_done`) and shown to the buyer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any, Mapping

from checkout_kit.fulfillment.kinds import FULFILLED, PlanContext
from checkout_kit.store.records import order_reference


@dataclass(frozen=True)
class PurchasedItem:
    """One paid order line."""

    position: int  # the line's place in the order (0, 1, …)
    product_key: str | None  # the catalog's key ([products.<key>])
    description: str
    quantity: int
    amount_total: int  # in the currency's smallest unit (cents)
    currency: str
    price_id: str
    details: Mapping[str, Any]  # the product's details from catalog.toml
    idempotency_key: str  # the same on every attempt for this line: use it to do things once


@dataclass(frozen=True)
class PurchaseOrder:
    """The order the line belongs to."""

    session_id: str  # the Checkout Session (cs_…)
    reference: str  # the 8 characters the buyer sees
    customer_email: str | None
    customer_name: str | None
    amount_total: int
    currency: str
    livemode: bool
    client_reference_id: str | None
    shipping: Mapping[str, Any] | None


def snapshot(ctx: PlanContext) -> dict[str, Any]:
    """The purchase as JSON, for a job's payload and the outgoing webhook's `data`."""
    item, order = ctx.item, ctx.order
    return {
        "item": {"position": item.position, "product_key": item.product_key, "description": item.description,
                 "quantity": item.quantity, "amount_total": item.amount_total, "currency": item.currency,
                 "price_id": item.price_id, "details": ctx.details, "idempotency_key": f"kit:{ctx.line_key}"},
        "order": {"session_id": order.session_id, "reference": order_reference(order.session_id),
                  "customer_email": order.customer_email, "customer_name": order.customer_name,
                  "amount_total": order.amount_total, "currency": order.currency, "livemode": order.livemode,
                  "client_reference_id": order.client_reference_id, "shipping": order.shipping},
    }


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def from_snapshot(data: dict[str, Any]) -> tuple[PurchasedItem, PurchaseOrder]:
    item = dict(data["item"])
    order = dict(data["order"])
    return (PurchasedItem(**{**item, "details": _frozen(item.get("details") or {})}),
            PurchaseOrder(**{**order, "shipping": _frozen(order["shipping"]) if order.get("shipping") else None}))


def as_json(value: PurchasedItem | PurchaseOrder) -> dict[str, Any]:
    return asdict(value)


def shown_details(answer: Any) -> dict[str, str]:
    """What an owner's answer adds to the line: text values only, at most 20, each at most 500 characters."""
    if not isinstance(answer, Mapping):
        return {}
    shown = {}
    for key, value in list(answer.items())[:20]:
        if isinstance(key, str) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            shown[key[:60]] = str(value)[:500]
    return shown


def record_done(services: Any, session_id: str, position: int, kind: str, details: dict[str, str]) -> None:
    """The owner's side did its part: the line is fulfilled, with what it answered to show."""
    with services.store.transaction() as tx:
        tx.set_item_fulfillment(session_id, position, FULFILLED, {"type": kind, **details})
