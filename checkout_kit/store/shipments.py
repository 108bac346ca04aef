"""Shipments' SQL: what left, with which carrier and tracking number; one row per tracking
number, so telling the customer about it happens once however often `orders ship` runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Shipment:
    session_id: str
    tracking_number: str
    carrier: str
    positions: list[int]
    shipped_at: float


class ShipmentsTx:
    now: float

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        raise NotImplementedError

    def record_shipment(self, session_id: str, carrier: str, tracking_number: str, positions: list[int]) -> bool:
        """True when this tracking number is new for the order."""
        return self._exec("INSERT INTO shipments (session_id, tracking_number, carrier, positions, shipped_at) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, tracking_number) DO NOTHING",
                          (session_id, tracking_number, carrier, json.dumps(positions), self.now)).rowcount == 1


class ShipmentsStore:
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def shipments(self, session_id: str) -> list[Shipment]:
        return [Shipment(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in self._query(
            "SELECT session_id, tracking_number, carrier, positions, shipped_at FROM shipments WHERE session_id = ? "
            "ORDER BY shipped_at", (session_id,))]
