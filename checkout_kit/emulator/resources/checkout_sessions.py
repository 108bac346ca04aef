"""Checkout Sessions: create, retrieve, list, their line items (paged), expire.

A session's line items live beside it (`state.session_items`), not in it: Stripe
shows them only through `GET …/line_items` or `expand[]=line_items`, and then
only the first page (see `emulator.expansion`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from checkout_kit.emulator import pricing
from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, now, to_bool, to_dict, to_int, to_list, to_str
from checkout_kit.emulator.resources import discounts as coupons
from checkout_kit.emulator.resources.common import Ctx, currency, email, honours, lister, one_of, url
from checkout_kit.emulator.resources.prices import create_price, currency_options
from checkout_kit.emulator.resources.shipping_rates import amount_in, make_shipping_rate
from checkout_kit.emulator.state import State, paginate

SESSION_DEFAULT_TTL_S = 24 * 3600
SESSION_MIN_TTL_S = 30 * 60
MODES = ("payment", "setup", "subscription")
UI_MODES = ("elements", "embedded_page", "form", "hosted_page")
HOSTED = "hosted_page"
EMBEDDED = "embedded_page"
REDIRECTS = ("always", "if_required", "never")


def _enum(p: dict[str, Any], name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = p.get(name, default)
    return None if value is None else one_of(value, allowed, name)


def _unit_amount(ctx: Ctx, price: dict[str, Any], cur: str | None, param: str) -> tuple[int, str]:
    """The price's amount in the session's currency (`currency_options`), or its own."""
    if cur is None or cur == price["currency"]:
        return price["unit_amount"], price["currency"]
    option = currency_options(ctx.state, price).get(cur)
    if option is None:
        raise invalid(f"The price `{price['id']}` has no `currency_options` entry for `{cur}`, so it cannot be "
                      f"bought in {cur.upper()}.", param=param, code="currency_unavailable")
    return option["unit_amount"], cur


def _line_items(ctx: Ctx, p: dict[str, Any], cur: str | None = None) -> list[dict[str, Any]]:
    raw = to_list(p.get("line_items", []), "line_items")
    if not raw:
        raise invalid("Missing required param: line_items.", param="line_items", code="parameter_missing")
    items: list[dict[str, Any]] = []
    for n, entry in enumerate(raw):
        base = f"line_items[{n}]"
        entry = to_dict(entry, base)
        if "price" in entry:
            price = ctx.state.get("price", entry["price"], f"{base}[price]", status=400)
        elif "price_data" in entry:
            price = create_price(ctx, to_dict(entry["price_data"], f"{base}[price_data]"), inline=True)
        else:
            raise invalid(f"Missing required param: {base}[price].", param=f"{base}[price]",
                          code="parameter_missing")
        if not price["active"] and "price" in entry:
            raise invalid(f"The price `{price['id']}` is not active, so it cannot be bought.",
                          param=f"{base}[price]", code="price_inactive")
        product = ctx.state.get("product", price["product"], f"{base}[price]", status=400)
        if not product["active"]:
            raise invalid(f"The product `{product['id']}` of price `{price['id']}` is not active.",
                          param=f"{base}[price]", code="product_inactive")
        if "quantity" not in entry:
            raise invalid(f"Missing required param: {base}[quantity].", param=f"{base}[quantity]",
                          code="parameter_missing")
        quantity = to_int(entry["quantity"], f"{base}[quantity]", 1, 999_999)
        unit_amount, line_currency = _unit_amount(ctx, price, cur, f"{base}[price]")
        subtotal = unit_amount * quantity
        items.append(build(
            "item",
            id=new_id("li_test_"),
            amount_discount=0,
            amount_subtotal=subtotal,
            amount_tax=0,
            amount_total=subtotal,
            currency=line_currency,
            description=product["name"],
            price=copy.deepcopy(price),
            quantity=quantity,
        ))
    return items


def _check_mode(mode: str, items: list[dict[str, Any]]) -> None:
    currencies = {i["currency"] for i in items}
    if len(currencies) > 1:
        raise invalid("All line items of a Checkout Session must use the same currency.",
                      param="line_items", code="checkout_currency_mismatch")
    recurring = [i["price"]["recurring"] for i in items if i["price"]["recurring"]]
    if mode == "payment" and recurring:
        raise invalid("You specified `payment` mode but passed a recurring price. Either switch to "
                      "`subscription` mode or use only one-time prices.", param="line_items")
    if mode == "subscription":
        if not recurring:
            raise invalid("You must provide at least one recurring price in `subscription` mode "
                          "when using prices.", param="line_items")
        cadences = {(r["interval"], r["interval_count"]) for r in recurring}
        if len(cadences) > 1:
            raise invalid("Checkout does not support multiple prices with different billing "
                          "intervals.", param="line_items")


def _urls(p: dict[str, Any], ui_mode: str) -> dict[str, Any]:
    """success/cancel URLs for the hosted page; return_url and redirect rule for the others."""
    if ui_mode == HOSTED:
        if "return_url" in p or "redirect_on_completion" in p:
            raise invalid("`return_url` and `redirect_on_completion` can only be used with "
                          "`ui_mode: embedded_page`, `elements` or `form`.", param="return_url")
        if "success_url" not in p:
            raise invalid("Missing required param: success_url.", param="success_url", code="parameter_missing")
        return {"success_url": url(p["success_url"], "success_url"),
                "cancel_url": url(p["cancel_url"], "cancel_url") if p.get("cancel_url") else None,
                "return_url": None, "redirect_on_completion": None}
    if "success_url" in p or "cancel_url" in p:
        raise invalid(f"`success_url` and `cancel_url` cannot be used with `ui_mode: {ui_mode}`. "
                      "Use `return_url` instead.", param="success_url")
    redirect = _enum(p, "redirect_on_completion", REDIRECTS, "always")
    if redirect != "never" and ui_mode == "embedded_page" and not p.get("return_url"):
        raise invalid("Missing required param: return_url.", param="return_url", code="parameter_missing")
    return {"success_url": None, "cancel_url": None, "redirect_on_completion": redirect,
            "return_url": url(p["return_url"], "return_url") if p.get("return_url") else None}


def _shipping_address_collection(p: dict[str, Any]) -> dict[str, Any] | None:
    if not p.get("shipping_address_collection"):
        return None
    param = "shipping_address_collection[allowed_countries]"
    data = to_dict(p["shipping_address_collection"], "shipping_address_collection")
    countries = [to_str(c, param).upper() for c in to_list(data.get("allowed_countries", []), param)]
    if not countries or any(not re.fullmatch(r"[A-Z]{2}", c) for c in countries):
        raise invalid(f"{param} needs two-letter country codes.", param=param)
    return {"allowed_countries": countries}


def _automatic_tax(p: dict[str, Any]) -> dict[str, Any]:
    enabled = False
    if p.get("automatic_tax"):
        enabled = to_bool(to_dict(p["automatic_tax"], "automatic_tax").get("enabled", False), "automatic_tax[enabled]")
    return {"enabled": enabled, "liability": {"account": None, "type": "self"} if enabled else None,
            "provider": "stripe" if enabled else None, "status": "complete" if enabled else None}


def _invoice_creation(p: dict[str, Any], mode: str) -> dict[str, Any] | None:
    """Stored as given (the invoice it promises is created in a later version of the emulator)."""
    if mode != "payment":
        if p.get("invoice_creation"):
            raise invalid("`invoice_creation` can only be used in `payment` mode.", param="invoice_creation")
        return None
    data = to_dict(p.get("invoice_creation", {}), "invoice_creation")
    invoice_data = to_dict(data.get("invoice_data", {}), "invoice_creation[invoice_data]")
    fields = [{"name": to_str(f.get("name", ""), "custom_fields"), "value": to_str(f.get("value", ""), "custom_fields")}
              for f in (to_dict(x, "invoice_creation[invoice_data][custom_fields]")
                        for x in to_list(invoice_data.get("custom_fields", []),
                                         "invoice_creation[invoice_data][custom_fields]"))]
    return {
        "enabled": to_bool(data.get("enabled", False), "invoice_creation[enabled]"),
        "invoice_data": {
            "account_tax_ids": None, "custom_fields": fields or None,
            "description": invoice_data.get("description") or None,
            "footer": invoice_data.get("footer") or None, "issuer": None,
            "metadata": merge_metadata({}, invoice_data.get("metadata", {}), "invoice_creation[invoice_data][metadata]"),
            "rendering_options": None,
        },
    }


def _tax_id_collection(p: dict[str, Any]) -> dict[str, Any]:
    data = to_dict(p.get("tax_id_collection", {}), "tax_id_collection")
    enabled = to_bool(data.get("enabled", False), "tax_id_collection[enabled]")
    required = data.get("required", "never")
    if required not in ("if_supported", "never"):
        raise invalid("Invalid tax_id_collection[required]: must be one of if_supported or never",
                      param="tax_id_collection[required]")
    return {"enabled": enabled, "required": required}


def _subscription_data(p: dict[str, Any], mode: str) -> dict[str, Any]:
    """`subscription_data`, checked: metadata, description, a trial (days, and what ends it
    without a payment method)."""
    data = to_dict(p.get("subscription_data", {}), "subscription_data")
    if data and mode != "subscription":
        raise invalid("You can only specify `subscription_data` in `subscription` mode.", param="subscription_data")
    if "trial_period_days" in data:
        data["trial_period_days"] = to_int(data["trial_period_days"], "subscription_data[trial_period_days]", 1, 730)
    behavior = ((to_dict(data.get("trial_settings", {}), "subscription_data[trial_settings]")
                 .get("end_behavior") or {}).get("missing_payment_method"))
    if behavior is not None:
        one_of(behavior, ("cancel", "create_invoice", "pause"),
               "subscription_data[trial_settings][end_behavior][missing_payment_method]")
    return data


MAX_SHIPPING_OPTIONS = 5


def _shipping_options(ctx: Ctx, p: dict[str, Any], mode: str, cur: str) -> list[dict[str, Any]]:
    """`shipping_options`: rates by id or inline data, each with its amount in the session's currency."""
    raw = to_list(p.get("shipping_options", []), "shipping_options")
    if not raw:
        return []
    if mode != "payment":
        raise invalid("`shipping_options` can only be used in `payment` mode.", param="shipping_options")
    if len(raw) > MAX_SHIPPING_OPTIONS:
        raise invalid(f"You can pass at most {MAX_SHIPPING_OPTIONS} shipping options.", param="shipping_options")
    options = []
    for n, entry in enumerate(raw):
        base = f"shipping_options[{n}]"
        entry = to_dict(entry, base)
        if "shipping_rate" in entry:
            rate = ctx.state.get("shipping_rate", entry["shipping_rate"], f"{base}[shipping_rate]", 400)
        elif "shipping_rate_data" in entry:
            rate = make_shipping_rate(ctx, to_dict(entry["shipping_rate_data"], f"{base}[shipping_rate_data]"),
                                      f"{base}[shipping_rate_data]")
        else:
            raise invalid(f"Missing required param: {base}[shipping_rate].", param=f"{base}[shipping_rate]",
                          code="parameter_missing")
        amount = amount_in(rate, cur)
        if amount is None:
            raise invalid(f"The shipping rate `{rate['id']}` has no amount in {cur.upper()}.",
                          param=f"{base}[shipping_rate]", code="currency_unavailable")
        options.append({"shipping_amount": amount, "shipping_rate": rate["id"]})
    return options


def _discounts(ctx: Ctx, p: dict[str, Any], items: list[dict[str, Any]], cur: str) -> list[dict[str, Any]]:
    """`discounts` on create: one coupon or promotion code, checked as the page's code field is."""
    raw = to_list(p.get("discounts", []), "discounts")
    if not raw:
        return []
    if p.get("allow_promotion_codes") not in (None, "", "false", False):
        raise invalid("You may only specify one of these parameters: allow_promotion_codes, discounts.",
                      param="discounts")
    if len(raw) > 1:
        raise invalid("You can apply at most one discount to a Checkout Session.", param="discounts")
    entry = to_dict(raw[0], "discounts[0]")
    if entry.get("promotion_code"):
        promo = ctx.state.get("promotion_code", entry["promotion_code"], "discounts[0][promotion_code]", 400)
        coupon = coupons.redeemable(ctx.state, promo["promotion"]["coupon"], promo, items, cur,
                                    "discounts[0][promotion_code]")
        return [{"coupon": coupon["id"], "promotion_code": promo["id"], "start": now()}]
    if entry.get("coupon"):
        coupon = coupons.redeemable(ctx.state, entry["coupon"], None, items, cur, "discounts[0][coupon]")
        return [{"coupon": coupon["id"], "promotion_code": None, "start": now()}]
    raise invalid("Missing required param: discounts[0][coupon].", param="discounts[0][coupon]",
                  code="parameter_missing")


def pricing_inputs(state: Any, session: dict[str, Any]) -> pricing.Inputs:
    return state.session_extras[session["id"]]["pricing"]


def reprice(state: Any, session: dict[str, Any]) -> None:
    """Recompute the session's amounts after the buyer changed a code, a rate or an address."""
    pricing.apply(state, session, state.session_items[session["id"]], pricing_inputs(state, session))


@honours("mode", "line_items", "success_url", "cancel_url", "return_url", "redirect_on_completion", "ui_mode",
         "customer_email", "customer", "client_reference_id", "metadata", "expires_at", "allow_promotion_codes",
         "shipping_address_collection", "automatic_tax", "billing_address_collection", "locale", "submit_type",
         "customer_creation", "payment_intent_data", "subscription_data", "phone_number_collection",
         "invoice_creation", "tax_id_collection", "allowed_payment_method_types", "currency", "discounts",
         "shipping_options", "payment_method_collection")
def create_session(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    mode = _enum(p, "mode", MODES, "payment")
    if mode == "setup":
        raise invalid("The emulator does not support `setup` mode.", param="mode")
    ui_mode = _enum(p, "ui_mode", UI_MODES, HOSTED) or HOSTED
    urls = _urls(p, ui_mode)
    cur = currency(p["currency"]) if p.get("currency") else None
    items = _line_items(ctx, p, cur)
    _check_mode(mode, items)
    cur = items[0]["currency"]
    applied = _discounts(ctx, p, items, cur)
    shipping_options = _shipping_options(ctx, p, mode, cur)
    created = now()
    expires_at = created + SESSION_DEFAULT_TTL_S
    if "expires_at" in p:
        expires_at = to_int(p["expires_at"], "expires_at")
        if not created + SESSION_MIN_TTL_S - 5 <= expires_at <= created + SESSION_DEFAULT_TTL_S + 5:
            raise invalid("The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                          "Checkout Session creation.", param="expires_at")
    customer = None
    if p.get("customer"):
        customer = ctx.state.get("customer", p["customer"], "customer", status=400)["id"]
        if "customer_email" in p:
            raise invalid("You may only specify one of these parameters: customer, customer_email.",
                          param="customer_email")
    methods = [to_str(m, "allowed_payment_method_types") for m in
               to_list(p.get("allowed_payment_method_types", []), "allowed_payment_method_types")]
    subscription_data = _subscription_data(p, mode)
    subtotal = sum(i["amount_subtotal"] for i in items)
    collection = _enum(p, "payment_method_collection", ("always", "if_required"), "always")
    session_id = new_id("cs_test_", 58)
    session = build(
        "checkout.session",
        id=session_id,
        mode=mode,
        ui_mode=ui_mode,
        status="open",
        payment_status="unpaid",
        amount_subtotal=subtotal,
        amount_total=subtotal,
        currency=cur,
        shipping_options=shipping_options,
        total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0, "breakdown": None},
        created=created,
        expires_at=expires_at,
        customer=customer,
        customer_email=email(p["customer_email"], "customer_email") if p.get("customer_email") else None,
        customer_creation=(_enum(p, "customer_creation", ("always", "if_required"), "if_required")
                           if mode == "payment" else None),
        client_reference_id=to_str(p["client_reference_id"], "client_reference_id", 200)
        if p.get("client_reference_id") else None,
        metadata=merge_metadata({}, p.get("metadata", {})),
        allow_promotion_codes=to_bool(p["allow_promotion_codes"], "allow_promotion_codes")
        if "allow_promotion_codes" in p else None,
        shipping_address_collection=_shipping_address_collection(p),
        automatic_tax=_automatic_tax(p),
        invoice_creation=_invoice_creation(p, mode),
        tax_id_collection=_tax_id_collection(p),
        billing_address_collection=_enum(p, "billing_address_collection", ("auto", "required")),
        phone_number_collection={"enabled": to_bool(to_dict(p.get("phone_number_collection", {}),
                                                            "phone_number_collection").get("enabled", False),
                                                    "phone_number_collection[enabled]")},
        locale=to_str(p["locale"], "locale") if p.get("locale") else None,
        submit_type=_enum(p, "submit_type", ("auto", "book", "donate", "pay", "subscribe")),
        payment_method_types=methods or ["card"],
        allowed_payment_method_types=methods or None,
        payment_method_collection=collection if mode == "subscription" else None,
        subscription=None,
        invoice=None,
        setup_intent=None,
        client_secret=(f"{session_id}_secret_{new_id('', 24)}" if ui_mode != HOSTED else None),
        url=f"{ctx.public_url}/c/pay/{session_id}" if ui_mode == HOSTED else None,
        **urls,
    )
    ctx.state.session_items[session_id] = items
    # Create-time settings that shape what paying creates; not part of the session's shape.
    first_rate = ctx.state.objects["shipping_rate"][shipping_options[0]["shipping_rate"]] if shipping_options else None
    ctx.state.session_extras[session_id] = {
        "payment_intent_data": to_dict(p.get("payment_intent_data", {}), "payment_intent_data"),
        "subscription_data": subscription_data,
        # what the amounts depend on; the page changes it (code, shipping option, address) and reprices
        "pricing": pricing.Inputs(discounts=applied, shipping_rate=first_rate, tax_country=None,
                                  automatic_tax=session["automatic_tax"]["enabled"],
                                  trial=bool(subscription_data.get("trial_period_days"))),
    }
    reprice(ctx.state, session)
    ctx.state.add(session)
    return session


list_sessions = honours("payment_intent", "subscription", "customer", "status", "created", "limit", "starting_after",
                        "ending_before")(
    lister("checkout.session", "/v1/checkout/sessions",
           {"payment_intent": str, "subscription": str, "customer": str, "status": str}))


def line_items_url(session_id: str) -> str:
    return f"/v1/checkout/sessions/{session_id}/line_items"


@honours("limit", "starting_after", "ending_before")
def list_session_line_items(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    """The session's lines in cart order, a page at a time (limit 1–100, default 10)."""
    ctx.state.get("checkout.session", id)
    return paginate(list(ctx.state.session_items.get(id, [])), p, line_items_url(id))


@honours()
def expire_session(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    session = ctx.state.get("checkout.session", id)
    if session["status"] != "open":
        raise invalid(f"Only Checkout Sessions with a status in [\"open\"] can be expired. This "
                      f"Checkout Session has a status of \"{session['status']}\".",
                      code="checkout_session_not_open")
    mark_expired(ctx.state, session, ctx.request_id, ctx.idempotency_key)
    return session


def mark_expired(state: State, session: dict[str, Any], request_id: str | None = None,
                 idempotency_key: str | None = None) -> None:
    session["status"] = "expired"
    session["url"] = None
    state.challenges = {k: v for k, v in state.challenges.items() if v["session"] != session["id"]}
    state.emit("checkout.session.expired", session, request_id, idempotency_key)
