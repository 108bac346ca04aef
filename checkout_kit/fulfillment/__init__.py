"""After the sale: one order flow (`orders.fulfill_checkout`) and a registry of fulfillment
kinds (`kinds`: download, ticket, shipment, subscription, course, service, the owner's
callable and the outgoing webhook), one module each.

`fulfill_checkout(services, session_id, event=None, gateway=None)` and `reference(session_id)`
are imported from here by the rest of the kit.
"""

from __future__ import annotations

from checkout_kit.fulfillment.orders import (
    FULFILLED, NO_ORDER, NOT_KIT, UPDATED, Result, build_order, customer_email, fulfill_checkout,
    order_state,
)
from checkout_kit.store.records import order_reference as reference

__all__ = ["FULFILLED", "NO_ORDER", "NOT_KIT", "UPDATED", "Result", "build_order", "customer_email",
           "fulfill_checkout", "order_state", "reference"]
