"""Events: every change the emulator makes is recorded as one (see State.emit)."""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.objects import to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, created_range, honours
from checkout_kit.emulator.state import paginate

@honours("type", "types", "created", "limit", "starting_after", "ending_before")
def list_events(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = ctx.state.newest_first("event")
    if "type" in p:
        pattern = to_str(p["type"], "type")
        if pattern.endswith("*"):
            items = [e for e in items if e["type"].startswith(pattern[:-1])]
        else:
            items = [e for e in items if e["type"] == pattern]
    if "types" in p:
        wanted = set(to_list(p["types"], "types"))
        items = [e for e in items if e["type"] in wanted]
    return paginate(created_range(items, p), p, "/v1/events")
