"""The emulator's account: every object, event and delivery, behind one lock.

State lives in memory. Everything that changes it runs while holding `lock`,
so a request, a hosted-page payment and the expiry sweeper never interleave.
Collections are keyed by Stripe object type, so new resources (refunds,
portal sessions…) slot in without new plumbing.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any, Callable, Iterable

from checkout_kit.emulator import objects
from checkout_kit.emulator.clock import Clock
from checkout_kit.emulator.errors import StripeError, missing, invalid
from checkout_kit.stripe_version import API_VERSION

# Id prefix -> Stripe object type, used for retrieval and `expand[]`.
PREFIXES = {
    "prod_": "product",
    "price_": "price",
    "cus_": "customer",
    "cs_": "checkout.session",
    "pi_": "payment_intent",
    "ch_": "charge",
    "py_": "charge",
    "pm_": "payment_method",
    "sub_": "subscription",
    "si_": "subscription_item",
    "in_": "invoice",
    "evt_": "event",
    "re_": "refund",
    "dp_": "dispute",
    "we_": "webhook_endpoint",
    "bps_": "billing_portal.session",
    "bpc_": "billing_portal.configuration",
    "promo_": "promotion_code",
    "shr_": "shipping_rate",
    "txr_": "tax_rate",
}

EventListener = Callable[[dict[str, Any]], None]


def kind_of(obj_id: str) -> str | None:
    for prefix, kind in PREFIXES.items():
        if obj_id.startswith(prefix):
            return kind
    return None


class State:
    """One Stripe account's objects. `account` is None for the platform (the key's own account) and
    `acct_…` for a connected account reached with the Stripe-Account header; its events say so."""

    def __init__(self, account: str | None = None, lock: Any = None, clock: Clock | None = None) -> None:
        self.account = account
        self.lock = lock or threading.RLock()
        self.listeners: list[EventListener] = []
        # Where the emulator is reachable (hosted invoice pages, PDFs) and the account's business name.
        self.public_url = ""
        self.account_name = "Emulator test account"
        # Told when a webhook endpoint is created through the API (the deliverer subscribes).
        self.endpoint_listeners: list[Callable[[dict[str, Any]], None]] = []
        # The emulator's time: one for the platform and every connected account (see `clock`).
        self.clock = clock or Clock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
            self.order: dict[str, list[str]] = defaultdict(list)
            self.session_items: dict[str, list[dict[str, Any]]] = {}
            # Every line of an invoice (the invoice embeds the first page only).
            self.invoice_lines: dict[str, list[dict[str, Any]]] = {}
            # Fields Stripe shows only with expand[] (price currency_options…), by object id.
            self.includes: dict[str, dict[str, Any]] = {}
            # What a test card does after the payment (a dispute, a failing refund), by charge id.
            self.card_effects: dict[str, dict[str, str]] = {}
            # Create-time options that shape what paying creates (payment_intent_data…).
            self.session_extras: dict[str, dict[str, Any]] = {}
            self.idempotency: dict[str, tuple[str, str, int, bytes]] = {}
            # Hosted-page bookkeeping: 3-D Secure challenges and pending bank debits.
            self.challenges: dict[str, dict[str, Any]] = {}
            self.pending_settlements: dict[str, dict[str, Any]] = {}
            # Refunds of the "refund fails" card, failing later: refund id -> {"reason", "due"}.
            self.pending_refund_failures: dict[str, dict[str, Any]] = {}
            # Billing (see `billing`): the card number behind each payment method (what charging it
            # later does), prorations waiting for a subscription's next invoice, each open invoice's
            # retry schedule, and the trials already warned about.
            self.card_numbers: dict[str, str] = {}
            self.pending_lines: dict[str, list[dict[str, Any]]] = {}
            self.dunning: dict[str, dict[str, Any]] = {}
            self.trial_warned: set[str] = set()
            self.invoice_intents: dict[str, str] = {}
            self.billing_settings: dict[str, str] = {"after_retries": "cancel"}
            # Customer portal: the secret in a session's URL -> the session id.
            self.portal_links: dict[str, str] = {}

    # ---- objects ---------------------------------------------------------

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        kind = obj["object"]
        if obj["id"] in self.objects[kind]:
            raise StripeError(
                f"A {kind} with id '{obj['id']}' already exists.",
                code="resource_already_exists", param="id",
            )
        self.objects[kind][obj["id"]] = obj
        self.order[kind].append(obj["id"])
        return obj

    def get(self, kind: str, obj_id: Any, param: str | None = None, status: int = 404) -> dict[str, Any]:
        found = self.objects[kind].get(obj_id) if isinstance(obj_id, str) else None
        if found is None:
            err = missing(kind, str(obj_id), param)  # Stripe names the type as `object` does
            err.status = status
            raise err
        return found

    def find(self, obj_id: str) -> dict[str, Any] | None:
        kind = kind_of(obj_id)
        return self.objects[kind].get(obj_id) if kind else None

    def newest_first(self, kind: str) -> list[dict[str, Any]]:
        table = self.objects[kind]
        return [table[i] for i in reversed(self.order[kind])]

    # ---- events ----------------------------------------------------------

    def emit(self, event_type: str, obj: dict[str, Any], request_id: str | None = None,
             idempotency_key: str | None = None, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        """Record an event holding a snapshot of `obj` and hand it to the listeners."""
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous:
            data["previous_attributes"] = previous
        event = objects.build(
            "event",
            id=objects.new_id("evt_test_"),
            type=event_type,
            api_version=API_VERSION,
            data=data,
            pending_webhooks=0,
            request={"id": request_id, "idempotency_key": idempotency_key},
            account=self.account,
        )
        self.add(event)
        for listener in self.listeners:
            listener(event)
        return event


def paginate(items: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
    """Stripe's cursor pagination over a newest-first list."""
    limit = objects.to_int(params.get("limit", 10), "limit", 1, 100)
    ids = [item["id"] for item in items]
    if params.get("starting_after"):
        cursor = params["starting_after"]
        if cursor not in ids:
            raise invalid(f"No such object: '{cursor}'", param="starting_after", code="resource_missing")
        items = items[ids.index(cursor) + 1:]
    elif params.get("ending_before"):
        cursor = params["ending_before"]
        if cursor not in ids:
            raise invalid(f"No such object: '{cursor}'", param="ending_before", code="resource_missing")
        before = items[: ids.index(cursor)]
        page = before[-limit:]
        return objects.as_list(page, url, has_more=len(before) > len(page))
    return objects.as_list(items[:limit], url, has_more=len(items) > limit)


def filter_eq(items: Iterable[dict[str, Any]], params: dict[str, Any], fields: dict[str, Callable[[Any], Any]]) -> list[dict[str, Any]]:
    """Keep items whose field equals the (converted) parameter, for each given filter."""
    result = list(items)
    for name, convert in fields.items():
        if name in params:
            wanted = convert(params[name])
            result = [i for i in result if i.get(name) == wanted]
    return result
