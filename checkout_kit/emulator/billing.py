"""Subscriptions over time, as Stripe Billing runs a subscription charged automatically by card:
billing periods, invoices, renewals, failed payments and their retries, trials, plan changes
with prorations, cancellation at period end or at once, pause and resume.

Time is the emulator's clock (`clock`); `run_due` carries out, in time order, everything that
falls due up to a moment — the clock route calls it after moving the clock on, the sweeper
every half second — each at its own moment, so objects and events carry the times Stripe's
would.

What happens when, as the emulator plays it (docs/emulator.md says the same):

- A renewal at the end of a period: the subscription moves to the next period and a draft
  invoice (`billing_reason: subscription_cycle`) is created (`invoice.created`,
  `customer.subscription.updated`); an hour later it is finalized (`invoice.finalized`) and
  charged to the default payment method, off-session.
- A failed charge: `charge.failed`, `payment_intent.payment_failed`, `invoice.payment_failed`;
  an active subscription becomes `past_due`. The charge is retried on a fixed schedule standing
  in for Smart Retries' default policy (8 tries within 2 weeks): 1, 3, 5, 7, 9, 11 and 14 days
  after the first attempt (`invoice.next_payment_attempt`). When the tries run out the
  subscription is canceled
  (`customer.subscription.deleted`, `cancellation_details.reason: payment_failed`) — Stripe's
  default setting; `POST /_emulator/billing/settings {"after_retries": "unpaid"|"past_due"}`
  chooses the others. A card that needs authentication off-session sends
  `invoice.payment_action_required` instead and waits for the customer (hosted invoice page).
- A paid invoice: `invoice.paid`, `invoice.payment_succeeded`; a `past_due` subscription whose
  invoices are all paid is `active` again.
- Trials: `trialing` until `trial_end`, a $0 first invoice, `customer.subscription.trial_will_end`
  three days before the end (at once for shorter trials), then the first charge as a renewal.
  Without a payment method the trial ends as `trial_settings.end_behavior.missing_payment_method`
  says: `pause` (`customer.subscription.paused`), `cancel`, or `create_invoice`.
- Cancellation: at period end (`cancel_at`) the subscription ends with
  `customer.subscription.deleted`; `DELETE /v1/subscriptions/{id}` ends it at once.
- Plan changes: the same billing interval keeps the cycle and adds proration lines (credit
  for the unused time, charge for the remaining time) to the next invoice, or invoices them at
  once (`proration_behavior: always_invoice`); a new interval restarts the cycle now and
  invoices at once (`billing_reason: subscription_update`).

Callers hold `state.lock`.
"""

from __future__ import annotations

import calendar
import copy
from datetime import datetime, timezone
from typing import Any, Callable

from checkout_kit.emulator import cards, charges
from checkout_kit.emulator.errors import StripeError, invalid
from checkout_kit.emulator.expansion import first_page
from checkout_kit.emulator.objects import build, nested, new_id, now
from checkout_kit.emulator.state import State
from checkout_kit.money import format_amount

DAY = 86400
DRAFT_WINDOW_S = 3600  # a renewal invoice stays a draft this long, then is finalized and charged
TRIAL_NOTICE_S = 3 * DAY  # customer.subscription.trial_will_end comes this long before the trial ends
RETRY_DAYS = (1, 3, 5, 7, 9, 11, 14)  # after the first attempt: with it, 8 tries within 2 weeks
RETRY_WINDOW_S = RETRY_DAYS[-1] * DAY
AFTER_RETRIES = ("cancel", "unpaid", "past_due")
BILLED = ("trialing", "active", "past_due", "unpaid")  # statuses that keep renewing
ENDED = ("canceled", "incomplete_expired")

PAID = "paid"
DECLINED = "declined"
ACTION = "requires_action"


# ---- time -------------------------------------------------------------------------


def shift(ts: int, interval: str, count: int) -> int:
    """`ts` moved on by `count` intervals; months and years by the calendar, as Stripe bills them
    (the 31st becomes the last day of a shorter month, and comes back where the month allows)."""
    if interval == "day":
        return ts + count * DAY
    if interval == "week":
        return ts + count * 7 * DAY
    moment = datetime.fromtimestamp(ts, timezone.utc)
    carry, month0 = divmod(moment.month - 1 + count * (12 if interval == "year" else 1), 12)
    year, month = moment.year + carry, month0 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def boundary_after(anchor: int, after: int, recurring: dict[str, Any]) -> int:
    """The first end of a period of the cycle anchored at `anchor` that is later than `after`."""
    n = 1
    while (end := shift(anchor, recurring["interval"], recurring["interval_count"] * n)) <= after:
        n += 1
    return end


# ---- reading a subscription -------------------------------------------------------------


def items_of(state: State, sub: dict[str, Any]) -> list[dict[str, Any]]:
    """The subscription's items (the stored objects, which the subscription embeds copies of)."""
    return [state.objects["subscription_item"][i["id"]] for i in sub["items"]["data"]]


def sync_items(state: State, sub: dict[str, Any]) -> None:
    sub["items"]["data"] = [copy.deepcopy(i) for i in items_of(state, sub)]


def period_end(state: State, sub: dict[str, Any]) -> int:
    return min(i["current_period_end"] for i in items_of(state, sub))


def period_start(state: State, sub: dict[str, Any]) -> int:
    return min(i["current_period_start"] for i in items_of(state, sub))


def cadence(state: State, sub: dict[str, Any]) -> dict[str, Any]:
    return items_of(state, sub)[0]["price"]["recurring"]


def default_method(state: State, sub: dict[str, Any]) -> str | None:
    """Stripe's order: the subscription's default payment method, then the customer's."""
    if sub["default_payment_method"]:
        return sub["default_payment_method"]
    customer = state.objects["customer"].get(sub["customer"]) or {}
    return ((customer.get("invoice_settings") or {}).get("default_payment_method")) or None


def _product_name(state: State, price: dict[str, Any]) -> str:
    return (state.objects["product"].get(price["product"]) or {}).get("name") or "Subscription"


def _date(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%d %b %Y")


# ---- objects --------------------------------------------------------------------------


def plan_of(price: dict[str, Any]) -> dict[str, Any]:
    """The legacy `plan` view of a recurring price, which subscription items still carry."""
    recurring = price["recurring"]
    return build("plan", id=price["id"], active=price["active"], amount=price["unit_amount"],
                 amount_decimal=price["unit_amount_decimal"], billing_scheme=price["billing_scheme"],
                 created=price["created"], currency=price["currency"], interval=recurring["interval"],
                 interval_count=recurring["interval_count"], metadata=dict(price["metadata"]), meter=None,
                 nickname=price["nickname"], product=price["product"], tiers_mode=None, transform_usage=None,
                 trial_period_days=recurring["trial_period_days"], usage_type=recurring["usage_type"])


def new_item(state: State, sub_id: str, price: dict[str, Any], quantity: int, start: int, end: int) -> dict[str, Any]:
    item = build("subscription_item", id=new_id("si_", 14), price=copy.deepcopy(price), plan=plan_of(price),
                 quantity=quantity, subscription=sub_id, current_period_start=start, current_period_end=end,
                 created=start, tax_rates=[], discounts=[], metadata={}, billed_until=None, current_trial=None)
    state.add(item)
    return item


def line(invoice_id: str, sub_id: str, *, price: dict[str, Any], quantity: int, amount: int, description: str,
         start: int, end: int, sub_item: str | None = None, proration: bool = False) -> dict[str, Any]:
    """An invoice line: a subscription item's period (or a proration of it), or a one-time item."""
    details = {"invoice_item": None if sub_item and not proration else new_id("ii_"), "proration": proration,
               "proration_details": {"credited_items": None}, "subscription": sub_id}
    if sub_item is not None:
        parent = nested("line_item", "parent", type="subscription_item_details",
                        subscription_item_details={**details, "subscription_item": sub_item})
    else:
        parent = nested("line_item", "parent", type="invoice_item_details", invoice_item_details=details)
    return build("line_item", id=new_id("il_"), amount=amount, currency=price["currency"], description=description,
                 quantity=quantity, invoice=invoice_id, subscription=sub_id, parent=parent,
                 period={"start": start, "end": end},
                 pricing=nested("line_item", "pricing", type="price_details",
                                price_details={"price": price["id"], "product": price["product"]},
                                unit_amount_decimal=str(price["unit_amount"])),
                 subtotal=amount, discount_amounts=[], discountable=not proration, discounts=[], metadata={})


def item_line(state: State, invoice_id: str, sub: dict[str, Any], item: dict[str, Any], start: int, end: int,
              trial: bool = False) -> dict[str, Any]:
    price = item["price"]
    name = _product_name(state, price)
    if trial:
        description = f"Trial period for {name}"
        amount = 0
    else:
        amount = price["unit_amount"] * item["quantity"]
        description = (f"{item['quantity']} × {name} (at {format_amount(price['unit_amount'], price['currency'])} / "
                       f"{price['recurring']['interval']})")
    return line(invoice_id, sub["id"], price=price, quantity=item["quantity"], amount=amount, description=description,
                start=start, end=end, sub_item=item["id"])


def create_invoice(state: State, sub: dict[str, Any], reason: str, lines: list[dict[str, Any]], invoice_id: str,
                   period: tuple[int, int], total: int | None = None) -> dict[str, Any]:
    """A draft invoice of the subscription holding `lines` (built for `invoice_id`). `total`: what is
    due when Checkout's discount, shipping or tax made it other than the lines' sum."""
    customer = state.objects["customer"].get(sub["customer"]) or {}
    subtotal = sum(li["amount"] for li in lines)
    amount = subtotal if total is None else total
    created = now()
    state.invoice_lines[invoice_id] = lines
    invoice = build(
        "invoice", id=invoice_id, customer=sub["customer"], customer_email=customer.get("email"),
        customer_name=customer.get("name"), status="draft", currency=sub["currency"],
        amount_due=max(amount, 0), amount_paid=0, amount_remaining=max(amount, 0), amount_overpaid=0,
        amount_shipping=0, subtotal=subtotal, subtotal_excluding_tax=subtotal, total=amount,
        total_excluding_tax=amount, starting_balance=0, ending_balance=None,
        attempt_count=0, attempted=False, auto_advance=True, billing_reason=reason,
        collection_method=sub["collection_method"], lines=first_page(lines, f"/v1/invoices/{invoice_id}/lines"),
        number=None, period_start=period[0], period_end=period[1],
        parent=nested("invoice", "parent", type="subscription_details", subscription_details={
            "subscription": sub["id"], "metadata": dict(sub["metadata"]), "subscription_proration_date": None}),
        status_transitions=nested("invoice", "status_transitions"), created=created,
        hosted_invoice_url=None, invoice_pdf=None, effective_at=None, webhooks_delivered_at=None,
        next_payment_attempt=None, receipt_number=None, default_payment_method=None,
        automatically_finalizes_at=created + DRAFT_WINDOW_S if reason == "subscription_cycle" else None,
        customer_address=customer.get("address"), customer_shipping=customer.get("shipping"),
        customer_phone=customer.get("phone"), description=None, footer=None, custom_fields=None,
    )
    state.add(invoice)
    state.emit("invoice.created", invoice)
    return invoice


def finalize(state: State, invoice: dict[str, Any]) -> None:
    at = now()
    customer = state.objects["customer"].get(invoice["customer"]) or {}
    sequence = customer.get("next_invoice_sequence") or 1
    if customer:
        customer["next_invoice_sequence"] = sequence + 1
    invoice.update(status="open", number=f"{customer.get('invoice_prefix') or 'EMU'}-{sequence:04d}",
                   effective_at=at, automatically_finalizes_at=None, ending_balance=0,
                   hosted_invoice_url=f"{state.public_url}/invoice/{invoice['id']}",
                   invoice_pdf=f"{state.public_url}/invoice/{invoice['id']}/pdf", webhooks_delivered_at=at)
    invoice["status_transitions"]["finalized_at"] = at
    state.emit("invoice.finalized", invoice)


# ---- charging an invoice --------------------------------------------------------------------


def _intent(state: State, invoice: dict[str, Any]) -> dict[str, Any]:
    """The invoice's payment intent: one per invoice, confirmed again for each attempt."""
    existing = state.invoice_intents.get(invoice["id"])
    if existing:
        return state.objects["payment_intent"][existing]
    pi_id = new_id("pi_")
    reason = invoice["billing_reason"]
    pi = build(
        "payment_intent", id=pi_id, amount=invoice["amount_due"], currency=invoice["currency"],
        status="requires_payment_method", amount_received=0, amount_capturable=0,
        amount_details=nested("payment_intent", "amount_details"), capture_method="automatic",
        confirmation_method="automatic", client_secret=f"{pi_id}_secret_{new_id('', 25)}",
        customer=invoice["customer"], description="Subscription creation" if reason == "subscription_create"
        else "Subscription update" if reason == "subscription_update" else "Subscription cycle",
        latest_charge=None, payment_method=None, payment_method_types=["card"], metadata={},
        receipt_email=None, setup_future_usage="off_session", automatic_payment_methods=None,
    )
    state.add(pi)
    state.invoice_intents[invoice["id"]] = pi_id
    state.emit("payment_intent.created", pi)
    return pi


def _card_for(state: State, method_id: str | None) -> cards.DocumentedCard | None:
    number = state.card_numbers.get(method_id or "")
    return cards.lookup(number) if number else None


def collect(state: State, invoice: dict[str, Any], method_id: str | None, *, off_session: bool,
            authenticated: bool = False) -> tuple[str, str | None]:
    """Attempt to pay an open invoice with a payment method; (PAID, None), (DECLINED, message) or
    (ACTION, message). The invoice, its intent, its subscription and the events follow."""
    if invoice["amount_due"] <= 0:
        _mark_paid(state, invoice)
        return PAID, None
    entry = _card_for(state, method_id)
    method = state.objects["payment_method"].get(method_id or "")
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    if entry is None or method is None:  # nothing to charge: the attempt fails without a charge
        return _failed(state, invoice), "The customer has no payment method on file."
    pi = _intent(state, invoice)
    who = charges.Customer(email=method["billing_details"]["email"] or "", name=method["billing_details"]["name"] or "")
    card = cards.Card(entry.number, method["card"]["exp_month"], method["card"]["exp_year"], "123",
                      method["card"]["brand"])
    attempt = cards.off_session_attempt(card) if off_session else cards.attempt(card, authenticated=authenticated)
    if attempt.kind == cards.CHALLENGE:
        charges.require_action(state, pi, payment_method=method["id"])
        state.emit("invoice.payment_action_required", invoice)
        _schedule_retry(state, invoice, retry=False)
        _set_status(state, invoice, "past_due")
        return ACTION, "This payment needs the customer to authenticate it."
    if attempt.kind == cards.DECLINE and attempt.decline is not None:
        charges.record_decline(state, pi, who, method, entry, attempt.decline, authenticated)
        return _failed(state, invoice), attempt.decline.message
    charges.record_success(state, pi, who, method, entry, authenticated)
    _mark_paid(state, invoice)
    return PAID, None


def _mark_paid(state: State, invoice: dict[str, Any]) -> None:
    at = now()
    invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0, next_payment_attempt=None)
    invoice["status_transitions"]["paid_at"] = at
    state.dunning.pop(invoice["id"], None)
    state.emit("invoice.paid", invoice)
    state.emit("invoice.payment_succeeded", invoice)
    sub = state.objects["subscription"].get(invoice_subscription(invoice) or "")
    if sub is None or sub["status"] not in ("past_due", "unpaid", "incomplete"):
        return
    others = [i for i in state.objects["invoice"].values()
              if invoice_subscription(i) == sub["id"] and i["status"] == "open"]
    if not others:
        _set_status(state, invoice, "active")


def mark_paid_out_of_band(state: State, invoice: dict[str, Any]) -> None:
    """The merchant was paid some other way (`paid_out_of_band`): paid, with no charge."""
    invoice["amount_paid_off_stripe"] = invoice["amount_due"]
    _mark_paid(state, invoice)


def _failed(state: State, invoice: dict[str, Any]) -> str:
    _schedule_retry(state, invoice, retry=True)
    state.emit("invoice.payment_failed", invoice)
    _set_status(state, invoice, "past_due")
    return DECLINED


def _schedule_retry(state: State, invoice: dict[str, Any], retry: bool) -> None:
    """The next automatic attempt on Stripe's schedule (none while the customer must act)."""
    plan = state.dunning.setdefault(invoice["id"], {"first": now(), "tries": 0, "ends_at": now() + RETRY_WINDOW_S,
                                                    "concluded": False})
    plan["tries"] += 1
    tries = plan["tries"]
    automatic = invoice["billing_reason"] != "manual" and retry and tries <= len(RETRY_DAYS)
    invoice["next_payment_attempt"] = plan["first"] + RETRY_DAYS[tries - 1] * DAY if automatic else None


def invoice_subscription(invoice: dict[str, Any]) -> str | None:
    """The id of the invoice's subscription (the pinned version keeps it in
    `parent.subscription_details`, not on the invoice itself)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return details.get("subscription")


def _set_status(state: State, invoice: dict[str, Any], status: str) -> None:
    """Move the invoice's subscription to `status` after a payment (active ↔ past_due)."""
    sub = state.objects["subscription"].get(invoice_subscription(invoice) or "")
    if sub is None or sub["status"] == status or sub["status"] in ENDED or sub["status"] == "paused":
        return
    if status == "past_due" and sub["status"] not in ("active", "trialing"):
        return
    previous = {"status": sub["status"]}
    sub["status"] = status
    state.emit("customer.subscription.updated", sub, previous=previous)


# ---- a subscription's life ------------------------------------------------------------------


def start(state: State, *, customer: str, currency: str, lines: list[dict[str, Any]], metadata: dict[str, str],
          payment_method: str | None, trial_days: int | None, trial_settings: dict[str, Any] | None,
          description: str | None = None, due_today: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new subscription from a Checkout cart (`lines`: the session's line items), with its first
    invoice finalized (paid if nothing is due). `due_today`: the session's total, which its
    discount, shipping and tax shape (later invoices bill the plan's price). The caller charges it."""
    begin = now()
    sub_id = new_id("sub_")
    recurring = next(li["price"]["recurring"] for li in lines if li["price"]["recurring"])
    trial_end = begin + trial_days * DAY if trial_days else None
    end = trial_end or shift(begin, recurring["interval"], recurring["interval_count"])
    items = [new_item(state, sub_id, li["price"], li["quantity"], begin, end) for li in lines if li["price"]["recurring"]]
    end_behavior = ((trial_settings or {}).get("end_behavior") or {}).get("missing_payment_method") or "create_invoice"
    sub = build(
        "subscription", id=sub_id, customer=customer, status="trialing" if trial_end else "incomplete",
        currency=currency, items={"object": "list", "data": [copy.deepcopy(i) for i in items], "has_more": False,
                                  "url": f"/v1/subscription_items?subscription={sub_id}"},
        latest_invoice=None, start_date=begin, billing_cycle_anchor=end if trial_end else begin, created=begin,
        default_payment_method=payment_method, collection_method="charge_automatically",
        cancel_at_period_end=False, metadata=dict(metadata), description=description,
        trial_start=begin if trial_end else None, trial_end=trial_end,
        trial_settings={"end_behavior": {"billing_cycle_anchor": None, "missing_payment_method": end_behavior}},
        billing_mode={"flexible": None, "type": "classic", "updated_at": None}, billing_schedules=[],
        billing_cycle_anchor_config=None, billing_thresholds=None, status_details=None,
        cancellation_details={"comment": None, "feedback": None, "feedback_option": None, "reason": None},
        payment_settings={"payment_method_options": None, "payment_method_types": None,
                          "save_default_payment_method": "off"},
        automatic_tax={"disabled_reason": None, "enabled": False, "liability": None},
        invoice_settings={"account_tax_ids": None, "custom_fields": None, "description": None, "footer": None,
                          "issuer": {"type": "self"}},
        presentment_details=None, days_until_due=None,
    )
    state.add(sub)
    state.emit("customer.subscription.created", sub)
    invoice_id = new_id("in_")
    by_price = {i["price"]["id"]: i for i in items}
    invoice_lines = []
    for li in lines:
        item = by_price.get(li["price"]["id"]) if li["price"]["recurring"] else None
        if item is not None:
            invoice_lines.append(item_line(state, invoice_id, sub, item, begin, end, trial=bool(trial_end)))
        else:  # a one-time price bought with a subscription is an invoice item on its first invoice
            invoice_lines.append(line(invoice_id, sub_id, price=li["price"], quantity=li["quantity"],
                                      amount=li["amount_total"], description=f"{li['quantity']} × {li['description']}",
                                      start=begin, end=begin))
    invoice = create_invoice(state, sub, "subscription_create", invoice_lines, invoice_id, (begin, begin),
                             total=due_today)
    sub["latest_invoice"] = invoice_id
    finalize(state, invoice)
    if invoice["amount_due"] == 0:
        _mark_paid(state, invoice)
    return sub, invoice


def renew(state: State, sub: dict[str, Any]) -> None:
    """The period ended: on to the next one, with its invoice (a draft for an hour)."""
    begin = period_end(state, sub)
    was_trial = sub["status"] == "trialing"
    if was_trial and not default_method(state, sub):
        behavior = sub["trial_settings"]["end_behavior"]["missing_payment_method"]
        if behavior == "pause":
            sub["status"] = "paused"
            state.emit("customer.subscription.paused", sub)
            return
        if behavior == "cancel":
            end(state, sub, reason="cancellation_requested")
            return
    recurring = cadence(state, sub)
    last_start = period_start(state, sub)
    finish = boundary_after(sub["billing_cycle_anchor"], begin, recurring)
    for item in items_of(state, sub):
        item.update(current_period_start=begin, current_period_end=finish)
    sync_items(state, sub)
    invoice_id = new_id("in_")
    lines = [item_line(state, invoice_id, sub, item, begin, finish) for item in items_of(state, sub)]
    lines += [dict(pending, invoice=invoice_id) for pending in state.pending_lines.pop(sub["id"], [])]
    previous: dict[str, Any] = {"latest_invoice": sub["latest_invoice"]}
    if was_trial:
        previous["status"] = "trialing"
        sub["status"] = "active"
    invoice = create_invoice(state, sub, "subscription_cycle", lines, invoice_id, (last_start, begin))
    if sub["status"] == "unpaid":  # Stripe keeps an unpaid subscription's new invoices as drafts
        invoice["automatically_finalizes_at"] = None
        invoice["auto_advance"] = False
    sub["latest_invoice"] = invoice_id
    state.emit("customer.subscription.updated", sub, previous=previous)


def end(state: State, sub: dict[str, Any], reason: str, at: int | None = None) -> None:
    """Cancel the subscription now (at period end, or at once, or when the retries ran out)."""
    moment = at or now()
    sub.update(status="canceled", ended_at=moment, canceled_at=sub["canceled_at"] or moment)
    sub["cancellation_details"]["reason"] = reason
    state.pending_lines.pop(sub["id"], None)
    state.emit("customer.subscription.deleted", sub)


def conclude_dunning(state: State, invoice: dict[str, Any]) -> None:
    """The retries ran out: what the account's setting says (Stripe's default: cancel)."""
    state.dunning[invoice["id"]]["concluded"] = True
    sub = state.objects["subscription"].get(invoice_subscription(invoice) or "")
    if sub is None or sub["status"] in ENDED:
        return
    after = state.billing_settings.get("after_retries", "cancel")
    if after == "cancel":
        end(state, sub, reason="payment_failed")
    elif after == "unpaid" and sub["status"] != "unpaid":
        previous = {"status": sub["status"]}
        sub["status"] = "unpaid"
        state.emit("customer.subscription.updated", sub, previous=previous)


def warn_trial(state: State, sub: dict[str, Any]) -> None:
    state.trial_warned.add(sub["id"])
    state.emit("customer.subscription.trial_will_end", sub)


# ---- what falls due -------------------------------------------------------------------------


def due(state: State) -> list[tuple[float, int, Callable[[], None]]]:
    """Everything scheduled, as (when, order, action)."""
    found: list[tuple[float, int, Callable[[], None]]] = []
    for sub in state.objects["subscription"].values():
        if sub["status"] not in BILLED:
            continue
        if sub["status"] == "trialing" and sub["trial_end"] and sub["id"] not in state.trial_warned:
            found.append((max(sub["trial_end"] - TRIAL_NOTICE_S, sub["created"]), 0,
                          lambda s=sub: warn_trial(state, s)))
        finish = period_end(state, sub)
        if sub["cancel_at"] and sub["cancel_at"] <= finish:
            found.append((sub["cancel_at"], 1, lambda s=sub: end(state, s, "cancellation_requested", s["cancel_at"])))
        else:
            found.append((finish, 2, lambda s=sub: renew(state, s)))
    for invoice in state.objects["invoice"].values():
        if invoice["status"] == "draft" and invoice["automatically_finalizes_at"]:
            found.append((invoice["automatically_finalizes_at"], 3, lambda i=invoice: _finalize_and_charge(state, i)))
        elif invoice["status"] == "open":
            plan = state.dunning.get(invoice["id"])
            if invoice["next_payment_attempt"]:
                found.append((invoice["next_payment_attempt"], 4, lambda i=invoice: _retry(state, i)))
            elif plan and not plan["concluded"]:
                found.append((plan["ends_at"], 5, lambda i=invoice: conclude_dunning(state, i)))
    return found


def _finalize_and_charge(state: State, invoice: dict[str, Any]) -> None:
    finalize(state, invoice)
    sub = state.objects["subscription"].get(invoice_subscription(invoice) or "")
    if invoice["amount_due"] <= 0 or sub is None:
        _mark_paid(state, invoice)
        return
    collect(state, invoice, default_method(state, sub), off_session=True)


def _retry(state: State, invoice: dict[str, Any]) -> None:
    sub = state.objects["subscription"].get(invoice_subscription(invoice) or "")
    if sub is None or sub["status"] in ENDED:
        invoice["next_payment_attempt"] = None
        return
    if state.dunning[invoice["id"]]["tries"] >= len(RETRY_DAYS) + 1:
        invoice["next_payment_attempt"] = None
        return
    outcome, _ = collect(state, invoice, default_method(state, sub), off_session=True)
    plan = state.dunning.get(invoice["id"])
    if outcome != PAID and plan and invoice["next_payment_attempt"] is None:
        plan["ends_at"] = min(plan["ends_at"], now())  # the last try failed: what follows is due now


def run_due(state: State, until: float, limit: int = 10_000) -> int:
    """Carry out, in time order and each at its own moment, everything due by `until`."""
    done = 0
    while done < limit:
        pending = [d for d in due(state) if d[0] <= until]
        if not pending:
            break
        when, _, action = min(pending, key=lambda d: (d[0], d[1]))
        with state.clock.at(float(when)):
            action()
        done += 1
    return done


# ---- changes asked for through the API or the portal ----------------------------------------------


def cancel_now(state: State, sub: dict[str, Any], reason: str = "cancellation_requested") -> None:
    if sub["status"] in ENDED:
        raise invalid(f"No such subscription: '{sub['id']}'", param="id", code="resource_missing")
    sub.update(cancel_at_period_end=False, cancel_at=None, canceled_at=None)
    end(state, sub, reason)


def schedule_cancel(state: State, sub: dict[str, Any], at_period_end: bool) -> dict[str, Any]:
    """Cancel at the end of the period (or undo that); returns the previous attributes."""
    previous = {"cancel_at_period_end": sub["cancel_at_period_end"], "cancel_at": sub["cancel_at"],
                "canceled_at": sub["canceled_at"]}
    if at_period_end:
        sub.update(cancel_at_period_end=True, cancel_at=period_end(state, sub), canceled_at=now())
        sub["cancellation_details"]["reason"] = "cancellation_requested"
    else:
        sub.update(cancel_at_period_end=False, cancel_at=None, canceled_at=None)
        sub["cancellation_details"]["reason"] = None
    return previous


def change_items(state: State, sub: dict[str, Any], changes: list[dict[str, Any]], proration: str) -> str | None:
    """Apply item changes ({id?, price?, quantity?, deleted?}) with prorations; the id of an invoice
    to charge at once, if the change calls for one."""
    if sub["status"] in ENDED:
        raise invalid("A canceled subscription can only update its cancellation_details and metadata.",
                      param="items")
    at = now()
    old_cadence = cadence(state, sub)
    begin, finish = period_start(state, sub), period_end(state, sub)
    credit_lines: list[tuple[dict[str, Any], int, int, str]] = []  # (price, quantity, sign, item)
    for n, change in enumerate(changes):
        where = f"items[{n}]"
        if change.get("id"):
            item = state.objects["subscription_item"].get(change["id"])
            if item is None or item["subscription"] != sub["id"]:
                raise invalid(f"Invalid subscription_item id: {change['id']}", param=f"{where}[id]")
            if change.get("deleted"):
                credit_lines.append((item["price"], item["quantity"], -1, item["id"]))
                sub["items"]["data"] = [i for i in sub["items"]["data"] if i["id"] != item["id"]]
                continue
            price = _price(state, change.get("price"), where) if change.get("price") else item["price"]
            quantity = change.get("quantity", item["quantity"])
            if price["id"] != item["price"]["id"] or quantity != item["quantity"]:
                credit_lines += [(item["price"], item["quantity"], -1, item["id"]), (price, quantity, 1, item["id"])]
                item.update(price=copy.deepcopy(price), plan=plan_of(price), quantity=quantity)
        else:
            price = _price(state, change.get("price"), where)
            item = new_item(state, sub["id"], price, change.get("quantity", 1), begin, finish)
            sub["items"]["data"].append({"id": item["id"]})
            credit_lines.append((price, item["quantity"], 1, item["id"]))
    if not items_of(state, sub):
        raise invalid("A subscription must keep at least one item.", param="items")
    new_cadence = cadence(state, sub)
    interval_changed = (new_cadence["interval"], new_cadence["interval_count"]) != \
        (old_cadence["interval"], old_cadence["interval_count"])
    if sub["status"] == "trialing":
        sync_items(state, sub)
        return None  # nothing is charged during a trial; the next invoice bills the new plan
    fraction = max(0.0, min(1.0, (finish - at) / max(1, finish - begin)))
    prorations = [] if proration == "none" else [
        (price, quantity, sign * round(price["unit_amount"] * quantity * fraction), item_id)
        for price, quantity, sign, item_id in credit_lines]
    if interval_changed:  # a new interval restarts the cycle now and bills the new period at once
        new_end = shift(at, new_cadence["interval"], new_cadence["interval_count"])
        sub["billing_cycle_anchor"] = at
        for item in items_of(state, sub):
            item.update(current_period_start=at, current_period_end=new_end)
        sync_items(state, sub)
        invoice_id = new_id("in_")
        lines = [item_line(state, invoice_id, sub, item, at, new_end) for item in items_of(state, sub)]
        lines += [_proration_line(state, invoice_id, sub, item_id, price, quantity, amount, at, finish)
                  for price, quantity, amount, item_id in prorations if amount < 0]
        lines += [dict(p, invoice=invoice_id) for p in state.pending_lines.pop(sub["id"], [])]
        return _invoice_now(state, sub, invoice_id, lines, (begin, at))
    sync_items(state, sub)
    pending = state.pending_lines.setdefault(sub["id"], [])
    pending += [_proration_line(state, "", sub, item_id, price, quantity, amount, at, finish)
                for price, quantity, amount, item_id in prorations if amount]
    if proration == "always_invoice" and pending:
        invoice_id = new_id("in_")
        lines = [dict(p, invoice=invoice_id) for p in state.pending_lines.pop(sub["id"])]
        return _invoice_now(state, sub, invoice_id, lines, (begin, at))
    return None


def _proration_line(state: State, invoice_id: str, sub: dict[str, Any], item_id: str, price: dict[str, Any],
                    quantity: int, amount: int, start: int, end: int) -> dict[str, Any]:
    """Credit for the unused time of what the item was, or the charge for the rest of the period of what it is."""
    name = _product_name(state, price)
    words = "Unused time on" if amount < 0 else "Remaining time on"
    return line(invoice_id, sub["id"], price=price, quantity=quantity, amount=amount,
                description=f"{words} {quantity} × {name} after {_date(start)}", start=start, end=end,
                sub_item=item_id, proration=True)


def _invoice_now(state: State, sub: dict[str, Any], invoice_id: str, lines: list[dict[str, Any]],
                 period: tuple[int, int]) -> str:
    invoice = create_invoice(state, sub, "subscription_update", lines, invoice_id, period)
    sub["latest_invoice"] = invoice_id
    finalize(state, invoice)
    return invoice_id


def charge_now(state: State, invoice_id: str) -> None:
    """Charge an invoice a change created, after the change's own event went out."""
    invoice = state.objects["invoice"][invoice_id]
    sub = state.objects["subscription"][invoice_subscription(invoice) or ""]
    if invoice["amount_due"] <= 0:
        _mark_paid(state, invoice)
        return
    collect(state, invoice, default_method(state, sub), off_session=True)


def resume(state: State, sub: dict[str, Any]) -> str:
    """A paused subscription starts a new period now, invoiced at once; the invoice's id."""
    if sub["status"] != "paused":
        raise StripeError("Subscriptions can only be resumed when they are paused.", code="subscription_not_paused")
    at = now()
    recurring = cadence(state, sub)
    finish = shift(at, recurring["interval"], recurring["interval_count"])
    sub.update(status="active", billing_cycle_anchor=at)
    for item in items_of(state, sub):
        item.update(current_period_start=at, current_period_end=finish)
    sync_items(state, sub)
    invoice_id = new_id("in_")
    lines = [item_line(state, invoice_id, sub, item, at, finish) for item in items_of(state, sub)]
    invoice = create_invoice(state, sub, "subscription_cycle", lines, invoice_id, (at, at))
    invoice["automatically_finalizes_at"] = None
    sub["latest_invoice"] = invoice_id
    finalize(state, invoice)
    state.emit("customer.subscription.resumed", sub)
    return invoice_id


def set_payment_method(state: State, sub: dict[str, Any] | None, customer_id: str, method_id: str,
                       pay_open: bool = True) -> None:
    """A new default card for the customer (and the subscription); an open invoice is paid with it,
    as Stripe retries when a customer updates their card in the portal."""
    customer = state.objects["customer"][customer_id]
    customer["invoice_settings"]["default_payment_method"] = method_id
    state.emit("customer.updated", customer)
    subs = [sub] if sub is not None else [s for s in state.objects["subscription"].values()
                                          if s["customer"] == customer_id and s["status"] not in ENDED]
    for each in subs:
        if each["default_payment_method"] != method_id:
            previous = {"default_payment_method": each["default_payment_method"]}
            each["default_payment_method"] = method_id
            state.emit("customer.subscription.updated", each, previous=previous)
        for invoice in list(state.objects["invoice"].values()) if pay_open else []:
            if invoice_subscription(invoice) == each["id"] and invoice["status"] == "open":
                collect(state, invoice, method_id, off_session=False, authenticated=True)


def _price(state: State, price_id: Any, where: str) -> dict[str, Any]:
    price = state.get("price", price_id, f"{where}[price]", status=400)
    if not price["recurring"]:
        raise invalid("The price specified is not recurring. Subscription items need a recurring price.",
                      param=f"{where}[price]")
    if not price["active"]:
        raise invalid("The price specified is inactive. This field only accepts active prices.",
                      param=f"{where}[price]")
    return price
