"""Stock's SQL: a counter per product of what is taken (held by an open checkout, or sold),
and the holds that make it up.

Taking is one conditional UPDATE (`… SET taken = taken + q WHERE taken + q <= stock`), so
concurrent buyers on either database can never take more than the stock: each UPDATE
re-checks the condition on the row as the previous one left it. A hold moves once from
`held` to `sold` or `released` (conditional UPDATEs again), and only the move that
happened changes the counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HELD = "held"
SOLD = "sold"
RELEASED = "released"


class SoldOut(Exception):
    """Not enough left of these products (raised inside the transaction, which rolls back)."""

    def __init__(self, product_keys: list[str]) -> None:
        super().__init__(", ".join(product_keys))
        self.product_keys = product_keys


@dataclass(frozen=True)
class Hold:
    hold_id: str
    product_key: str
    quantity: int
    status: str
    expires_at: float


class StockTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def hold_stock(self, hold_id: str, wanted: dict[str, tuple[int, int]], expires_at: float) -> None:
        """Take `quantity` of each product (key -> (quantity, stock)) for one checkout; SoldOut if any
        lacks it. Products in key order, so two carts never wait on each other's rows crosswise."""
        short = []
        for key in sorted(wanted):
            quantity, stock = wanted[key]
            self._exec("INSERT INTO stock_counts (product_key, taken) VALUES (?, 0) ON CONFLICT (product_key) "
                       "DO NOTHING", (key,))
            took = self._exec("UPDATE stock_counts SET taken = taken + ? WHERE product_key = ? AND taken + ? <= ?",
                              (quantity, key, quantity, stock)).rowcount
            if took != 1:
                short.append(key)
                continue
            self._exec("INSERT INTO stock_holds (hold_id, product_key, quantity, status, expires_at, created_at, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (hold_id, key, quantity, HELD, expires_at, self.now, self.now))
        if short:
            raise SoldOut(short)

    def sell_hold(self, hold_id: str) -> int:
        """The checkout was paid: its holds become sales. A hold released meanwhile (its checkout
        looked abandoned) is taken again, even past the stock: the buyer has paid. Returns how many
        lines were released before."""
        retaken = 0
        for hold in self._holds(hold_id):
            moved = self._exec("UPDATE stock_holds SET status = ?, updated_at = ? WHERE hold_id = ? AND "
                               "product_key = ? AND status = ?", (SOLD, self.now, hold_id, hold.product_key, HELD))
            if moved.rowcount == 1:
                continue
            back = self._exec("UPDATE stock_holds SET status = ?, updated_at = ? WHERE hold_id = ? AND "
                              "product_key = ? AND status = ?",
                              (SOLD, self.now, hold_id, hold.product_key, RELEASED))
            if back.rowcount == 1:
                self._exec("UPDATE stock_counts SET taken = taken + ? WHERE product_key = ?",
                           (hold.quantity, hold.product_key))
                retaken += 1
        return retaken

    def release_hold(self, hold_id: str) -> int:
        """The checkout expired or its payment failed: what it held is for sale again (once)."""
        released = 0
        for hold in self._holds(hold_id):
            moved = self._exec("UPDATE stock_holds SET status = ?, updated_at = ? WHERE hold_id = ? AND "
                               "product_key = ? AND status = ?",
                               (RELEASED, self.now, hold_id, hold.product_key, HELD))
            if moved.rowcount == 1:
                self._exec("UPDATE stock_counts SET taken = taken - ? WHERE product_key = ?",
                           (hold.quantity, hold.product_key))
                released += hold.quantity
        return released

    def _holds(self, hold_id: str) -> list[Hold]:
        rows = self._exec("SELECT hold_id, product_key, quantity, status, expires_at FROM stock_holds "
                          "WHERE hold_id = ? ORDER BY product_key", (hold_id,)).fetchall()
        return [Hold(*r) for r in rows]


class StockStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def stock_taken(self) -> dict[str, int]:
        """Product key -> how many are held or sold."""
        return {key: taken for key, taken in self._query("SELECT product_key, taken FROM stock_counts")}

    def expired_holds(self, before: float, limit: int = 50) -> list[str]:
        """Holds still held whose checkout expired before `before` (no event came to release them)."""
        return [r[0] for r in self._query("SELECT DISTINCT hold_id FROM stock_holds WHERE status = ? AND "
                                          "expires_at < ? LIMIT ?", (HELD, before, limit))]

