"""The buyer's own order page (`/orders.html`): every order of an email, with fresh download
links, tickets with their QR codes, shipment tracking, receipts and refunds.

A buyer types an email (`POST /api/orders`); if the shop has orders for it, a magic link is
emailed (signed with the kit's key, 30 minutes, single use); the answer is the same either way
and requests are rate-limited, so the form tells nobody who bought here. The link opens
`/orders.html?token=…`, whose script redeems it (`GET /api/orders?token=…`) for the list and a
view token good for an hour, so reloading the page does not need another email.
"""

from __future__ import annotations

from typing import Any

from checkout_kit import magic_links, signing
from checkout_kit.fulfillment import kinds, reference
from checkout_kit.store.records import Order

LINK = magic_links.ORDERS
VIEW_PURPOSE = "orders-view"
VIEW_TTL_S = 3600
SHOWN_STATES = ("paid", "partially_refunded", "refunded", "awaiting_payment")


def request_link(services: Any, email: str) -> None:
    """Email a link to the orders of `email`, if it has any; the caller answers the same either way."""
    if not services.store.orders_of_email(email, limit=1):
        return
    magic_links.send_link(services, LINK, email)


def open_with(services: Any, link_token: str | None = None, view_token: str | None = None) -> tuple[str, str]:
    """(email, view token) for a magic link (used up now) or a view token; LinkRefused otherwise."""
    key = signing.key_bytes(services.settings)
    if view_token:
        try:
            claims = signing.verify(key, VIEW_PURPOSE, view_token)
        except signing.TokenError as exc:
            raise magic_links.LinkRefused(exc.reason) from None
        return str(claims["email"]), view_token
    claims = magic_links.redeem(services, LINK, link_token)
    email = str(claims["email"])
    return email, signing.sign(key, VIEW_PURPOSE, {"email": email}, VIEW_TTL_S)


def order_json(services: Any, order: Order) -> dict[str, Any]:
    store = services.store
    return {
        "reference": reference(order.session_id), "status": order.status, "created": int(order.created_at),
        "amount_total": order.amount_total, "amount_refunded": order.amount_refunded, "currency": order.currency,
        "mode": order.mode, "receipt_url": order.receipt_url,
        "items": [{"description": i.description, "quantity": i.quantity, "amount_total": i.amount_total}
                  for i in order.items],
        # Fresh download links: each with its own uses, from now.
        "fulfillment": [view.as_json() for view in kinds.views(services, order, fresh=True)],
        "shipments": [{"carrier": s.carrier, "tracking_number": s.tracking_number, "shipped_at": int(s.shipped_at)}
                      for s in store.shipments(order.session_id)],
        "refunds": [{"amount": r.amount, "status": r.status, "created": int(r.created_at)}
                    for r in store.refunds(order.session_id)],
    }


def orders_of(services: Any, email: str) -> list[dict[str, Any]]:
    return [order_json(services, order) for order in services.store.orders_of_email(email)
            if order.status in SHOWN_STATES]
