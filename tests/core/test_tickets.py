"""Tickets: codes keyed with the kit's signing key (one per seat, stable, unforgeable), QR codes
that read back as the code, venue and start time in every channel, and check-in at the door:
200 valid once, 409 already used (with when), 410 refunded, 404 unknown, 400 not a code, 401
without the staff token, and one success among concurrent scans of one code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checkout_kit import qr
from checkout_kit.fulfillment import ticket
from tests.core.conftest import Shop, http, paid_order, run_threads
from tests.support.after_sale import ADMIN_TOKEN, CHECKIN_TOKEN
from tests.support.qr_read import read_qr_path, read_qr_svg
from tests.support.smtp import html_of, text_of


def check_in(shop: Shop, code: Any, token: str | None = CHECKIN_TOKEN) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return http("POST", f"{shop.url}/api/tickets/check-in", json.dumps({"code": code}).encode(), headers)


def test_codes_are_keyed_per_seat_and_stable() -> None:
    one = ticket.codes(b"k" * 32, "cs_test_1", 0, 3)
    assert len(set(one)) == 3 and all(ticket.CODE.fullmatch(c) for c in one)
    assert ticket.codes(b"k" * 32, "cs_test_1", 0, 3) == one
    assert set(ticket.codes(b"other key" * 4, "cs_test_1", 0, 3)).isdisjoint(one)  # nobody can make one up
    assert ticket.normalize(one[0].lower().replace("-", " ")) == one[0]
    assert ticket.normalize(one[0][4:]) == one[0]
    assert ticket.normalize("TKT-0000000000") is None and ticket.normalize(None) is None


def test_a_qr_code_reads_back_as_its_code() -> None:
    for code in ticket.codes(b"x" * 32, "cs_test_q", 0, 4):
        symbol = qr.encode(code)
        assert read_qr_path(symbol.size, symbol.path) == code
        assert read_qr_svg(qr.svg(symbol, code)) == code


def test_two_seats_get_two_codes_with_qr_codes_venue_and_start_everywhere(after_shop: Shop) -> None:
    order = paid_order(after_shop, "price_as_ticket", 2)
    codes = order.items[0].fulfillment["codes"]
    assert len(codes) == 2 and [t.code for t in after_shop.store.tickets(order.session_id)] == codes
    after_shop.smtp.wait_for(lambda ms: len(after_shop.receipts()) == 1)
    receipt = after_shop.receipts()[0]
    text, html = text_of(receipt), html_of(receipt)
    assert all(code in text and code in html for code in codes)
    assert "Venue: Room 2, 1 Main St" in text and "Room 2, 1 Main St" in html
    assert "Starts: Monday 3 May 2027, 19:00 (UTC+02:00)" in text
    # The email's QR codes (inline SVG) read back as the codes beneath them.
    assert sorted(read_qr_svg(svg) for svg in html.split("<svg")[1:]) == sorted(codes)
    [view] = after_shop.summary(order.session_id).json()["fulfillment"]
    assert [t["code"] for t in view["tickets"]] == codes
    assert [read_qr_path(t["qr"]["size"], t["qr"]["path"]) for t in view["tickets"]] == codes
    assert {"label": "Venue", "value": "Room 2, 1 Main St"} in view["facts"]


def test_check_in_answers(after_shop: Shop) -> None:
    order = paid_order(after_shop, "price_as_ticket", 2)
    first, second = order.items[0].fulfillment["codes"]
    answer = check_in(after_shop, first.lower())  # typed, in any case
    assert answer.status == 200 and answer.json()["result"] == "valid"
    info = answer.json()["ticket"]
    assert (info["code"], info["seat"], info["seats"], info["event"]) == (first, 1, 2, "Workshop Ticket")
    again = check_in(after_shop, first)
    assert again.status == 409 and again.json()["error"]["code"] == "already_used"
    assert again.json()["checked_in_at"] == answer.json()["checked_in_at"]
    assert check_in(after_shop, second, ADMIN_TOKEN).status == 200  # the owner's token works too
    assert check_in(after_shop, "TKT-AAAAAAAAAA").status == 404
    assert check_in(after_shop, "hello").status == 400
    assert check_in(after_shop, first, None).status == 401
    assert check_in(after_shop, first, "wrong-token-000000").status == 401
    bad = http("POST", f"{after_shop.url}/api/tickets/check-in", b"{", {"Authorization": f"Bearer {CHECKIN_TOKEN}"})
    assert bad.status == 400 and "error" in bad.json()


def test_a_refund_voids_the_unused_seats_only(after_shop: Shop) -> None:
    order = paid_order(after_shop, "price_as_ticket", 2)
    used, unused = order.items[0].fulfillment["codes"]
    assert check_in(after_shop, used).status == 200
    with after_shop.store.transaction() as tx:
        tx.set_refunded(order.session_id, order.amount_total, "refunded")
        tx.void_unused_tickets(order.session_id)
    refused = check_in(after_shop, unused)
    assert refused.status == 410 and refused.json()["error"]["code"] == "refunded"
    assert check_in(after_shop, used).status == 409  # history stays


def test_check_in_needs_a_configured_token(make_shop: Any, tmp_path: Any, hooks_dir: Any) -> None:
    from tests.support.after_sale import write_shop

    extra = write_shop(tmp_path / "p")
    del extra["CHECKIN_TOKEN"], extra["ADMIN_TOKEN"]
    shop = make_shop(**extra)
    answer = check_in(shop, "TKT-AAAAAAAAAA", "anything-at-all-0")
    assert answer.status == 403 and "CHECKIN_TOKEN" in answer.json()["error"]["message"]


def test_eight_concurrent_scans_of_one_code_admit_once(any_after_shop: Shop) -> None:
    order = paid_order(any_after_shop, "price_as_ticket", 1)
    [code] = order.items[0].fulfillment["codes"]
    statuses = run_threads(8, lambda i: check_in(any_after_shop, code).status)
    assert sorted(statuses) == [200] + [409] * 7
    [stored] = any_after_shop.store.tickets(order.session_id)
    assert stored.checked_in_at is not None


@pytest.mark.parametrize("starts", ["2026-05-03T19:00:00+02:00"])
def test_start_times_read_in_the_event_s_own_zone(starts: str) -> None:
    assert ticket.format_start(starts) == "Sunday 3 May 2026, 19:00 (UTC+02:00)"
    assert ticket.format_start("not a date") == "not a date"
