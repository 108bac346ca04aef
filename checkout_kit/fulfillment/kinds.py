"""Fulfillment kinds: what happens after payment for each kind of product, as a registry.

A kind is a module with two functions:

- `plan(ctx: PlanContext) -> Plan`: what to record for one paid order line, inside the
  order's transaction. Pure and deterministic (the same order gives the same plan, so a
  retried or concurrent fulfillment records the same thing): the item's stored details,
  ticket codes to issue, and jobs for effects after commit.
- `view(ctx: ViewContext) -> View`: what the buyer is shown for that line, the same in the
  receipt (HTML and text), on the success page and on the order page. Each kind says it
  once, here; the templates and pages render any `View` the same way.

Effects after commit (the owner's callable, the outgoing webhook) are jobs of the outbox,
performed at least once with the job's key as their idempotency key.

Built-in kinds are the modules named in `catalog.BUILTIN_FULFILLMENTS`; `fulfillment =
"webhook"` posts a signed event to the owner's system; `fulfillment = "pkg.module:function"`
calls the owner's function; any other name is shown like a service (its details as given).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

from checkout_kit.catalog import BUILTIN_FULFILLMENTS, CALLABLE, WEBHOOK_FULFILLMENT, Product
from checkout_kit.store.records import Order, OrderItem

FULFILLED = "fulfilled"
TO_SHIP = "to_ship"
SHIPPED = "shipped"
PENDING = "pending"  # an effect after commit (a hook) has not completed yet


@dataclass(frozen=True)
class JobSpec:
    """An effect after commit: queued under `key` (once), performed by the outbox's `kind` performer."""

    key: str
    kind: str
    payload: dict[str, Any]


@dataclass
class Plan:
    status: str = FULFILLED  # the item's fulfillment status
    record: dict[str, Any] = field(default_factory=dict)  # the item's stored details (JSON)
    tickets: list[str] = field(default_factory=list)  # seat codes to issue
    jobs: list[JobSpec] = field(default_factory=list)


@dataclass(frozen=True)
class PlanContext:
    order: Order
    item: OrderItem
    product: Product | None
    signing_key: bytes

    @property
    def details(self) -> dict[str, Any]:
        return dict(self.product.details) if self.product else {}

    @property
    def line_key(self) -> str:
        """This line's idempotency key: the same on every attempt of any effect for it."""
        return f"{self.order.session_id}:{self.item.position}"


@dataclass
class Link:
    label: str
    url: str


@dataclass
class TicketView:
    code: str
    qr_size: int
    qr_path: str  # SVG path data in module units (see `qr.Qr`)
    qr_svg: str  # the same as standalone SVG markup, for emails
    checked_in_at: float | None = None
    void: bool = False


@dataclass
class View:
    """What a buyer sees of one order line, in every channel."""

    kind: str
    title: str
    status: str
    lines: list[str] = field(default_factory=list)  # sentences, in order
    links: list[Link] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value): venue, start, tracking…
    tickets: list[TicketView] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "status": self.status, "lines": self.lines,
                "links": [{"label": link.label, "url": link.url} for link in self.links],
                "facts": [{"label": label, "value": value} for label, value in self.facts],
                "tickets": [{"code": t.code, "qr": {"size": t.qr_size, "path": t.qr_path},
                             "checked_in_at": t.checked_in_at, "void": t.void} for t in self.tickets]}


@dataclass(frozen=True)
class ViewContext:
    services: Any
    order: Order
    item: OrderItem
    product: Product | None
    fresh: bool = False  # the buyer's order page: new download links, each with its own uses

    @property
    def refunded(self) -> bool:
        return self.order.status == "refunded"


def module_name(fulfillment: str) -> str:
    if fulfillment in BUILTIN_FULFILLMENTS:
        return f"checkout_kit.fulfillment.{fulfillment}"
    if fulfillment == WEBHOOK_FULFILLMENT:
        return "checkout_kit.fulfillment.outgoing_webhook"
    if CALLABLE.fullmatch(fulfillment):
        return "checkout_kit.fulfillment.owner_hook"
    return "checkout_kit.fulfillment.service"  # a name of the shop's own: its details as given


@lru_cache(maxsize=None)
def kind(fulfillment: str) -> ModuleType:
    return importlib.import_module(module_name(fulfillment))


def plan(ctx: PlanContext) -> Plan:
    found = kind(ctx.item.fulfillment_type).plan(ctx)
    found.record.setdefault("type", ctx.item.fulfillment_type)
    return found


def view(ctx: ViewContext) -> View:
    return kind(ctx.item.fulfillment_type).view(ctx)


def product_of(services: Any, item: OrderItem) -> Product | None:
    return services.catalog.products.get(item.product_key) if item.product_key else None


def views(services: Any, order: Order, fresh: bool = False) -> list[View]:
    """What the buyer gets, line by line, for an order that was paid (nothing before)."""
    if not any(item.fulfillment for item in order.items):
        return []
    return [view(ViewContext(services, order, item, product_of(services, item), fresh))
            for item in order.items if item.fulfillment]


def humanize(name: str) -> str:
    """`booking_url` -> "Booking", `meeting_room` -> "Meeting room"."""
    words = re.sub(r"_(url|link)$", "", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def access_view(ctx: ViewContext, line: str, label: str) -> View:
    """A view of one sentence and, when the line recorded one, a button to its `access_url`."""
    result = View(kind=ctx.item.fulfillment_type, title=ctx.item.description, status=ctx.item.fulfillment_status,
                  lines=[line])
    if ctx.item.fulfillment.get("access_url"):
        result.links.append(Link(label, ctx.item.fulfillment["access_url"]))
    return result


def detail_view(ctx: ViewContext, shown: dict[str, Any], lines: list[str] | None = None) -> View:
    """A view of details given as text and URLs (services, the shop's own kinds, hooks' answers)."""
    result = View(kind=ctx.item.fulfillment_type, title=ctx.item.description, status=ctx.item.fulfillment_status,
                  lines=list(lines or []))
    for name, value in shown.items():
        if name == "type" or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            continue
        text = str(value)
        if re.fullmatch(r"https?://\S+", text):
            result.links.append(Link(humanize(name), text))
        else:
            result.facts.append((humanize(name), text))
    return result
