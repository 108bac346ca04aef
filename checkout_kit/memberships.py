"""Memberships: who has access, and what each subscription event means for the member and the owner.

Everything here but `access`/`has_access` is pure: it reads Stripe's objects (as the handler
re-read them) and the catalog, and says what to record and which emails to queue, each under a
key unique to its cause (per invoice, or per subscription and transition), so that replayed,
concurrent and out-of-order deliveries queue each email once.

Access (`has_access(email or customer, product)`) is true while Stripe would keep serving the
member: the subscription is `trialing`, `active`, or `past_due` (Stripe is still retrying the
payment), and a cancellation it carries has not taken effect yet. `unpaid`, `paused`,
`canceled`, `incomplete` and `incomplete_expired` give no access.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from checkout_kit.catalog import Catalog
from checkout_kit.mail import valid_address
from checkout_kit.store.subscriptions import InvoiceRecord, Member, MemberItem

ACCESS_STATUSES = ("trialing", "active", "past_due")
STATUSES = ("trialing", "active", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "paused")
# Email templates (checkout_kit/templates/mail/).
WELCOME = "membership_welcome"
RECEIPT = "membership_receipt"
PAYMENT_FAILED = "membership_payment_failed"
ACTION_REQUIRED = "membership_action_required"
TRIAL_ENDING = "membership_trial_ending"
CANCEL_SCHEDULED = "membership_cancel_scheduled"
ENDED = "membership_ended"
MERCHANT = "merchant_membership"


@dataclass(frozen=True)
class Mail:
    """An email to queue: once per `key`. `links` are magic links made fresh when it is sent
    (context name -> (purpose, claims)), so a retried email never carries an expired one."""

    key: str
    template: str
    to: str | None
    context: dict[str, Any]
    links: dict[str, Any] = field(default_factory=dict)


@dataclass
class Access:
    """The answer to "may this person in?", with what it rests on."""

    access: bool
    member: Member | None = None

    def as_json(self) -> dict[str, Any]:
        m = self.member
        return {"access": self.access, "status": m.status if m else None,
                "current_period_end": m.current_period_end if m else None,
                "cancel_at_period_end": m.cancel_at_period_end if m else False,
                "cancel_at": m.cancel_at if m else None, "trial_end": m.trial_end if m else None,
                "subscription": m.id if m else None, "customer": m.customer if m else None,
                "product": m.product_key if m else None}


# ---- reading Stripe's objects ----------------------------------------------------------------


def subscription_of(invoice: dict[str, Any]) -> str | None:
    """The invoice's subscription: in `parent.subscription_details` at the pinned API version."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    sub = details.get("subscription")
    return sub.get("id") if isinstance(sub, dict) else sub


def _customer(subscription: dict[str, Any]) -> dict[str, Any]:
    customer = subscription.get("customer")
    return customer if isinstance(customer, dict) else {"id": customer}


def member_email(subscription: dict[str, Any], invoice: dict[str, Any] | None = None) -> str | None:
    email = _customer(subscription).get("email") or (invoice or {}).get("customer_email")
    return email if email and valid_address(email) else None


def _items(subscription: dict[str, Any]) -> list[dict[str, Any]]:
    return list(((subscription.get("items") or {}).get("data")) or [])


def member_from(subscription: dict[str, Any], catalog: Catalog, seen_at: float) -> Member:
    """The store's row for a subscription object (items with the catalog's product keys)."""
    items = []
    for item in _items(subscription):
        price = item.get("price") or {}
        known = catalog.price_by_id(price.get("id", "")) or (
            catalog.price_by_lookup_key(price["lookup_key"]) if price.get("lookup_key") else None)
        product = price.get("product")
        items.append(MemberItem(item_id=item["id"], price_id=price.get("id", ""),
                                product_id=product.get("id") if isinstance(product, dict) else product,
                                product_key=known.product_key if known else None,
                                quantity=int(item.get("quantity") or 1),
                                current_period_end=item.get("current_period_end")))
    plan = items[0] if items else None
    return Member(
        id=subscription["id"], customer=_customer(subscription).get("id"), email=member_email(subscription),
        status=subscription.get("status") or "incomplete", price_id=plan.price_id if plan else None,
        product_key=plan.product_key if plan else None, current_period_end=period_end_of(subscription),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")), cancel_at=subscription.get("cancel_at"),
        canceled_at=subscription.get("canceled_at"), ended_at=subscription.get("ended_at"),
        trial_end=subscription.get("trial_end"), latest_invoice=_id(subscription.get("latest_invoice")),
        livemode=bool(subscription.get("livemode")), seen_at=seen_at, items=items)


def invoice_from(invoice: dict[str, Any], seen_at: float) -> InvoiceRecord:
    return InvoiceRecord(
        id=invoice["id"], subscription_id=subscription_of(invoice), customer=_id(invoice.get("customer")),
        status=invoice.get("status") or "draft", billing_reason=invoice.get("billing_reason"),
        amount_due=int(invoice.get("amount_due") or 0), amount_paid=int(invoice.get("amount_paid") or 0),
        currency=invoice.get("currency") or "usd", attempt_count=int(invoice.get("attempt_count") or 0),
        number=invoice.get("number"), hosted_invoice_url=invoice.get("hosted_invoice_url"),
        paid_at=(invoice.get("status_transitions") or {}).get("paid_at"), seen_at=seen_at)


def _id(value: Any) -> str | None:
    return value.get("id") if isinstance(value, dict) else value


# ---- access --------------------------------------------------------------------------------


def grants_access(member: Member, now: float | None = None) -> bool:
    """True while Stripe would keep serving the member (see the module's docstring)."""
    if member.status not in ACCESS_STATUSES:
        return False
    # A cancellation whose moment has passed ends access even if its event is late.
    return not (member.cancel_at and member.cancel_at <= (now if now is not None else time.time()))


def access(store: Any, who: str, product: str | None = None, now: float | None = None) -> Access:
    """Whether `who` (an email or a Stripe customer id, cus_…) has a membership (of `product`: a
    catalog product key or a Stripe product id), and the subscription that answer rests on."""
    members = store.subscriptions_of(customer=who) if who.startswith("cus_") else store.subscriptions_of(email=who)
    if product:
        members = [m for m in members if any(product in (i.product_key, i.product_id) for i in m.items)]
    granting = [m for m in members if grants_access(m, now)]
    if granting:
        return Access(True, max(granting, key=lambda m: (m.current_period_end or 0, m.id)))
    return Access(False, max(members, key=lambda m: (m.updated_at, m.id)) if members else None)


def has_access(who: str, product: str | None = None, services: Any = None) -> bool:
    """For the owner's own code: `has_access("ann@example.com")`, `has_access("cus_…", "membership")`.

    Reads the kit's store (DATABASE_URL), kept current by the webhook; no call to Stripe.
    """
    if services is None:
        from checkout_kit.services import shared

        services = shared()
    return access(services.store, who, product).access


# ---- what to say, and to whom ------------------------------------------------------------------


def date_text(ts: int | None) -> str | None:
    """A date as the emails print it: 12 March 2026 (UTC)."""
    if not ts:
        return None
    moment = datetime.fromtimestamp(ts, timezone.utc)
    return f"{moment.day} {moment.strftime('%B %Y')}"


def plan_context(subscription: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The member's plan as the emails describe it: name, price, cadence, what it opens."""
    items = _items(subscription)
    if not items:
        return {"name": "Membership", "amount": 0, "currency": "usd", "every": "month", "access_url": None}
    price = items[0].get("price") or {}
    recurring = price.get("recurring") or {}
    known = catalog.price_by_id(price.get("id", ""))
    product = catalog.product_for(known) if known else None
    return {"name": product.name if product else _product_name(price),
            "amount": sum(int((i.get("price") or {}).get("unit_amount") or 0) * int(i.get("quantity") or 1)
                          for i in items),
            "currency": price.get("currency") or "usd",
            "every": every(recurring.get("interval") or "month", recurring.get("interval_count") or 1),
            "access_url": (product.details.get("access_url") if product else None)}


def every(interval: str, count: int) -> str:
    """How a cadence reads after "per": month, 3 months."""
    return interval if count == 1 else f"{count} {interval}s"


def _product_name(price: dict[str, Any]) -> str:
    product = price.get("product")
    return (product.get("name") if isinstance(product, dict) else None) or price.get("nickname") or "Membership"


def _member_context(subscription: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    customer = _customer(subscription)
    return {"member_name": customer.get("name"), "plan": plan_context(subscription, catalog),
            "subscription": subscription["id"],
            "period_end": date_text(period_end_of(subscription))}


def period_end_of(subscription: dict[str, Any]) -> int | None:
    """The end of the current period, from the items (where the pinned API version keeps it)."""
    ends = [i.get("current_period_end") for i in _items(subscription) if i.get("current_period_end")]
    return min(ends) if ends else None


def _manage(email: str | None, flow: str | None = None) -> dict[str, Any]:
    """A fresh link to the customer portal, made when the email is sent."""
    if not email:
        return {}
    claims: dict[str, Any] = {"flow": flow} if flow else {}
    return {"manage_url": ("portal", email, claims)}


def subscription_mails(event_type: str, subscription: dict[str, Any], catalog: Catalog, merchant: str | None,
                       now: float) -> list[Mail]:
    """The emails a subscription's current state calls for, whichever of its events brought it."""
    status = subscription.get("status")
    to = member_email(subscription)
    sub_id = subscription["id"]
    context = _member_context(subscription, catalog)
    mails: list[Mail] = []
    if status == "canceled":
        ended_at = subscription.get("ended_at") or subscription.get("canceled_at")
        reason = (subscription.get("cancellation_details") or {}).get("reason")
        ending = {**context, "ended": date_text(ended_at), "reason": reason}
        mails.append(Mail(f"sub:{sub_id}:ended", ENDED, to, ending))
        mails.append(Mail(f"sub:{sub_id}:merchant_ended", MERCHANT, merchant,
                          {**ending, "kind": "ended", "email": to}))
        return mails
    cancel_at = subscription.get("cancel_at")
    if cancel_at and status in ACCESS_STATUSES:
        # Once per scheduled end: cancelling again after renewing it is a new cause.
        mails.append(Mail(f"sub:{sub_id}:cancel_scheduled:{cancel_at}", CANCEL_SCHEDULED, to,
                          {**context, "access_until": date_text(cancel_at)}, _manage(to)))
    trial_end = subscription.get("trial_end")
    if event_type == "customer.subscription.trial_will_end" and status == "trialing" and trial_end \
            and trial_end > now and not cancel_at:
        mails.append(Mail(f"sub:{sub_id}:trial_ending:{trial_end}", TRIAL_ENDING, to,
                          {**context, "trial_end": date_text(trial_end)}, _manage(to)))
    return mails


def _lines(invoice: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"description": li.get("description") or "Item", "quantity": li.get("quantity") or 1,
             "amount": int(li.get("amount") or 0), "currency": li.get("currency") or invoice.get("currency")}
            for li in ((invoice.get("lines") or {}).get("data") or [])]


def _one_time_lines(invoice: dict[str, Any]) -> bool:
    """The invoice bills one-time items too (a cart with a membership and an e-book)."""
    for li in ((invoice.get("lines") or {}).get("data") or []):
        parent = li.get("parent") or {}
        details = parent.get("invoice_item_details") or {}
        if parent.get("type") == "invoice_item_details" and not details.get("proration"):
            return True
    return False


def first_mails(sub_id: str, to: str | None, merchant: str | None, context: dict[str, Any]) -> list[Mail]:
    """The welcome (the first payment's one email: receipt and how to manage the membership) and the
    owner's notice of a new member; the same keys whether the order or the first invoice comes first."""
    return [Mail(f"sub:{sub_id}:welcome", WELCOME, to, context, _manage(to)),
            Mail(f"sub:{sub_id}:merchant_new", MERCHANT, merchant, {**context, "kind": "new", "email": to})]


def invoice_mails(event_type: str, invoice: dict[str, Any], subscription: dict[str, Any], catalog: Catalog,
                  merchant: str | None) -> list[Mail]:
    """The emails an invoice's current state calls for: once per invoice and cause."""
    to = member_email(subscription, invoice)
    status = invoice.get("status")
    context = {**_member_context(subscription, catalog), "invoice": invoice["id"], "number": invoice.get("number"),
               "amount": int(invoice.get("amount_paid") or invoice.get("amount_due") or 0),
               "currency": invoice.get("currency") or "usd", "lines": _lines(invoice),
               "hosted_invoice_url": invoice.get("hosted_invoice_url"),
               "trial_end": date_text(subscription.get("trial_end")) if subscription.get("status") == "trialing"
               else None}
    if event_type == "invoice.paid" and status == "paid":
        if invoice.get("billing_reason") == "subscription_create":
            # A cart with one-time items is welcomed from its order, which knows their fulfillment.
            return [] if _one_time_lines(invoice) else first_mails(subscription["id"], to, merchant, context)
        if int(invoice.get("amount_paid") or 0) > 0:
            return [Mail(f"invoice:{invoice['id']}:receipt", RECEIPT, to, context, _manage(to))]
        return []
    if status != "open" or subscription.get("status") in ("canceled", "incomplete_expired"):
        return []  # paid since, voided, or the membership is over: nothing to ask of the member
    next_attempt = invoice.get("next_payment_attempt")
    if event_type == "invoice.payment_failed":
        return [Mail(f"invoice:{invoice['id']}:payment_failed", PAYMENT_FAILED, to,
                     {**context, "amount": int(invoice.get("amount_remaining") or invoice.get("amount_due") or 0),
                      "next_attempt": date_text(next_attempt)}, _manage(to, "payment_method_update"))]
    if event_type == "invoice.payment_action_required":
        return [Mail(f"invoice:{invoice['id']}:action_required", ACTION_REQUIRED, to,
                     {**context, "amount": int(invoice.get("amount_remaining") or invoice.get("amount_due") or 0)},
                     _manage(to, "payment_method_update"))]
    return []


def first_mails_for_order(order: Any, catalog: Catalog, merchant: str | None) -> list[Mail]:
    """The welcome and the owner's notice, from a subscription-mode order (its checkout event came first)."""
    return first_mails(order.subscription, order.customer_email, merchant, order_context(order, catalog))


def order_context(order: Any, catalog: Catalog) -> dict[str, Any]:
    """The welcome's context from a subscription-mode order (when its checkout event comes first)."""
    plan: dict[str, Any] = {"name": "Membership", "amount": 0, "currency": order.currency, "every": "month",
                            "access_url": None}
    for item in order.items:
        price = catalog.price_by_id(item.price_id)
        if price and price.recurring:
            product = catalog.product_for(price)
            plan = {"name": product.name, "amount": (price.unit_amount or 0) * item.quantity,
                    "currency": price.currency, "every": every(price.recurring, price.interval_count),
                    "access_url": product.details.get("access_url")}
            break
    return {"member_name": order.customer_name, "plan": plan, "subscription": order.subscription, "period_end": None,
            "invoice": None, "number": None, "amount": order.amount_total, "currency": order.currency,
            "lines": [{"description": f"{i.quantity} × {i.description}", "quantity": i.quantity,
                       "amount": i.amount_total, "currency": i.currency} for i in order.items],
            "hosted_invoice_url": None, "trial_end": None,
            "fulfillment": [{"description": i.description, **i.fulfillment} for i in order.items
                            if i.fulfillment and i.fulfillment.get("type") != "subscription"]}
