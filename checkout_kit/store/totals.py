"""An order's money beyond its total: subtotal, discount, shipping and tax
(with what explains them: the code, the shipping rate's name), per-line
discount and tax, and the invoice's links. One row per order in
`order_totals`, written with the order in the same transaction and read with it.
"""

from __future__ import annotations

import json
from typing import Any

from checkout_kit.store.records import LineTotals, OrderTotals

TOTALS_COLUMNS = ("amount_subtotal, amount_discount, amount_shipping, amount_tax, discount_label, shipping_label, "
                  "invoice_id, invoice_url, invoice_pdf, lines")


class TotalsTx:
    """Recording, inside the order's transaction."""

    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any: ...

    def record_totals(self, session_id: str, totals: OrderTotals) -> None:
        """Store the order's totals; the first record wins (they come from the same completed session)."""
        self._exec(
            f"INSERT INTO order_totals (session_id, {TOTALS_COLUMNS}) VALUES ({', '.join('?' * 11)}) "
            "ON CONFLICT (session_id) DO NOTHING",
            (session_id, totals.amount_subtotal, totals.amount_discount, totals.amount_shipping, totals.amount_tax,
             totals.discount_label, totals.shipping_label, totals.invoice_id, totals.invoice_url, totals.invoice_pdf,
             json.dumps([line.__dict__ for line in totals.lines])))


def totals_from_row(row: tuple[Any, ...] | None) -> OrderTotals | None:
    """An order's totals from a row of TOTALS_COLUMNS (None: the order has none recorded)."""
    if row is None:
        return None
    return OrderTotals(amount_subtotal=row[0], amount_discount=row[1], amount_shipping=row[2], amount_tax=row[3],
                       discount_label=row[4], shipping_label=row[5], invoice_id=row[6], invoice_url=row[7],
                       invoice_pdf=row[8], lines=[LineTotals(**line) for line in json.loads(row[9] or "[]")])
