"""Tickets: one code per seat, keyed with the kit's signing key (nobody can make one up),
shown as a QR code with the code as text beneath it, with the venue and the start time, and
checked in once at the door (`POST /api/tickets/check-in`, `/checkin.html`).

Codes are `TKT-` and ten base32 characters: an HMAC of the order, the line and the seat, so
the same order always gets the same codes, and a typed code is read forgivingly (case,
spaces, the prefix). They are recorded in the order's transaction; a refund voids the seats
nobody has used.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from checkout_kit import qr, signing
from checkout_kit.fulfillment.kinds import Plan, PlanContext, TicketView, View, ViewContext
from checkout_kit.store.tickets import CheckIn

PREFIX = "TKT-"
PURPOSE = "ticket"
CODE = re.compile(r"TKT-[A-Z2-7]{10}")


def codes(key: bytes, session_id: str, position: int, seats: int) -> list[str]:
    return [PREFIX + signing.code(key, PURPOSE, session_id, position, seat) for seat in range(seats)]


def plan(ctx: PlanContext) -> Plan:
    seats = codes(ctx.signing_key, ctx.order.session_id, ctx.item.position, ctx.item.quantity)
    record: dict[str, Any] = {"type": "ticket", "codes": seats}
    for name in ("venue", "starts_at"):
        if ctx.details.get(name):
            record[name] = ctx.details[name]
    return Plan(record=record, tickets=seats)


def format_start(iso: str) -> str:
    """`2026-05-03T19:00:00+02:00` -> "Sunday 3 May 2026, 19:00 (UTC+02:00)": in the event's own time."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    offset = when.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "local time"
    return f"{when.strftime('%A')} {when.day} {when.strftime('%B %Y, %H:%M')} ({zone})"


def facts(record: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    if record.get("venue"):
        found.append(("Venue", str(record["venue"])))
    if record.get("starts_at"):
        found.append(("Starts", format_start(str(record["starts_at"]))))
    return found


def view(ctx: ViewContext) -> View:
    record = ctx.item.fulfillment
    seats = list(record.get("codes") or [])
    result = View(kind="ticket", title=ctx.item.description, status=ctx.item.fulfillment_status, facts=facts(record))
    stored = {t.code: t for t in ctx.services.store.tickets(ctx.order.session_id)}
    for code in seats:
        symbol = qr.encode(code)
        ticket = stored.get(code)
        result.tickets.append(TicketView(code=code, qr_size=symbol.size, qr_path=symbol.path,
                                         qr_svg=qr.svg(symbol, f"QR code of ticket {code}"),
                                         checked_in_at=ticket.checked_in_at if ticket else None,
                                         void=bool(ticket and ticket.voided_at)))
    if ctx.refunded:
        result.status = "refunded"
        result.lines.append("These tickets were cancelled with the order's refund.")
    else:
        one = len(seats) == 1
        result.lines.append(f"{'Your ticket' if one else f'Your {len(seats)} tickets'}: show "
                            f"{'its QR code' if one else 'one QR code per person'} at the door, or read out "
                            f"the code beneath {'it' if one else 'each'}.")
    return result


def normalize(typed: Any) -> str | None:
    """A ticket code as typed or scanned (any case, spaces, with or without TKT-), or None."""
    if not isinstance(typed, str) or len(typed) > 64:
        return None
    text = re.sub(r"[\s-]", "", typed).upper()
    text = text[3:] if text.startswith("TKT") and len(text) == 13 else text
    code = PREFIX + text
    return code if CODE.fullmatch(code) else None


def check_in(services: Any, typed: Any) -> CheckIn | None:
    """Admit a ticket once (None: not a ticket code at all)."""
    code = normalize(typed)
    return services.store.check_in(code) if code else None
