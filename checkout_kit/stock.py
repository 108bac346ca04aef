"""Stock limits (`stock = 100` on a product): a checkout holds what it sells until it is paid,
expires or fails, so a ticketed event is never oversold.

`create-checkout-session` takes the cart's quantities from the stock (`hold`) before asking
Stripe for the session, with the session's own expiry (`expires_at`, CHECKOUT_EXPIRES_MINUTES,
30 by default); a cart that does not fit gets a clear 409 "sold out". The hold's id travels in
the session's metadata (`kit_hold`): paying turns it into a sale, `checkout.session.expired`
and a failed bank payment give it back, and a hold whose checkout expired without any event
(a lost webhook) is given back by the next buyer after a grace period. The counting is
race-free on both databases (`store/stock.py`).
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from checkout_kit.catalog import Catalog
from checkout_kit.store.stock import SoldOut

log = logging.getLogger("checkout_kit.stock")

HOLD_KEY = "kit_hold"
# A hold outlives its checkout by this long before the next buyer gives it back unasked:
# a payment made in the checkout's last second still reaches the shop as a sale.
GRACE_S = 15 * 60


def wanted(lines: Any, catalog: Catalog) -> dict[str, tuple[int, int]]:
    """Product key -> (quantity in the cart, stock) for the cart's products that have a stock. Pure."""
    found: dict[str, tuple[int, int]] = {}
    for line in lines:
        product = catalog.products[line.price.product_key]
        if product.stock is not None:
            quantity = found.get(product.key, (0, product.stock))[0] + line.quantity
            found[product.key] = (quantity, product.stock)
    return found


def hold(services: Any, lines: Any, expires_at: float) -> str | None:
    """Take the cart's stocked quantities until `expires_at`: the hold's id, None when nothing in
    the cart has a stock. Raises SoldOut (naming the products) when any does not fit."""
    want = wanted(lines, services.catalog)
    if not want:
        return None
    store = services.store
    for stale in store.expired_holds(time.time() - GRACE_S):
        with store.transaction() as tx:
            if tx.release_hold(stale):
                log.info("stock hold %s given back: its checkout expired without an event", stale)
    hold_id = "hold_" + secrets.token_hex(12)
    with store.transaction() as tx:
        tx.hold_stock(hold_id, want, expires_at)
    return hold_id


def give_back(services: Any, hold_id: str) -> None:
    """The checkout could not be created: what it held is for sale again at once."""
    with services.store.transaction() as tx:
        tx.release_hold(hold_id)


def hold_of(session: dict[str, Any]) -> str | None:
    value = (session.get("metadata") or {}).get(HOLD_KEY)
    return value if isinstance(value, str) and value.startswith("hold_") else None


def sell(tx: Any, hold_id: str) -> None:
    if tx.sell_hold(hold_id):
        log.warning("stock hold %s was paid after it had been given back: counted as sold again", hold_id)


def release(tx: Any, hold_id: str) -> None:
    released = tx.release_hold(hold_id)
    if released:
        log.info("stock hold %s released (%d)", hold_id, released)


def left(services: Any) -> dict[str, dict[str, int]]:
    """Product key -> {"stock", "left"} for each product with a stock (GET /api/stock)."""
    stocked = {key: p.stock for key, p in services.catalog.products.items() if p.stock is not None}
    if not stocked:
        return {}
    taken = services.store.stock_taken()
    return {key: {"stock": total, "left": max(0, total - taken.get(key, 0))} for key, total in stocked.items()}


__all__ = ["GRACE_S", "HOLD_KEY", "SoldOut", "give_back", "hold", "hold_of", "left", "release", "sell", "wanted"]
