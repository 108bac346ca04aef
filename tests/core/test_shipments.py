"""Shipments: the merchant's notice lists what to ship and where; `orders ship` marks the lines
shipped and emails the customer once per tracking number, by reference or session id."""

from __future__ import annotations

import time
from typing import Any

import pytest

from checkout_kit.fulfillment import reference
from tests.core.conftest import CUSTOMER, MERCHANT, Shop, paid_order
from tests.support.smtp import html_of, text_of


def shipped_emails(shop: Shop) -> list[Any]:
    return [m for m in shop.smtp.to(CUSTOMER) if "shipped" in m["Subject"].lower()]


def test_ship_emails_the_customer_once_per_tracking_number(after_shop: Shop, cli: Any, capsys: Any) -> None:
    shop = after_shop
    order = paid_order(shop, "price_as_shirt", 2)
    ref = reference(order.session_id)
    [notice] = shop.smtp.wait_for(lambda ms: len(shop.smtp.to(MERCHANT)) == 1) and shop.smtp.to(MERCHANT)
    assert "To ship (2 items):" in text_of(notice) and "[ ] 2 × Kit T-shirt" in text_of(notice)
    assert "1 Main St" in text_of(notice) and f"orders ship {ref}" in text_of(notice)
    assert cli.orders_ship(ref.lower(), "DHL", "JD0123") == 0
    assert f"Order {ref}: marked shipped (Kit T-shirt) with DHL JD0123." in capsys.readouterr().out
    [email] = shop.smtp.wait_for(lambda ms: len(shipped_emails(shop)) == 1) and shipped_emails(shop)
    assert "JD0123" in text_of(email) and "DHL" in html_of(email) and ref in email["Subject"]
    item = shop.store.get_order(order.session_id).items[0]
    assert (item.fulfillment_status, item.fulfillment["tracking_number"]) == ("shipped", "JD0123")
    assert cli.orders_ship(order.session_id, "DHL", "JD0123") == 0  # again: nothing new
    assert "already marked shipped" in capsys.readouterr().out
    time.sleep(0.3)
    assert len(shipped_emails(shop)) == 1
    # A second parcel has its own tracking number and its own email.
    assert cli.orders_ship(ref, "UPS", "1Z999") == 0
    shop.smtp.wait_for(lambda ms: len(shipped_emails(shop)) == 2)
    [view] = shop.summary(order.session_id).json()["fulfillment"]
    assert {"label": "Tracking", "value": "1Z999"} in view["facts"]
    assert [s.tracking_number for s in shop.store.shipments(order.session_id)] == ["JD0123", "1Z999"]


def test_ship_refuses_what_it_cannot_ship(after_shop: Shop, cli: Any, capsys: Any) -> None:
    book = paid_order(after_shop, "price_as_book")
    assert cli.orders_ship(reference(book.session_id), "DHL", "X1") == 2
    assert "nothing to ship" in capsys.readouterr().err
    shirt = paid_order(after_shop, "price_as_shirt")
    assert cli.orders_ship(reference(shirt.session_id), "", "X1") == 2
    assert cli.orders_ship(reference(shirt.session_id), "DHL", "X1", [5]) == 2
    assert "no shipment line at position(s) 5" in capsys.readouterr().err
    assert cli.orders_ship("ZZZZZZZZ", "DHL", "X1") == 2
    assert after_shop.store.shipments(shirt.session_id) == []


def test_the_desk_shows_tickets_and_shipments(after_shop: Shop, cli: Any, capsys: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from checkout_kit import desk_commands

    monkeypatch.setattr(desk_commands, "_services", lambda: after_shop.services)
    order = paid_order(after_shop, "price_as_ticket", 2)
    assert desk_commands.orders_list() == 0
    listing = capsys.readouterr().out
    assert reference(order.session_id) in listing and "2× Workshop Ticket" in listing
    assert desk_commands.orders_show(reference(order.session_id)) == 0
    shown = capsys.readouterr().out
    assert "tickets 2 issued, 0 checked in" in shown and "[ticket: fulfilled]" in shown
    assert "sk_test" not in listing + shown
