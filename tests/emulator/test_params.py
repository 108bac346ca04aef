"""Parameters as the pinned SDK declares them: every name its typed param dicts
list for a route is accepted (acted on, or ignored as docs/emulator.md says),
and any other name gets Stripe's `parameter_unknown` — nested names too.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
import stripe
from typing_extensions import is_typeddict

from checkout_kit.emulator import api, sdk_types
from checkout_kit.emulator.params import check, route_key
from tests.emulator.conftest import control, new_session

DOCS = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def sample(tp: Any, depth: int = 0) -> Any:
    """A value of SDK param type `tp`, with every nested key the SDK declares (names, not meaning)."""
    options = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    hashes = [o for o in options if is_typeddict(o)]
    if hashes:
        return {k: sample(v, depth + 1) for k, v in sdk_types.param_fields(hashes[0]).items()} if depth < 6 else {}
    option = options[0] if options[0] is not type(None) else options[-1]
    origin, args = typing.get_origin(option), typing.get_args(option)
    if origin is typing.Literal:
        return next((a for a in args if a != ""), args[0])
    if origin in (list, typing.List):
        return [sample(args[0], depth + 1)]
    if origin in (dict, typing.Dict) or (origin and "UntypedStripeObject" in getattr(origin, "__name__", "")):
        return {"key": sample(args[-1], depth + 1) if args else "value"}
    return {bool: True, int: 1, float: 1.5, str: "x"}.get(option, "x")


@pytest.fixture
def ids(emulator, client, catalog) -> dict[str, str]:
    """An existing object for each kind of `<id>` a route takes."""
    paid = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{paid.id}/pay", {})
    sub = new_session(client, catalog["monthly"].id, mode="subscription")
    control(emulator, f"sessions/{sub.id}/pay", {})
    pi = client.v1.payment_intents.retrieve(client.v1.checkout.sessions.retrieve(paid.id).payment_intent)
    subscription = client.v1.subscriptions.retrieve(client.v1.checkout.sessions.retrieve(sub.id).subscription)
    endpoint = client.v1.webhook_endpoints.create(params={"url": "https://shop.example/h", "enabled_events": ["*"]})
    portal = client.v1.billing_portal.configurations.create(params={"features": {"invoice_history": {"enabled": True}}})
    coupon = client.v1.coupons.create(params={"percent_off": 10, "duration": "once"})
    promo = client.v1.promotion_codes.create(params={"promotion": {"type": "coupon", "coupon": coupon.id}})
    rate = client.v1.shipping_rates.create(params={"display_name": "Post", "type": "fixed_amount",
                                                   "fixed_amount": {"amount": 500, "currency": "usd"}})
    taxed = new_session(client, catalog["ebook"].id, automatic_tax={"enabled": True})
    control(emulator, f"sessions/{taxed.id}/pay", {"country": "DE"})
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100})
    disputed = new_session(client, catalog["ebook"].id)
    control(emulator, f"sessions/{disputed.id}/pay", {"card": "4000000000000259"})
    return {
        "/v1/coupons/": coupon.id, "/v1/promotion_codes/": promo.id, "/v1/shipping_rates/": rate.id,
        "/v1/tax_rates/": "txr_emuDE",
        "/v1/products/": catalog["ebook"].product, "/v1/prices/": catalog["ebook"].id,
        "/v1/customers/": subscription.customer, "/v1/checkout/sessions/": new_session(client, catalog["shirt"].id).id,
        "/v1/payment_intents/": pi.id, "/v1/payment_methods/": pi.payment_method, "/v1/charges/": pi.latest_charge,
        "/v1/subscriptions/": subscription.id, "/v1/subscription_items/": subscription["items"].data[0].id,
        "/v1/invoices/": subscription.latest_invoice, "/v1/webhook_endpoints/": endpoint.id,
        "/v1/events/": client.v1.events.list(params={"limit": 1}).data[0].id,
        "/v1/refunds/": refund.id, "/v1/disputes/": client.v1.disputes.list().data[0].id,
        "/v1/billing_portal/configurations/": portal.id,
    }


def path_of(route: api.Route, ids: dict[str, str]) -> str:
    prefix = route.rule.split("<id>")[0]
    return route.rule.replace("<id>", ids[prefix]) if "<id>" in route.rule else route.rule


def declared(route: api.Route) -> dict[str, Any]:
    return sdk_types.param_fields(sdk_types.params_class(route.sdk_params))


def send(client: stripe.StripeClient, route: api.Route, path: str, params: dict[str, Any]) -> tuple[int, str | None]:
    """(HTTP status, error code) of the request; (200, None) when it succeeds."""
    try:
        client.raw_request(route.method.lower(), path, **params)
        return 200, None
    except stripe.StripeError as err:
        return err.http_status or 0, err.code


def test_every_param_the_sdk_declares_is_accepted(client, ids):
    """One request per route and declared parameter, its value holding every nested key the SDK
    declares. The value may be refused for what it says (an unknown id, a bad currency) but never
    as an unknown parameter, and never with a 500.
    """
    refused = {}
    for route in api.ROUTES:
        for name, tp in declared(route).items():
            if name == "expand":
                continue
            status, code = send(client, route, path_of(route, ids), {name: sample(tp)})
            if code == "parameter_unknown" or status >= 500:
                refused[f"{route_key(route.method, route.rule)} {name}"] = (status, code)
    assert refused == {}


def test_unknown_params_get_stripes_error(client, ids):
    answers = {}
    for route in api.ROUTES:
        try:
            client.raw_request(route.method.lower(), path_of(route, ids), colour="red")
            answers[route_key(route.method, route.rule)] = "accepted"
        except stripe.InvalidRequestError as err:
            answers[route_key(route.method, route.rule)] = (err.http_status, err.code, err.param, err.user_message)
    expected = (400, "parameter_unknown", "colour", "Received unknown parameter: colour")
    assert answers == {route_key(r.method, r.rule): expected for r in api.ROUTES}


def test_nested_unknown_params_name_their_place(client, catalog):
    with pytest.raises(stripe.InvalidRequestError) as info:
        new_session(client, catalog["ebook"].id, line_items=[{"price": catalog["ebook"].id, "quantity": 1,
                                                              "colour": "red"}])
    assert info.value.param == "line_items[0][colour]" and info.value.code == "parameter_unknown"
    with pytest.raises(stripe.InvalidRequestError) as info:
        new_session(client, catalog["ebook"].id, subscription_data={"trial_days": 3})
    assert info.value.param == "subscription_data[trial_days]"
    # free-form keys stay free: metadata, currency codes
    assert new_session(client, catalog["ebook"].id, metadata={"any key": "v"}).metadata["any key"] == "v"


def test_check_walks_lists_and_free_form_keys():
    check("POST", "/v1/prices", {"currency": "usd", "currency_options": {"eur": {"unit_amount": "1"}}})
    with pytest.raises(Exception) as info:
        check("POST", "/v1/prices", {"currency_options": {"eur": {"unit_amnt": "1"}}})
    assert "currency_options[eur][unit_amnt]" in str(info.value)


def test_params_the_issue_named_are_accepted_and_kept(client, catalog):
    """Accepted, and stored where that is cheap; the rest are documented as ignored for now."""
    embedded = client.v1.checkout.sessions.create(params={
        "mode": "payment", "ui_mode": "embedded_page", "return_url": "https://shop.example/r?s={CHECKOUT_SESSION_ID}",
        "line_items": [{"price": catalog["ebook"].id, "quantity": 1}],
        "automatic_tax": {"enabled": True},
        "invoice_creation": {"enabled": True, "invoice_data": {"footer": "Thank you", "metadata": {"po": "7"}}},
        "tax_id_collection": {"enabled": True, "required": "if_supported"},
        "shipping_options": [{"shipping_rate_data": {"display_name": "Post", "type": "fixed_amount",
                                                     "fixed_amount": {"amount": 500, "currency": "usd"}}}],
        "discounts": [{"coupon": client.v1.coupons.create(params={"id": "SPRING", "amount_off": 100,
                                                                   "currency": "usd"}).id}]})
    assert embedded.ui_mode == "embedded_page" and embedded.return_url.startswith("https://shop.example/r")
    assert embedded.client_secret.startswith(embedded.id) and embedded.url is None
    assert embedded.discounts[0].coupon == "SPRING" and embedded.automatic_tax.enabled is True
    assert embedded.total_details.amount_discount == 100 and embedded.shipping_cost.amount_subtotal == 500
    assert embedded.invoice_creation.enabled is True and embedded.invoice_creation.invoice_data.footer == "Thank you"
    assert embedded.tax_id_collection.enabled is True and embedded.tax_id_collection.required == "if_supported"
    trial = new_session(client, catalog["monthly"].id, mode="subscription",
                        subscription_data={"trial_period_days": 14})
    assert trial.status == "open"
    price = client.v1.prices.create(params={"product": catalog["ebook"].product, "unit_amount": 1500,
                                            "currency": "usd", "currency_options": {"eur": {"unit_amount": 1400}}})
    assert "currency_options" not in price.to_dict()  # Stripe shows it only when expanded
    shown = client.v1.prices.retrieve(price.id, params={"expand": ["currency_options"]}).currency_options
    assert (shown["eur"].unit_amount, shown["usd"].unit_amount) == (1400, 1500)


def _documented_ignored() -> dict[str, set[str]]:
    """The 'Accepted but ignored' list of docs/emulator.md: route -> parameter names."""
    text = DOCS.read_text()
    section = text.split("## Parameters accepted but ignored", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[str]] = {}
    for line in section.splitlines():
        m = re.match(r"- `(GET|POST|DELETE) (/v1/\S+)`: (.*)", line)
        if m:
            found[f"{m.group(1)} {m.group(2)}"] = set(re.findall(r"`([a-z_]+)`", m.group(3)))
    return found


def test_ignored_params_are_the_documented_ones():
    """docs/emulator.md lists, per route, exactly the declared parameters the handler does not act on."""
    expected = {}
    for route in api.ROUTES:
        ignored = set(declared(route)) - route.honoured - {"expand"}
        if ignored:
            expected[route_key(route.method, route.rule)] = ignored
    assert _documented_ignored() == expected
    for route in api.ROUTES:  # and a handler only claims what the SDK declares
        assert route.honoured <= set(declared(route)), route_key(route.method, route.rule)
