"""The hosted customer portal (`/p/session/{secret}`) and the hosted invoice page's actions:
server-rendered, no scripts, forms only — so a browser test and a person read the same page.

Portal pages (field ids and button names are listed in docs/emulator.md):

    GET  /p/session/{secret}                              the home page: plans, card, invoices
    GET  /p/session/{secret}/payment-method               card form; POST saves the card
    GET  /p/session/{secret}/subscriptions/{sub}/cancel   confirm; POST cancels (as configured)
    POST /p/session/{secret}/subscriptions/{sub}/renew    undo a cancellation at period end
    GET  /p/session/{secret}/subscriptions/{sub}/plan     pick a plan; POST switches to it

The hosted invoice page (`/invoice/{id}`, the server adds the invoice's document) takes a card
for an open invoice, or completes the authentication a renewal asked for.

What each form does is what the API does (`billing`), with the configuration's settings:
cancel mode, proration behaviour, the plans offered. A session opened with `flow_data` starts
on its flow's page and, when done, goes where `after_completion` says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from checkout_kit.emulator import billing, cards, charges
from checkout_kit.emulator.resources.billing_portal import session_for
from checkout_kit.emulator.state import State

NOTICES = {
    "cancel_scheduled": "Your plan will be canceled at the end of the billing period.",
    "canceled": "Your plan has been canceled.",
    "renewed": "Your plan will renew as usual.",
    "plan_changed": "Your plan has been updated.",
    "card_saved": "Your payment method has been saved.",
    "card_saved_paid": "Your payment method has been saved and your outstanding invoice is paid.",
    "card_saved_failed": "Your payment method has been saved, but paying your outstanding invoice failed. "
                         "Try another card.",
}


@dataclass
class Page:
    template: str
    status: int = 200
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Redirect:
    location: str


def _date(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%-d %B %Y") if ts else ""


def _closed(heading: str, message: str, status: int) -> Page:
    return Page("closed.html", status, {"heading": heading, "message": message, "link": None})


def _expired() -> Page:
    return _closed("This link has expired", "Portal links work for a short time. Go back to the shop and open "
                                            "the portal again.", 410)


def _base(state: State, secret: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    session = session_for(state, secret)
    if session is None:
        return None
    config = state.objects["billing_portal.configuration"][session["configuration"]]
    customer = state.objects["customer"][session["customer"]]
    return session, config, customer


def _subscriptions(state: State, customer_id: str) -> list[dict[str, Any]]:
    return [s for s in state.newest_first("subscription") if s["customer"] == customer_id and s["status"]
            not in billing.ENDED]


def _plan_view(state: State, sub: dict[str, Any]) -> dict[str, Any]:
    item = billing.items_of(state, sub)[0]
    price = item["price"]
    product = state.objects["product"].get(price["product"]) or {}
    end = billing.period_end(state, sub)
    if sub["status"] == "trialing":
        when = f"Trial ends on {_date(sub['trial_end'])}"
    elif sub["cancel_at"]:
        when = f"Cancels on {_date(sub['cancel_at'])}"
    elif sub["status"] == "paused":
        when = "Paused"
    else:
        when = f"Renews on {_date(end)}"
    open_invoices = [i for i in state.objects["invoice"].values()
                     if billing.invoice_subscription(i) == sub["id"] and i["status"] == "open"]
    return {"id": sub["id"], "name": product.get("name") or "Subscription", "price": price,
            "quantity": item["quantity"], "status": sub["status"], "when": when, "canceling": bool(sub["cancel_at"]),
            "past_due": open_invoices[0] if open_invoices else None}


def _card_view(state: State, customer: dict[str, Any]) -> dict[str, Any] | None:
    method = state.objects["payment_method"].get(customer["invoice_settings"]["default_payment_method"] or "")
    if not method or method["type"] != "card":
        return None
    card = method["card"]
    return {"brand": card["brand"].title(), "last4": card["last4"], "exp": f"{card['exp_month']:02d}/{card['exp_year']}"}


def _done(session: dict[str, Any], secret: str, notice: str) -> Redirect:
    flow = session["flow"]
    after = (flow or {}).get("after_completion") or {}
    if after.get("type") == "redirect":
        return Redirect(after["redirect"]["return_url"])
    return Redirect(f"/p/session/{secret}?notice={notice}")


def home(state: State, secret: str, notice: str | None) -> Page | Redirect:
    found = _base(state, secret)
    if found is None:
        return _expired()
    session, config, customer = found
    flow = session["flow"]
    if flow and not notice:  # a deep link opens on its flow's page
        kind = flow["type"]
        if kind == "payment_method_update":
            return Redirect(f"/p/session/{secret}/payment-method")
        sub_id = (flow.get(kind) or {}).get("subscription")
        if kind == "subscription_cancel":
            return Redirect(f"/p/session/{secret}/subscriptions/{sub_id}/cancel")
        return Redirect(f"/p/session/{secret}/subscriptions/{sub_id}/plan")
    features = config["features"]
    invoices = [i for i in state.newest_first("invoice") if i["customer"] == customer["id"]
                and i["status"] in ("paid", "open")] if features["invoice_history"]["enabled"] else []
    return Page("portal.html", context={
        "secret": secret, "session": session, "config": config, "customer": customer, "features": features,
        "plans": [_plan_view(state, s) for s in _subscriptions(state, customer["id"])],
        "card": _card_view(state, customer), "invoices": invoices[:10], "date": _date,
        "notice": NOTICES.get(notice or ""), "switchable": _offered(state, config)})


def _offered(state: State, config: dict[str, Any]) -> list[dict[str, Any]]:
    update = config["features"]["subscription_update"]
    if not update["enabled"] or "price" not in update["default_allowed_updates"]:
        return []
    prices = [state.objects["price"].get(p) for product in update["products"] or [] for p in product["prices"]]
    return [p for p in prices if p and p["active"]]


def _own_subscription(state: State, customer: dict[str, Any], sub_id: str) -> dict[str, Any] | None:
    sub = state.objects["subscription"].get(sub_id)
    return sub if sub and sub["customer"] == customer["id"] and sub["status"] not in billing.ENDED else None


def cancel(state: State, secret: str, sub_id: str, confirm: bool) -> Page | Redirect:
    found = _base(state, secret)
    if found is None:
        return _expired()
    session, config, customer = found
    sub = _own_subscription(state, customer, sub_id)
    settings = config["features"]["subscription_cancel"]
    if sub is None or not settings["enabled"]:
        return _closed("Not available", "This plan cannot be canceled here.", 404)
    at_period_end = settings["mode"] == "at_period_end"
    if not confirm:
        return Page("portal_cancel.html", context={
            "secret": secret, "session": session, "plan": _plan_view(state, sub), "at_period_end": at_period_end,
            "period_end": _date(billing.period_end(state, sub))})
    if at_period_end:
        previous = billing.schedule_cancel(state, sub, at_period_end=True)
        state.emit("customer.subscription.updated", sub, previous=previous)
        return _done(session, secret, "cancel_scheduled")
    billing.cancel_now(state, sub)
    return _done(session, secret, "canceled")


def renew(state: State, secret: str, sub_id: str) -> Page | Redirect:
    found = _base(state, secret)
    if found is None:
        return _expired()
    session, config, customer = found
    sub = _own_subscription(state, customer, sub_id)
    if sub is None or not sub["cancel_at"]:
        return Redirect(f"/p/session/{secret}")
    previous = billing.schedule_cancel(state, sub, at_period_end=False)
    state.emit("customer.subscription.updated", sub, previous=previous)
    return Redirect(f"/p/session/{secret}?notice=renewed")


def plan(state: State, secret: str, sub_id: str, price_id: str | None) -> Page | Redirect:
    found = _base(state, secret)
    if found is None:
        return _expired()
    session, config, customer = found
    sub = _own_subscription(state, customer, sub_id)
    offered = _offered(state, config)
    if sub is None or not offered:
        return _closed("Not available", "This plan cannot be changed here.", 404)
    current = billing.items_of(state, sub)[0]
    if price_id is None:
        return Page("portal_plan.html", context={"secret": secret, "session": session, "plan": _plan_view(state, sub),
                                                "offered": offered, "current": current["price"]["id"],
                                                "names": {p["id"]: (state.objects["product"].get(p["product"]) or {})
                                                          .get("name", "Plan") for p in offered}})
    if price_id not in {p["id"] for p in offered}:
        return _closed("Not available", "That plan is not offered here.", 400)
    if price_id == current["price"]["id"]:
        return Redirect(f"/p/session/{secret}")
    previous = {"items": {"object": "list", "data": [dict(i) for i in sub["items"]["data"]]}}
    proration = config["features"]["subscription_update"]["proration_behavior"]
    invoice_id = billing.change_items(state, sub, [{"id": current["id"], "price": price_id}], proration)
    state.emit("customer.subscription.updated", sub, previous=previous)
    if invoice_id:
        billing.charge_now(state, invoice_id)
    return _done(session, secret, "plan_changed")


def attach_card(state: State, customer: dict[str, Any], card: cards.Card,
                name: str | None) -> tuple[dict[str, Any] | None, cards.Decline | None]:
    """Save a card to the customer as the card form does: (the payment method, None), announced
    with `payment_method.attached`, or (None, the decline) when the card cannot be saved. `name`:
    the cardholder's, else the customer's. Making it the default is the caller's next step."""
    attempt = cards.setup_attempt(card)
    if attempt.kind == cards.DECLINE and attempt.decline is not None:
        return None, attempt.decline
    who = charges.Customer(email=customer["email"] or "", name=name or customer["name"] or "")
    method = charges.payment_method(state, who, customer["id"], card, None)
    state.emit("payment_method.attached", method)
    return method, None


def payment_method(state: State, secret: str, form: dict[str, str] | None) -> Page | Redirect:
    found = _base(state, secret)
    if found is None:
        return _expired()
    session, config, customer = found
    if not config["features"]["payment_method_update"]["enabled"]:
        return _closed("Not available", "Payment methods cannot be changed here.", 404)
    context = {"secret": secret, "session": session, "form": form or {}, "error": None, "error_field": None}
    if form is None:
        return Page("portal_card.html", context=context)
    try:
        card = cards.parse_card(form.get("cardNumber", ""), form.get("cardExpiry", ""), form.get("cardCvc", ""))
    except cards.FormError as err:
        return Page("portal_card.html", 400, {**context, "error": err.message, "error_field": err.field})
    method, declined = attach_card(state, customer, card, form.get("billingName", "").strip())
    if declined is not None:
        return Page("portal_card.html", 402, {**context, "error": declined.message, "error_field": "cardNumber"})
    assert method is not None
    owed = [i["id"] for i in state.objects["invoice"].values()
            if i["customer"] == customer["id"] and i["status"] == "open"]
    billing.set_payment_method(state, None, customer["id"], method["id"])
    still = [i for i in owed if state.objects["invoice"][i]["status"] == "open"]
    notice = "card_saved_failed" if still else "card_saved_paid" if owed else "card_saved"
    if still:
        return Redirect(f"/p/session/{secret}?notice={notice}")
    return _done(session, secret, notice)


# ---- the hosted invoice page --------------------------------------------------------------


def invoice_page(state: State, invoice_id: str, action: str | None, form: dict[str, str] | None) -> Page | Redirect:
    """Pay an open invoice, or complete the authentication a renewal asked for."""
    invoice = state.objects["invoice"].get(invoice_id)
    if invoice is None or invoice["status"] in ("draft", "void"):
        return _closed("Invoice not found", "This invoice link is not valid.", 404)
    pi = state.objects["payment_intent"].get(state.invoice_intents.get(invoice_id, ""))
    needs_action = bool(pi and pi["status"] == "requires_action" and invoice["status"] == "open")
    context = {"invoice": invoice, "needs_action": needs_action, "form": form or {}, "error": None,
               "error_field": None}
    if action is None or invoice["status"] != "open":
        return Page("invoice.html", context=context)
    if action in ("complete", "fail") and needs_action:
        if action == "fail":
            return Page("invoice.html", 402, {**context, "error": cards.AUTHENTICATION_FAILED})
        outcome, message = billing.collect(state, invoice, pi["payment_method"], off_session=False,
                                           authenticated=True)
        return Redirect(f"/invoice/{invoice_id}") if outcome == billing.PAID else \
            Page("invoice.html", 402, {**context, "error": message})
    try:
        card = cards.parse_card((form or {}).get("cardNumber", ""), (form or {}).get("cardExpiry", ""),
                                (form or {}).get("cardCvc", ""))
    except cards.FormError as err:
        return Page("invoice.html", 400, {**context, "error": err.message, "error_field": err.field})
    customer = state.objects["customer"][invoice["customer"]]
    who = charges.Customer(email=customer["email"] or "", name=(form or {}).get("billingName", "").strip()
                           or customer["name"] or "")
    method = charges.payment_method(state, who, customer["id"], card, None)
    outcome, message = billing.collect(state, invoice, method["id"], off_session=False)
    if outcome == billing.PAID:
        return Redirect(f"/invoice/{invoice_id}")
    return Page("invoice.html", 402, {**context, "needs_action": outcome == billing.ACTION, "error": message,
                                      "error_field": "cardNumber"})
