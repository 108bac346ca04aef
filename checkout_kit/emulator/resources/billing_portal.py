"""The customer portal: configurations (what a customer may do there) and sessions (a short-lived
link to the hosted portal page for one customer, `/p/session/{secret}`; see `portal_page`).

A session made without `configuration` uses the account's default configuration. Stripe has one
once the portal settings were saved in the Dashboard; the emulator makes it on first use, as if
they had been: cancel at the end of the period, update the card, see invoices, no plan switching
(which needs the products listed — `configurations` create one that allows it).
"""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, now, to_bool, to_dict, to_int, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, honours, url
from checkout_kit.emulator.resources.subscriptions import FEEDBACK, PRORATIONS
from checkout_kit.emulator.state import State, filter_eq, paginate

SESSION_TTL_S = 3600  # how long a portal link works
CUSTOMER_UPDATES = ("address", "email", "name", "phone", "shipping", "tax_id")
FLOWS = ("payment_method_update", "subscription_cancel", "subscription_update", "subscription_update_confirm")


def _enum(value: Any, allowed: tuple[str, ...], param: str) -> str:
    if value not in allowed:
        raise invalid(f"Invalid {param}: must be one of {', '.join(allowed)}", param=param)
    return value


def _enabled(data: dict[str, Any], param: str, default: bool | None = None) -> bool:
    if "enabled" not in data:
        if default is None:
            raise invalid(f"Missing required param: {param}[enabled].", param=f"{param}[enabled]",
                          code="parameter_missing")
        return default
    return to_bool(data["enabled"], f"{param}[enabled]")


def _products(state: State, raw: Any, param: str) -> list[dict[str, Any]]:
    products = []
    for n, entry in enumerate(to_list(raw, param)):
        where = f"{param}[{n}]"
        entry = to_dict(entry, where)
        product = state.get("product", entry.get("product"), f"{where}[product]", status=400)
        prices = [to_str(p, f"{where}[prices]") for p in to_list(entry.get("prices", []), f"{where}[prices]")]
        if not prices:
            raise invalid(f"Missing required param: {where}[prices].", param=f"{where}[prices]",
                          code="parameter_missing")
        for price_id in prices:
            price = state.get("price", price_id, f"{where}[prices]", status=400)
            if price["product"] != product["id"] or not price["recurring"]:
                raise invalid(f"The price {price_id} must be a recurring price of product {product['id']}.",
                              param=f"{where}[prices]")
        quantity = to_dict(entry.get("adjustable_quantity", {}), f"{where}[adjustable_quantity]")
        products.append({"product": product["id"], "prices": prices, "adjustable_quantity": {
            "enabled": to_bool(quantity.get("enabled", False), f"{where}[adjustable_quantity][enabled]"),
            "maximum": to_int(quantity["maximum"], f"{where}[adjustable_quantity][maximum]") if quantity.get("maximum") else None,
            "minimum": to_int(quantity.get("minimum", 1), f"{where}[adjustable_quantity][minimum]")}})
    return products


def features(state: State, raw: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `features` hash from the params, over `current` (an update changes what it names)."""
    given = to_dict(raw, "features")
    result = dict(current or default_features())
    if "customer_update" in given:
        data = to_dict(given["customer_update"], "features[customer_update]")
        allowed = [_enum(u, CUSTOMER_UPDATES, "features[customer_update][allowed_updates]")
                   for u in to_list(data.get("allowed_updates", []), "features[customer_update][allowed_updates]")]
        result["customer_update"] = {"enabled": _enabled(data, "features[customer_update]"), "allowed_updates": allowed}
    if "invoice_history" in given:
        data = to_dict(given["invoice_history"], "features[invoice_history]")
        result["invoice_history"] = {"enabled": _enabled(data, "features[invoice_history]")}
    if "payment_method_update" in given:
        data = to_dict(given["payment_method_update"], "features[payment_method_update]")
        result["payment_method_update"] = {"enabled": _enabled(data, "features[payment_method_update]"),
                                           "payment_method_configuration": data.get("payment_method_configuration")
                                           or None}
    if "subscription_cancel" in given:
        data = to_dict(given["subscription_cancel"], "features[subscription_cancel]")
        reason = to_dict(data.get("cancellation_reason", {}), "features[subscription_cancel][cancellation_reason]")
        where = "features[subscription_cancel][cancellation_reason]"
        result["subscription_cancel"] = {
            "enabled": _enabled(data, "features[subscription_cancel]"),
            "mode": _enum(data.get("mode", "at_period_end"), ("at_period_end", "immediately"),
                          "features[subscription_cancel][mode]"),
            "proration_behavior": _enum(data.get("proration_behavior", "none"), PRORATIONS,
                                        "features[subscription_cancel][proration_behavior]"),
            "cancellation_reason": {
                "enabled": _enabled(reason, where, default=False),
                "options": [_enum(o, FEEDBACK, f"{where}[options]") for o in to_list(reason.get("options", []),
                                                                                       f"{where}[options]")],
                "feedback_options": None}}
    if "subscription_update" in given:
        data = to_dict(given["subscription_update"], "features[subscription_update]")
        where = "features[subscription_update]"
        enabled = _enabled(data, where)
        products = _products(state, data.get("products", []), f"{where}[products]")
        allowed = [_enum(u, ("price", "promotion_code", "quantity"), f"{where}[default_allowed_updates]")
                   for u in to_list(data.get("default_allowed_updates", []), f"{where}[default_allowed_updates]")]
        if enabled and not products:
            raise invalid(f"Missing required param: {where}[products].", param=f"{where}[products]",
                          code="parameter_missing")
        result["subscription_update"] = {
            "enabled": enabled, "default_allowed_updates": allowed, "products": products or None,
            "proration_behavior": _enum(data.get("proration_behavior", "none"), PRORATIONS,
                                        f"{where}[proration_behavior]"),
            "billing_cycle_anchor": data.get("billing_cycle_anchor") or None,
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": _enum(data.get("trial_update_behavior", "end_trial"),
                                           ("continue_trial", "end_trial"), f"{where}[trial_update_behavior]")}
    if "subscription_pause" in given:
        data = to_dict(given["subscription_pause"], "features[subscription_pause]")
        result["subscription_pause"] = {"enabled": _enabled(data, "features[subscription_pause]", default=False),
                                        "duration": {"interval_options": [], "type": "indefinite"}}
    return result


def default_features() -> dict[str, Any]:
    return {
        "customer_update": {"enabled": True, "allowed_updates": ["email", "address", "name"]},
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True, "payment_method_configuration": None},
        "subscription_cancel": {"enabled": True, "mode": "at_period_end", "proration_behavior": "none",
                                "cancellation_reason": {"enabled": False, "options": [], "feedback_options": None}},
        "subscription_update": {"enabled": False, "default_allowed_updates": [], "products": None,
                                "proration_behavior": "none", "billing_cycle_anchor": None,
                                "schedule_at_period_end": {"conditions": []}, "trial_update_behavior": "end_trial"},
        "subscription_pause": {"enabled": False, "duration": {"interval_options": [], "type": "indefinite"}},
    }


def _business_profile(raw: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    data = to_dict(raw, "business_profile")
    result = dict(current or {"headline": None, "privacy_policy_url": None, "terms_of_service_url": None})
    if "headline" in data:
        result["headline"] = to_str(data["headline"], "business_profile[headline]", 60) or None
    for key in ("privacy_policy_url", "terms_of_service_url"):
        if key in data:
            result[key] = url(data[key], f"business_profile[{key}]") if data[key] else None
    return result


def _apply(state: State, config: dict[str, Any], p: dict[str, Any]) -> None:
    if "features" in p:
        config["features"] = features(state, p["features"], config["features"])
    if "business_profile" in p:
        config["business_profile"] = _business_profile(p["business_profile"], config["business_profile"])
    if "default_return_url" in p:
        config["default_return_url"] = url(p["default_return_url"], "default_return_url") if p["default_return_url"] \
            else None
    if "login_page" in p:
        enabled = to_bool(to_dict(p["login_page"], "login_page").get("enabled", False), "login_page[enabled]")
        config["login_page"] = {"enabled": enabled,
                                "url": f"{state.public_url}/p/login/{new_id('test_', 24)}" if enabled else None}
    if "metadata" in p:
        config["metadata"] = merge_metadata(config["metadata"] or {}, p["metadata"])
    if "name" in p:
        config["name"] = to_str(p["name"], "name", 256) or None
    if "active" in p:
        config["active"] = to_bool(p["active"], "active")


def new_configuration(state: State, p: dict[str, Any], is_default: bool = False) -> dict[str, Any]:
    created = now()
    config = build("billing_portal.configuration", id=new_id("bpc_"), active=True, application=None,
                   business_profile=_business_profile({}), created=created, default_return_url=None,
                   features=default_features(), is_default=is_default, login_page={"enabled": False, "url": None},
                   metadata={}, name=None, updated=created)
    _apply(state, config, p)
    state.add(config)
    state.emit("billing_portal.configuration.created", config)
    return config


def default_configuration(state: State) -> dict[str, Any]:
    for config in state.objects["billing_portal.configuration"].values():
        if config["is_default"]:
            return config
    return new_configuration(state, {}, is_default=True)


@honours("features", "business_profile", "default_return_url", "login_page", "metadata", "name")
def create_configuration(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    if "features" not in p:
        raise invalid("Missing required param: features.", param="features", code="parameter_missing")
    return new_configuration(ctx.state, p)


@honours("features", "business_profile", "default_return_url", "login_page", "metadata", "name", "active")
def update_configuration(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    config = ctx.state.get("billing_portal.configuration", id)
    _apply(ctx.state, config, p)
    config["updated"] = now()
    ctx.state.emit("billing_portal.configuration.updated", config, ctx.request_id, ctx.idempotency_key)
    return config


@honours("active", "is_default", "limit", "starting_after", "ending_before")
def list_configurations(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("billing_portal.configuration"), p, {
        "active": lambda v: to_bool(v, "active"), "is_default": lambda v: to_bool(v, "is_default")})
    return paginate(items, p, "/v1/billing_portal/configurations")


def _flow(state: State, customer: str, raw: Any) -> dict[str, Any]:
    data = to_dict(raw, "flow_data")
    kind = _enum(data.get("type"), FLOWS, "flow_data[type]")
    after = to_dict(data.get("after_completion", {}), "flow_data[after_completion]")
    after_type = _enum(after.get("type", "portal_homepage"), ("hosted_confirmation", "portal_homepage", "redirect"),
                       "flow_data[after_completion][type]")
    redirect = to_dict(after.get("redirect", {}), "flow_data[after_completion][redirect]")
    if after_type == "redirect" and not redirect.get("return_url"):
        raise invalid("Missing required param: flow_data[after_completion][redirect][return_url].",
                      param="flow_data[after_completion][redirect][return_url]", code="parameter_missing")
    confirmation = to_dict(after.get("hosted_confirmation", {}), "flow_data[after_completion][hosted_confirmation]")
    flow: dict[str, Any] = {
        "type": kind, "after_completion": {
            "type": after_type,
            "redirect": {"return_url": url(redirect["return_url"], "flow_data[after_completion][redirect][return_url]")}
            if after_type == "redirect" else None,
            "hosted_confirmation": {"custom_message": confirmation.get("custom_message") or None}
            if after_type == "hosted_confirmation" else None},
        "customer_update": None, "subscription_cancel": None, "subscription_pause": None,
        "subscription_update": None, "subscription_update_confirm": None}
    if kind in ("subscription_cancel", "subscription_update", "subscription_update_confirm"):
        section = to_dict(data.get(kind, {}), f"flow_data[{kind}]")
        sub = state.get("subscription", section.get("subscription"), f"flow_data[{kind}][subscription]", status=400)
        if sub["customer"] != customer:
            raise invalid("The subscription does not belong to this customer.",
                          param=f"flow_data[{kind}][subscription]")
        flow[kind] = {"subscription": sub["id"]}
        if kind == "subscription_cancel":
            flow[kind]["retention"] = None
        if kind == "subscription_update_confirm":
            items = [to_dict(i, f"flow_data[{kind}][items]") for i in to_list(section.get("items", []),
                                                                             f"flow_data[{kind}][items]")]
            if not items:
                raise invalid(f"Missing required param: flow_data[{kind}][items].",
                              param=f"flow_data[{kind}][items]", code="parameter_missing")
            flow[kind].update(discounts=None, items=[{"id": i.get("id"), "price": i.get("price"),
                                                      "quantity": int(i["quantity"]) if i.get("quantity") else None}
                                                     for i in items])
    return flow


@honours("customer", "return_url", "configuration", "flow_data")
def create_session(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    state = ctx.state
    if not p.get("customer"):
        raise invalid("Missing required param: customer.", param="customer", code="parameter_missing")
    customer = state.get("customer", p["customer"], "customer", status=400)["id"]
    if p.get("configuration"):
        config = state.get("billing_portal.configuration", p["configuration"], "configuration", status=400)
        if not config["active"]:
            raise invalid("This configuration is not active; activate it or pass another.", param="configuration")
    else:
        config = default_configuration(state)
    return_url = url(p["return_url"], "return_url") if p.get("return_url") else config["default_return_url"]
    secret = new_id("test_", 40)
    session = build("billing_portal.session", id=new_id("bps_"), configuration=config["id"], customer=customer,
                    customer_account=None, flow=_flow(state, customer, p["flow_data"]) if p.get("flow_data") else None,
                    locale=None, on_behalf_of=None, return_url=return_url, after_expiration=None,
                    url=f"{ctx.public_url}/p/session/{secret}")
    state.add(session)
    state.portal_links[secret] = session["id"]
    return session


def session_for(state: State, secret: str) -> dict[str, Any] | None:
    """The live session behind a portal link (None when unknown or expired)."""
    session = state.objects["billing_portal.session"].get(state.portal_links.get(secret, ""))
    if session is None or session["created"] + SESSION_TTL_S < now():
        return None
    return session
