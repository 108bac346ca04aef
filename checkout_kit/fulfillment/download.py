"""Downloads: signed, expiring, counted links to a file the buyer never sees the location of.

A link is `/api/download?token=…`, the token signed with the kit's key over the order, the
line, the number of uses allowed and the expiry (7 days and 5 uses unless the product says
`download_days` / `download_limit`). The receipt, the success page and a reload of either
show the same link (its expiry counts from payment); the buyer's order page issues fresh
ones. Each link counts its uses in the store (race-free), and a refunded order's links stop.

The file comes from `downloads/` (shipped with the functions, never published:
`download_file`), from an S3-compatible bucket through a presigned GET (`download_object`),
or from a URL the kit redirects to (`download_url`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from checkout_kit import signing
from checkout_kit.catalog import DEFAULT_DOWNLOAD_DAYS, DEFAULT_DOWNLOAD_LIMIT, DOWNLOAD_SOURCES, Product, find_catalog
from checkout_kit.fulfillment.kinds import Link, Plan, PlanContext, View, ViewContext
from checkout_kit.store.records import PAID, PARTIALLY_REFUNDED, REFUNDED, Order, OrderItem

PURPOSE = "download"
ROUTE = "/api/download"
# Refusals, each with its own page (web.download).
INVALID = "invalid"
EXPIRED = "expired"
USED_UP = "used_up"
REFUNDED_ORDER = "refunded"
GONE = "gone"  # the product no longer names a file the kit can serve


def limits(product: Product | None) -> tuple[int, int]:
    details = product.details if product else {}
    return int(details.get("download_limit", DEFAULT_DOWNLOAD_LIMIT)), int(details.get("download_days",
                                                                                      DEFAULT_DOWNLOAD_DAYS))


def plan(ctx: PlanContext) -> Plan:
    uses, days = limits(ctx.product)
    # No location is recorded: links are made (and checked) from the order when shown.
    return Plan(record={"type": "download", "uses": uses, "days": days})


def token(key: bytes, order: Order, item: OrderItem, uses: int, days: int, fresh: bool = False) -> str:
    """The receipt's link (fixed expiry from payment) or, `fresh`, a new one from now."""
    if fresh:
        return signing.sign(key, PURPOSE, {"s": order.session_id, "i": item.position, "m": uses,
                                           "n": secrets.token_urlsafe(6)}, days * 86400)
    expires = int((order.paid_at or order.created_at or time.time()) + days * 86400)
    return signing.sign(key, PURPOSE, {"s": order.session_id, "i": item.position, "m": uses, "n": "0",
                                       "exp": expires})


def link(services: Any, order: Order, item: OrderItem, product: Product | None, fresh: bool = False) -> str:
    uses, days = limits(product)
    value = token(signing.key_bytes(services.settings), order, item, uses, days, fresh)
    return f"{services.settings.site_url}{ROUTE}?token={quote(value)}"


def view(ctx: ViewContext) -> View:
    result = View(kind="download", title=ctx.item.description, status=ctx.item.fulfillment_status)
    if ctx.refunded:
        result.status = REFUNDED
        result.lines.append("This download ended with the order's refund.")
        return result
    uses, days = limits(ctx.product)
    url = link(ctx.services, ctx.order, ctx.item, ctx.product, ctx.fresh)
    result.links.append(Link("Download", url))
    result.lines.append(f"The link works {uses} time{'s' if uses != 1 else ''}, for {days} day{'s' if days != 1 else ''}"
                        f"{' from now' if ctx.fresh else ' from your purchase'}. Lost it or used it up? "
                        "Your order page sends you a fresh one.")
    return result


class DownloadRefused(Exception):
    def __init__(self, reason: str, order: Order | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.order = order


@dataclass(frozen=True)
class Grant:
    """A use of a link, counted: what to serve."""

    order: Order
    item: OrderItem
    product: Product
    uses: int  # this use's number
    limit: int


def redeem(services: Any, value: str | None) -> Grant:
    """Check a link and count one use of it; DownloadRefused (with the reason) otherwise."""
    try:
        claims = signing.verify(signing.key_bytes(services.settings), PURPOSE, value)
    except signing.TokenError as exc:
        raise DownloadRefused(EXPIRED if exc.reason == "expired" else INVALID) from None
    session_id, position, limit = claims.get("s"), claims.get("i"), claims.get("m")
    if not isinstance(session_id, str) or not isinstance(position, int) or not isinstance(limit, int):
        raise DownloadRefused(INVALID)
    order = services.store.get_order(session_id)
    item = next((i for i in order.items if i.position == position), None) if order else None
    if order is None or item is None or item.fulfillment_type != "download":
        raise DownloadRefused(INVALID)
    if order.status == REFUNDED:
        raise DownloadRefused(REFUNDED_ORDER, order)
    if order.status not in (PAID, PARTIALLY_REFUNDED):
        raise DownloadRefused(INVALID, order)
    product = services.catalog.products.get(item.product_key or "")
    if product is None or not any(product.details.get(k) for k in DOWNLOAD_SOURCES):
        raise DownloadRefused(GONE, order)
    assert value is not None
    used = services.store.use_download(signing.token_id(value), session_id, position, limit)
    if used is None:
        raise DownloadRefused(USED_UP, order)
    return Grant(order, item, product, used, limit)


def downloads_dir(settings: Any) -> Path:
    """`DOWNLOADS_DIR`, else `downloads/` beside the catalog (the project's root, or the bundle's)."""
    if settings.downloads_dir:
        return Path(settings.downloads_dir)
    return find_catalog(settings.catalog_path).resolve().parent / "downloads"


def local_file(settings: Any, name: str) -> Path | None:
    """The file `download_file` names, if it is a file inside the downloads folder."""
    if not isinstance(name, str) or not name:
        return None
    root = downloads_dir(settings).resolve()
    target = (root / name).resolve()
    return target if target.is_relative_to(root) and target.is_file() else None
