"""Subscriptions over time, through the official SDK and the clock route: renewals, failed payments
and Stripe's retry schedule, trials, cancellation, plan changes with prorations, paying an open
invoice — with the objects and events Stripe's pinned API version has."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timezone
from typing import Any

import pytest
import stripe

from checkout_kit.emulator import billing
from tests.emulator.conftest import control, new_session
from tests.support.stripe_shapes import problems

DAY = 86400
KIT = {"kit": "checkout-kit"}


def subscribe(emulator, client, price_id: str, card: str = "4242424242424242", **extra: Any) -> stripe.Subscription:
    session = new_session(client, price_id, mode="subscription",
                          subscription_data={"metadata": KIT, **extra.pop("subscription_data", {})}, **extra)
    result = control(emulator, f"sessions/{session.id}/pay", {"card": card, "email": "member@example.com"})
    assert result["result"] == "paid", result
    return client.v1.subscriptions.retrieve(client.v1.checkout.sessions.retrieve(session.id).subscription)


def advance(emulator, seconds: float) -> dict[str, Any]:
    return control(emulator, "clock/advance", {"seconds": seconds})


def raw_events(emulator) -> list[dict[str, Any]]:
    """Every event, oldest first, as the emulator sent it (not the SDK's parsed view)."""
    found, after = [], None
    while True:
        query = "limit=100" + (f"&starting_after={after}" if after else "")
        request = urllib.request.Request(f"{emulator.url}/v1/events?{query}",
                                         headers={"Authorization": "Bearer sk_test_x"})
        with urllib.request.urlopen(request) as response:
            page = json.loads(response.read())
        found += page["data"]
        if not page["has_more"]:
            return list(reversed(found))
        after = page["data"][-1]["id"]


def types_after(emulator, count: int, prefixes: tuple[str, ...] = ("invoice.", "customer.subscription.",
                                                                    "charge.", "payment_intent.")) -> list[str]:
    return [e["type"] for e in raw_events(emulator)[count:] if e["type"].startswith(prefixes)]


def period_end(sub: stripe.Subscription) -> int:
    return sub["items"].data[0].current_period_end


def test_a_month_later_the_renewal_is_billed_with_stripes_events_in_stripes_order(emulator, client, catalog):
    sub = subscribe(emulator, client, catalog["monthly"].id)
    start = sub.start_date
    first_end = period_end(sub)
    begin = datetime.fromtimestamp(start, timezone.utc)
    end = datetime.fromtimestamp(first_end, timezone.utc)
    assert (end.year * 12 + end.month) - (begin.year * 12 + begin.month) == 1  # a calendar month
    assert sub.status == "active" and "current_period_end" not in sub.to_dict()  # on the items at this version
    seen = len(raw_events(emulator))
    # At the end of the period the renewal invoice is a draft for an hour, then finalized and charged.
    advance(emulator, first_end - control(emulator, "clock")["now"] + 60)
    draft = client.v1.invoices.retrieve(client.v1.subscriptions.retrieve(sub.id).latest_invoice)
    assert draft.status == "draft" and draft.billing_reason == "subscription_cycle"
    assert draft.parent.subscription_details.subscription == sub.id and draft.parent.type == "subscription_details"
    assert draft.automatically_finalizes_at == first_end + 3600
    advance(emulator, 3600)
    invoice = client.v1.invoices.retrieve(draft.id)
    renewed = client.v1.subscriptions.retrieve(sub.id)
    assert invoice.status == "paid" and invoice.amount_paid == 900 and invoice.attempt_count == 1
    assert renewed["items"].data[0].current_period_start == first_end
    assert period_end(renewed) > first_end and renewed.status == "active"
    line = invoice.lines.data[0]
    assert (line.period.start, line.period.end) == (first_end, period_end(renewed))
    assert line.parent.subscription_item_details.subscription_item == sub["items"].data[0].id
    assert types_after(emulator, seen) == [
        "invoice.created", "customer.subscription.updated", "invoice.finalized", "payment_intent.created",
        "charge.succeeded", "payment_intent.succeeded", "invoice.paid", "invoice.payment_succeeded"]
    assert [p for e in raw_events(emulator) for p in problems(e)] == []


def test_a_card_that_declines_when_charged_later_is_retried_on_stripes_schedule(emulator, client, catalog):
    sub = subscribe(emulator, client, catalog["monthly"].id)
    assert control(emulator, f"customers/{sub.customer}/payment_method", {"card": "4000000000000341"})["result"] == "saved"
    seen = len(raw_events(emulator))
    advance(emulator, period_end(sub) - control(emulator, "clock")["now"] + 2 * 3600)
    late = client.v1.subscriptions.retrieve(sub.id)
    invoice = client.v1.invoices.retrieve(late.latest_invoice)
    first_try = invoice.status_transitions.finalized_at
    assert late.status == "past_due" and invoice.status == "open" and invoice.attempt_count == 1
    assert invoice.next_payment_attempt == first_try + billing.RETRY_DAYS[0] * DAY
    assert types_after(emulator, seen) == [
        "invoice.created", "customer.subscription.updated", "invoice.finalized", "payment_intent.created",
        "charge.failed", "payment_intent.payment_failed", "invoice.payment_failed", "customer.subscription.updated"]
    intent = client.v1.payment_intents.retrieve(client.v1.charges.list(params={"customer": sub.customer}).data[0]
                                                .payment_intent)
    assert intent.last_payment_error.decline_code == "generic_decline"
    # Every retry on the schedule fails, then the subscription is canceled (Stripe's default setting).
    for day in billing.RETRY_DAYS:
        assert client.v1.invoices.retrieve(invoice.id).next_payment_attempt == first_try + day * DAY
        advance(emulator, first_try + day * DAY - control(emulator, "clock")["now"] + 60)
    invoice = client.v1.invoices.retrieve(invoice.id)
    ended = client.v1.subscriptions.retrieve(sub.id)
    assert invoice.attempt_count == 1 + len(billing.RETRY_DAYS) and invoice.next_payment_attempt is None
    assert ended.status == "canceled" and ended.cancellation_details.reason == "payment_failed"
    assert types_after(emulator, seen, ("invoice.payment_failed",)).count("invoice.payment_failed") == 8
    assert types_after(emulator, seen)[-1] == "customer.subscription.deleted"


def test_after_the_retries_an_account_may_leave_the_subscription_unpaid(emulator, client, catalog):
    assert control(emulator, "billing/settings", {"after_retries": "unpaid"})["after_retries"] == "unpaid"
    sub = subscribe(emulator, client, catalog["monthly"].id)
    control(emulator, f"customers/{sub.customer}/payment_method", {"card": "4000000000000341"})
    advance(emulator, period_end(sub) - control(emulator, "clock")["now"] + 20 * DAY)
    assert client.v1.subscriptions.retrieve(sub.id).status == "unpaid"


def test_a_new_card_pays_the_open_invoice_and_the_membership_is_active_again(emulator, client, catalog):
    sub = subscribe(emulator, client, catalog["monthly"].id)
    control(emulator, f"customers/{sub.customer}/payment_method", {"card": "4000000000000341"})
    advance(emulator, period_end(sub) - control(emulator, "clock")["now"] + 2 * 3600)
    invoice_id = client.v1.subscriptions.retrieve(sub.id).latest_invoice
    with pytest.raises(stripe.CardError) as declined:  # paying it now with the same card: Stripe's 402
        client.v1.invoices.pay(invoice_id)
    assert declined.value.code == "card_declined" and declined.value.http_status == 402
    assert client.v1.invoices.retrieve(invoice_id).attempt_count == 2
    control(emulator, f"customers/{sub.customer}/payment_method", {"card": "4242424242424242"})
    assert client.v1.invoices.retrieve(invoice_id).status == "paid"
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.invoices.pay(invoice_id)
    assert again.value.code == "invoice_already_paid"


def test_a_card_that_always_authenticates_asks_the_member_back(emulator, client, catalog):
    sub = subscribe(emulator, client, catalog["monthly"].id)
    control(emulator, f"customers/{sub.customer}/payment_method", {"card": "4000002760003184"})
    seen = len(raw_events(emulator))
    advance(emulator, period_end(sub) - control(emulator, "clock")["now"] + 2 * 3600)
    invoice = client.v1.invoices.retrieve(client.v1.subscriptions.retrieve(sub.id).latest_invoice)
    assert "invoice.payment_action_required" in types_after(emulator, seen)
    assert invoice.status == "open" and invoice.next_payment_attempt is None
    assert client.v1.subscriptions.retrieve(sub.id).status == "past_due"
    # The hosted invoice page completes the authentication.
    page = urllib.request.urlopen(invoice.hosted_invoice_url).read().decode()
    assert 'id="complete"' in page
    urllib.request.urlopen(urllib.request.Request(invoice.hosted_invoice_url, data=b"action=complete", method="POST"))
    assert client.v1.invoices.retrieve(invoice.id).status == "paid"
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"


def test_a_trial_warns_three_days_ahead_then_charges(emulator, client, catalog):
    sub = subscribe(emulator, client, catalog["monthly"].id, subscription_data={"trial_period_days": 14})
    assert sub.status == "trialing" and sub.trial_end - sub.trial_start == 14 * DAY
    assert period_end(sub) == sub.trial_end
    first = client.v1.invoices.retrieve(sub.latest_invoice)
    assert first.amount_due == 0 and first.status == "paid" and first.billing_reason == "subscription_create"
    seen = len(raw_events(emulator))
    advance(emulator, 11 * DAY + 60)
    assert types_after(emulator, seen) == ["customer.subscription.trial_will_end"]
    advance(emulator, 3 * DAY + 2 * 3600)
    paid = client.v1.subscriptions.retrieve(sub.id)
    invoice = client.v1.invoices.retrieve(paid.latest_invoice)
    assert paid.status == "active" and invoice.billing_reason == "subscription_cycle" and invoice.amount_paid == 900


def test_a_trial_without_a_card_pauses_and_resumes(emulator, client, catalog):
    session = new_session(client, catalog["monthly"].id, mode="subscription", payment_method_collection="if_required",
                          subscription_data={"trial_period_days": 7, "trial_settings": {
                              "end_behavior": {"missing_payment_method": "pause"}}})
    assert session.amount_total == 0
    page = urllib.request.urlopen(session.url).read().decode()
    assert 'id="cardNumber"' not in page and "Start trial" in page
    assert control(emulator, f"sessions/{session.id}/pay", {"email": "trial@example.com"})["result"] == "paid"
    sub_id = client.v1.checkout.sessions.retrieve(session.id).subscription
    seen = len(raw_events(emulator))
    advance(emulator, 8 * DAY)
    assert client.v1.subscriptions.retrieve(sub_id).status == "paused"
    assert "customer.subscription.paused" in types_after(emulator, seen)
    customer = client.v1.subscriptions.retrieve(sub_id).customer
    control(emulator, f"customers/{customer}/payment_method", {"card": "4242424242424242"})
    resumed = client.v1.subscriptions.resume(sub_id)
    assert resumed.status == "active"
    assert client.v1.invoices.retrieve(client.v1.subscriptions.retrieve(sub_id).latest_invoice).status == "paid"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.subscriptions.resume(sub_id)


def test_cancel_at_period_end_keeps_it_until_then_and_cancel_now_ends_it(emulator, client, catalog):
    sub = subscribe(emulator, client, catalog["monthly"].id)
    canceling = client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert canceling.cancel_at == period_end(sub) and canceling.status == "active" and canceling.canceled_at
    renewed = client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": False})
    assert renewed.cancel_at is None and renewed.canceled_at is None
    client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    seen = len(raw_events(emulator))
    advance(emulator, period_end(sub) - control(emulator, "clock")["now"] + 60)
    ended = client.v1.subscriptions.retrieve(sub.id)
    assert ended.status == "canceled" and ended.ended_at == period_end(sub)
    assert types_after(emulator, seen) == ["customer.subscription.deleted"]  # no renewal invoice
    other = subscribe(emulator, client, catalog["monthly"].id)
    now_ended = client.v1.subscriptions.cancel(other.id)
    assert now_ended.status == "canceled" and now_ended.ended_at == control(emulator, "clock")["now"]
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.subscriptions.update(other.id, params={"cancel_at_period_end": True})


def test_plan_changes_are_prorated_as_stripe_does_by_default(emulator, client, catalog):
    product = client.v1.products.retrieve(catalog["monthly"].product)
    premium = client.v1.prices.create(params={"product": product.id, "unit_amount": 1900, "currency": "usd",
                                              "recurring": {"interval": "month"}})
    sub = subscribe(emulator, client, catalog["monthly"].id)
    item = sub["items"].data[0]
    length = period_end(sub) - item.current_period_start
    advance(emulator, length // 2)
    # The same interval: the cycle stays, prorations wait for the next invoice.
    changed = client.v1.subscriptions.update(sub.id, params={"items": [{"id": item.id, "price": premium.id}]})
    assert changed["items"].data[0].price.id == premium.id and changed.latest_invoice == sub.latest_invoice
    advance(emulator, period_end(sub) - control(emulator, "clock")["now"] + 2 * 3600)
    invoice = client.v1.invoices.retrieve(client.v1.subscriptions.retrieve(sub.id).latest_invoice)
    lines = client.v1.invoices.line_items.list(invoice.id).data
    prorations = [li for li in lines if li.parent.subscription_item_details.proration]
    assert sorted(li.amount for li in prorations)[0] < 0 < sorted(li.amount for li in prorations)[-1]
    assert abs(sum(li.amount for li in prorations) - (1900 - 900) // 2) <= 40  # about half a month's difference
    assert invoice.amount_paid == 1900 + sum(li.amount for li in prorations)
    # Another interval: a new cycle starts now and is invoiced at once, less the unused time.
    now_changed = client.v1.subscriptions.update(sub.id, params={"items": [{"id": item.id,
                                                                            "price": catalog["yearly"].id}]})
    bill = client.v1.invoices.retrieve(now_changed.latest_invoice)
    assert bill.billing_reason == "subscription_update" and bill.status == "paid"
    assert 9000 - 1900 < bill.amount_paid < 9000
    assert now_changed.billing_cycle_anchor == control(emulator, "clock")["now"]


def test_portal_configurations_and_sessions(emulator, client, catalog):
    customer = subscribe(emulator, client, catalog["monthly"].id).customer
    session = client.v1.billing_portal.sessions.create(params={"customer": customer,
                                                               "return_url": "https://shop.example/"})
    default = client.v1.billing_portal.configurations.retrieve(session.configuration)
    assert default.is_default and default.features.subscription_cancel.mode == "at_period_end"
    assert session.url.startswith(f"{emulator.url}/p/session/") and session.return_url == "https://shop.example/"
    config = client.v1.billing_portal.configurations.create(params={"features": {
        "subscription_update": {"enabled": True, "default_allowed_updates": ["price"], "proration_behavior":
                                "create_prorations", "products": [{"product": catalog["monthly"].product,
                                                                   "prices": [catalog["monthly"].id,
                                                                              catalog["yearly"].id]}]},
        "subscription_cancel": {"enabled": True, "mode": "immediately"}}, "metadata": KIT})
    assert not config.is_default and config.features.subscription_update.products[0].prices[1] == catalog["yearly"].id
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v1.billing_portal.configurations.create(params={"features": {"subscription_update": {
            "enabled": True, "default_allowed_updates": ["price"], "products": [{
                "product": catalog["monthly"].product, "prices": [catalog["ebook"].id]}]}}})
    assert "recurring price" in bad.value.user_message
    flow = client.v1.billing_portal.sessions.create(params={"customer": customer, "configuration": config.id,
                                                            "flow_data": {"type": "payment_method_update"}})
    assert flow.flow.type == "payment_method_update" and flow.flow.after_completion.type == "portal_homepage"
    listed = client.v1.billing_portal.configurations.list(params={"is_default": False}).data
    assert [c.id for c in listed] == [config.id]
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.billing_portal.sessions.create(params={"customer": "cus_nobody"})
    # A portal link works for an hour.
    advance(emulator, 3601)
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(session.url)
    assert gone.value.code == 410
