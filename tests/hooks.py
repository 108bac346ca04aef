"""Owner hooks the tests' catalogs name (`fulfillment = "tests.hooks:record"`), written as a site
owner would write theirs: each does its work once per `item.idempotency_key`.

They log to `$KIT_TEST_HOOKS_DIR/calls.jsonl` (one JSON line per call: which hook, which key,
"started" or "done"), so a test can count calls across processes.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from checkout_kit.fulfillment.purchase import PurchasedItem, PurchaseOrder


def _dir() -> Path:
    return Path(os.environ["KIT_TEST_HOOKS_DIR"])


def _log(hook: str, item: PurchasedItem, order: PurchaseOrder, what: str) -> None:
    line = {"hook": hook, "key": item.idempotency_key, "what": what, "order": order.reference,
            "email": order.customer_email, "quantity": item.quantity, "pid": os.getpid()}
    with (_dir() / "calls.jsonl").open("a") as file:
        file.write(json.dumps(line) + "\n")


def calls(directory: Path, hook: str | None = None, what: str | None = None) -> list[dict[str, Any]]:
    file = directory / "calls.jsonl"
    found = [json.loads(line) for line in file.read_text().splitlines()] if file.exists() else []
    return [c for c in found if (hook is None or c["hook"] == hook) and (what is None or c["what"] == what)]


def record(item: PurchasedItem, order: PurchaseOrder) -> dict[str, str]:
    """Grants access and says how to use it."""
    _log("record", item, order, "done")
    return {"Access code": f"ROOM-{order.reference}", "community_url": "https://community.example/join"}


def flaky(item: PurchasedItem, order: PurchaseOrder) -> dict[str, str]:
    """Fails while `$KIT_TEST_HOOKS_DIR/failures` holds a number above 0 (counting it down)."""
    counter = _dir() / "failures"
    left = int(counter.read_text()) if counter.exists() else 0
    if left > 0:
        counter.write_text(str(left - 1))
        _log("flaky", item, order, "failed")
        raise RuntimeError("the community platform is down")
    _log("flaky", item, order, "done")
    return {"Status": "enrolled"}


def slow(item: PurchasedItem, order: PurchaseOrder) -> dict[str, str]:
    """Takes `$KIT_TEST_HOOK_SLEEP` seconds between starting and finishing (a process can die meanwhile)."""
    _log("slow", item, order, "started")
    time.sleep(float(os.environ.get("KIT_TEST_HOOK_SLEEP", "0")))
    _log("slow", item, order, "done")
    return {"Status": "granted"}
