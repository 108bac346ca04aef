"""The `/v1` resources: products, prices, customers, Checkout Sessions and the
objects paying creates (payment intents, charges, subscriptions, invoices),
plus events. Handlers take decoded params and return plain dicts; the server
wraps them in HTTP, auth and idempotency.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from checkout_kit.emulator import objects
from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import (
    build, merge_metadata, new_id, reject_unknown, to_bool, to_dict, to_int, to_list, to_str,
)
from checkout_kit.emulator.state import State, filter_eq, kind_of, paginate

SESSION_DEFAULT_TTL_S = 24 * 3600
SESSION_MIN_TTL_S = 30 * 60
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CURRENCY = re.compile(r"^[a-z]{3}$")
INTERVALS = {"day", "week", "month", "year"}


@dataclass
class Ctx:
    """What a handler knows about the request besides its params."""

    state: State
    public_url: str
    request_id: str
    idempotency_key: str | None = None


def _currency(value: Any, param: str = "currency") -> str:
    cur = to_str(value, param).lower()
    if not CURRENCY.match(cur):
        raise invalid(f"Invalid currency: {value}", param=param)
    return cur


def _url(value: Any, param: str) -> str:
    url = to_str(value, param, 5000)
    parts = urlsplit(url.replace("{CHECKOUT_SESSION_ID}", "x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("Not a valid URL", param=param, code="url_invalid")
    return url


def _email(value: Any, param: str) -> str:
    email = to_str(value, param, 800)
    if not EMAIL.match(email):
        raise invalid(f"Invalid email address: {email}", param=param, code="email_invalid")
    return email


# ---- products -------------------------------------------------------------

PRODUCT_FIELDS = {"name", "description", "active", "metadata", "images", "shippable", "url",
                  "statement_descriptor", "tax_code", "unit_label", "default_price"}


def _apply_product(product: dict[str, Any], p: dict[str, Any]) -> None:
    if "name" in p:
        name = to_str(p["name"], "name", 250)
        if not name.strip():
            raise invalid("Missing required param: name.", param="name", code="parameter_missing")
        product["name"] = name
    for key in ("description", "statement_descriptor", "tax_code", "unit_label", "url"):
        if key in p:
            product[key] = to_str(p[key], key) or None
    if "active" in p:
        product["active"] = to_bool(p["active"], "active")
    if "shippable" in p:
        product["shippable"] = to_bool(p["shippable"], "shippable")
    if "images" in p:
        product["images"] = [to_str(i, "images") for i in to_list(p["images"], "images")]
    if "metadata" in p:
        product["metadata"] = merge_metadata(product["metadata"], p["metadata"])
    product["updated"] = objects.now()


def create_product(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(p, PRODUCT_FIELDS | {"id", "default_price_data", "type"})
    if "name" not in p:
        raise invalid("Missing required param: name.", param="name", code="parameter_missing")
    product = build("product", id=to_str(p.get("id") or new_id("prod_", 14), "id", 100),
                    active=True, type="service")
    _apply_product(product, p)
    ctx.state.add(product)
    if "default_price_data" in p:
        data = to_dict(p["default_price_data"], "default_price_data")
        price = create_price(ctx, {**data, "product": product["id"]}, emit=True)
        product["default_price"] = price["id"]
    ctx.state.emit("product.created", product, ctx.request_id, ctx.idempotency_key)
    return product


def update_product(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    product = ctx.state.get("product", id)
    reject_unknown(p, PRODUCT_FIELDS)
    if "default_price" in p:
        if p["default_price"]:
            price = ctx.state.get("price", p["default_price"], "default_price", status=400)
            if price["product"] != id:
                raise invalid("The default price must belong to this product.", param="default_price")
        product["default_price"] = p["default_price"] or None
    _apply_product(product, p)
    ctx.state.emit("product.updated", product, ctx.request_id, ctx.idempotency_key)
    return product


def list_products(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("product"), p,
                      {"active": lambda v: to_bool(v, "active"), "shippable": lambda v: to_bool(v, "shippable")})
    if "ids" in p:
        wanted = set(to_list(p["ids"], "ids"))
        items = [i for i in items if i["id"] in wanted]
    return paginate(items, p, "/v1/products")


# ---- prices ---------------------------------------------------------------


def _recurring(value: Any) -> dict[str, Any]:
    data = to_dict(value, "recurring")
    interval = data.get("interval")
    if interval not in INTERVALS:
        raise invalid("Invalid recurring[interval]: must be one of day, week, month, or year",
                      param="recurring[interval]")
    return {
        "interval": interval,
        "interval_count": to_int(data.get("interval_count", 1), "recurring[interval_count]", 1, 365),
        "meter": None,
        "usage_type": data.get("usage_type", "licensed"),
        "trial_period_days": None,
    }


def _claim_lookup_key(ctx: Ctx, key: str, transfer: bool, price_id: str) -> None:
    for other in ctx.state.objects["price"].values():
        if other["lookup_key"] == key and other["id"] != price_id:
            if not transfer:
                raise invalid(
                    f"A price (`{other['id']}`) already uses that lookup key. Set "
                    "`transfer_lookup_key` to move it to this price.",
                    param="lookup_key", code="lookup_key_exists",
                )
            other["lookup_key"] = None


def create_price(ctx: Ctx, p: dict[str, Any], emit: bool = True, inline: bool = False) -> dict[str, Any]:
    reject_unknown(p, {"currency", "product", "product_data", "unit_amount", "unit_amount_decimal",
                       "recurring", "lookup_key", "transfer_lookup_key", "active", "nickname",
                       "metadata", "tax_behavior", "billing_scheme", "id"})
    if "currency" not in p:
        raise invalid("Missing required param: currency.", param="currency", code="parameter_missing")
    currency = _currency(p["currency"])
    if "product" in p:
        product_id = ctx.state.get("product", p["product"], "product", status=400)["id"]
    elif "product_data" in p:
        data = to_dict(p["product_data"], "product_data")
        product_id = create_product(ctx, {k: v for k, v in data.items()
                                          if k in {"name", "metadata", "active", "tax_code", "unit_label",
                                                   "statement_descriptor", "id"}})["id"]
    else:
        raise invalid("Missing required param: product.", param="product", code="parameter_missing")
    if "unit_amount" in p:
        amount = to_int(p["unit_amount"], "unit_amount", 0, 99_999_999)
    elif "unit_amount_decimal" in p:
        amount = to_int(str(p["unit_amount_decimal"]).split(".")[0], "unit_amount_decimal", 0)
    else:
        raise invalid("Missing required param: unit_amount.", param="unit_amount", code="parameter_missing")
    recurring = _recurring(p["recurring"]) if p.get("recurring") else None
    price = build(
        "price",
        id=to_str(p.get("id") or new_id("price_"), "id", 100),
        active=to_bool(p.get("active", not inline), "active"),
        currency=currency,
        product=product_id,
        unit_amount=amount,
        unit_amount_decimal=str(amount),
        recurring=recurring,
        type="recurring" if recurring else "one_time",
        billing_scheme="per_unit",
        tax_behavior=p.get("tax_behavior", "unspecified"),
        nickname=to_str(p["nickname"], "nickname") if p.get("nickname") else None,
        metadata=merge_metadata({}, p.get("metadata", {})),
    )
    if p.get("lookup_key"):
        key = to_str(p["lookup_key"], "lookup_key", 200)
        _claim_lookup_key(ctx, key, to_bool(p.get("transfer_lookup_key", False), "transfer_lookup_key"), price["id"])
        price["lookup_key"] = key
    ctx.state.add(price)
    if emit:
        ctx.state.emit("price.created", price, ctx.request_id, ctx.idempotency_key)
    return price


def update_price(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    price = ctx.state.get("price", id)
    reject_unknown(p, {"active", "lookup_key", "transfer_lookup_key", "metadata", "nickname", "tax_behavior"})
    if "active" in p:
        price["active"] = to_bool(p["active"], "active")
    if "lookup_key" in p:
        key = to_str(p["lookup_key"], "lookup_key", 200) or None
        if key:
            _claim_lookup_key(ctx, key, to_bool(p.get("transfer_lookup_key", False), "transfer_lookup_key"), id)
        price["lookup_key"] = key
    if "nickname" in p:
        price["nickname"] = p["nickname"] or None
    if "metadata" in p:
        price["metadata"] = merge_metadata(price["metadata"], p["metadata"])
    ctx.state.emit("price.updated", price, ctx.request_id, ctx.idempotency_key)
    return price


def list_prices(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("price"), p, {
        "active": lambda v: to_bool(v, "active"),
        "currency": lambda v: _currency(v),
        "product": str,
        "type": str,
    })
    if "lookup_keys" in p:
        keys = set(to_list(p["lookup_keys"], "lookup_keys"))
        items = [i for i in items if i["lookup_key"] in keys]
    if "recurring" in p:
        rec = to_dict(p["recurring"], "recurring")
        if "interval" in rec:
            items = [i for i in items if i["recurring"] and i["recurring"]["interval"] == rec["interval"]]
    return paginate(items, p, "/v1/prices")


# ---- customers ------------------------------------------------------------

CUSTOMER_FIELDS = {"email", "name", "phone", "description", "metadata", "address", "shipping", "preferred_locales"}


def _apply_customer(customer: dict[str, Any], p: dict[str, Any]) -> None:
    if "email" in p:
        customer["email"] = _email(p["email"], "email") if p["email"] else None
    for key in ("name", "phone", "description"):
        if key in p:
            customer[key] = to_str(p[key], key) or None
    if "address" in p:
        customer["address"] = to_dict(p["address"], "address") or None
    if "shipping" in p:
        customer["shipping"] = to_dict(p["shipping"], "shipping") or None
    if "metadata" in p:
        customer["metadata"] = merge_metadata(customer["metadata"], p["metadata"])


def new_customer(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    customer = build("customer", id=new_id("cus_", 14),
                     invoice_prefix=new_id("", 8).upper(), next_invoice_sequence=1)
    _apply_customer(customer, p)
    ctx.state.add(customer)
    ctx.state.emit("customer.created", customer, ctx.request_id, ctx.idempotency_key)
    return customer


def create_customer(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(p, CUSTOMER_FIELDS)
    return new_customer(ctx, p)


def update_customer(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    customer = ctx.state.get("customer", id)
    reject_unknown(p, CUSTOMER_FIELDS)
    _apply_customer(customer, p)
    ctx.state.emit("customer.updated", customer, ctx.request_id, ctx.idempotency_key)
    return customer


def list_customers(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("customer"), p, {"email": str})
    return paginate(items, p, "/v1/customers")


# ---- checkout sessions ----------------------------------------------------

SESSION_FIELDS = {
    "mode", "line_items", "success_url", "cancel_url", "return_url", "customer_email", "customer",
    "client_reference_id", "metadata", "expires_at", "allow_promotion_codes",
    "shipping_address_collection", "ui_mode", "payment_method_types", "billing_address_collection",
    "locale", "submit_type", "automatic_tax", "customer_creation", "payment_intent_data",
    "subscription_data", "phone_number_collection", "currency",
}


def _session_line_items(ctx: Ctx, p: dict[str, Any]) -> list[dict[str, Any]]:
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
            price = create_price(ctx, to_dict(entry["price_data"], f"{base}[price_data]"), emit=False, inline=True)
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
        subtotal = price["unit_amount"] * quantity
        items.append(build(
            "item",
            id=new_id("li_test_"),
            amount_discount=0,
            amount_subtotal=subtotal,
            amount_tax=0,
            amount_total=subtotal,
            currency=price["currency"],
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


def create_session(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(p, SESSION_FIELDS)
    mode = p.get("mode", "payment")
    if mode == "setup":
        raise invalid("The emulator does not support `setup` mode.", param="mode")
    if mode not in ("payment", "subscription"):
        raise invalid("Invalid mode: must be one of payment, setup, or subscription", param="mode")
    ui_mode = p.get("ui_mode", "hosted")
    if ui_mode not in ("hosted", "embedded", "custom"):
        raise invalid("Invalid ui_mode: must be one of hosted, embedded, or custom", param="ui_mode")
    values: dict[str, Any] = {}
    if ui_mode == "hosted":
        if "return_url" in p:
            raise invalid("`return_url` can only be used with `ui_mode: embedded` or `custom`.",
                          param="return_url")
        if "success_url" not in p:
            raise invalid("Missing required param: success_url.", param="success_url",
                          code="parameter_missing")
        values["success_url"] = _url(p["success_url"], "success_url")
        values["cancel_url"] = _url(p["cancel_url"], "cancel_url") if p.get("cancel_url") else None
    else:
        if "success_url" in p or "cancel_url" in p:
            raise invalid(f"`success_url` and `cancel_url` cannot be used with `ui_mode: {ui_mode}`.",
                          param="success_url")
        values["return_url"] = _url(p["return_url"], "return_url") if p.get("return_url") else None
        values["success_url"] = values["cancel_url"] = None
    items = _session_line_items(ctx, p)
    _check_mode(mode, items)
    created = objects.now()
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
    shipping = None
    if p.get("shipping_address_collection"):
        data = to_dict(p["shipping_address_collection"], "shipping_address_collection")
        countries = [to_str(c, "shipping_address_collection[allowed_countries]").upper()
                     for c in to_list(data.get("allowed_countries", []), "shipping_address_collection[allowed_countries]")]
        if not countries or any(not re.fullmatch(r"[A-Z]{2}", c) for c in countries):
            raise invalid("shipping_address_collection[allowed_countries] needs two-letter country codes.",
                          param="shipping_address_collection[allowed_countries]")
        shipping = {"allowed_countries": countries}
    automatic_tax = {"enabled": False, "liability": None, "provider": None, "status": None}
    if p.get("automatic_tax"):
        enabled = to_bool(to_dict(p["automatic_tax"], "automatic_tax").get("enabled", False), "automatic_tax[enabled]")
        automatic_tax = {"enabled": enabled, "liability": {"type": "self"} if enabled else None,
                         "provider": "stripe" if enabled else None, "status": "complete" if enabled else None}
    subtotal = sum(i["amount_subtotal"] for i in items)
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
        currency=items[0]["currency"],
        total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        created=created,
        expires_at=expires_at,
        customer=customer,
        customer_email=_email(p["customer_email"], "customer_email") if p.get("customer_email") else None,
        customer_creation=(p.get("customer_creation", "if_required") if mode == "payment" else None),
        client_reference_id=to_str(p["client_reference_id"], "client_reference_id", 200)
        if p.get("client_reference_id") else None,
        metadata=merge_metadata({}, p.get("metadata", {})),
        allow_promotion_codes=to_bool(p["allow_promotion_codes"], "allow_promotion_codes")
        if "allow_promotion_codes" in p else None,
        shipping_address_collection=shipping,
        automatic_tax=automatic_tax,
        billing_address_collection=p.get("billing_address_collection"),
        locale=p.get("locale"),
        submit_type=p.get("submit_type"),
        payment_method_types=to_list(p.get("payment_method_types", ["card"]), "payment_method_types"),
        payment_method_collection="always" if mode == "subscription" else None,
        subscription=None,
        invoice=None,
        setup_intent=None,
        client_secret=(f"{session_id}_secret_{new_id('', 24)}" if ui_mode != "hosted" else None),
        url=f"{ctx.public_url}/c/pay/{session_id}" if ui_mode == "hosted" else None,
        **values,
    )
    # Settings kept for what paying creates; not part of Stripe's session shape.
    ctx.state.session_items[session_id] = items
    extras = {
        "payment_intent_data": to_dict(p.get("payment_intent_data", {}), "payment_intent_data"),
        "subscription_data": to_dict(p.get("subscription_data", {}), "subscription_data"),
    }
    ctx.state.session_extras[session_id] = extras
    ctx.state.add(session)
    return session


def list_sessions(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("checkout.session"), p,
                      {"payment_intent": str, "subscription": str, "customer": str, "status": str})
    return paginate(items, p, "/v1/checkout/sessions")


def list_session_line_items(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    ctx.state.get("checkout.session", id)
    items = ctx.state.session_items.get(id, [])
    return paginate(list(items), p, f"/v1/checkout/sessions/{id}/line_items")


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


# ---- webhook endpoints ----------------------------------------------------


def create_webhook_endpoint(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(p, {"url", "enabled_events", "api_version", "description", "metadata", "connect"})
    if "url" not in p:
        raise invalid("Missing required param: url.", param="url", code="parameter_missing")
    url = _url(p["url"], "url")
    events = [to_str(e, "enabled_events") for e in to_list(p.get("enabled_events", []), "enabled_events")]
    if not events:
        raise invalid("Missing required param: enabled_events.", param="enabled_events", code="parameter_missing")
    endpoint = build("webhook_endpoint", id=new_id("we_"), url=url, enabled_events=events, status="enabled",
                     api_version=p.get("api_version"), description=p.get("description"), application=None,
                     metadata=merge_metadata({}, p.get("metadata", {})),
                     secret=f"whsec_{new_id('', 32)}")
    ctx.state.add(endpoint)
    for listener in ctx.state.endpoint_listeners:
        listener(endpoint)
    return endpoint


def _public_endpoint(endpoint: dict[str, Any]) -> dict[str, Any]:
    """Stripe shows the signing secret only in the create response."""
    return {k: v for k, v in endpoint.items() if k != "secret"}


def list_webhook_endpoints(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    page = paginate(ctx.state.newest_first("webhook_endpoint"), p, "/v1/webhook_endpoints")
    page["data"] = [_public_endpoint(e) for e in page["data"]]
    return page


def retrieve_webhook_endpoint(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    return _public_endpoint(ctx.state.get("webhook_endpoint", id))


def delete_webhook_endpoint(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    endpoint = ctx.state.get("webhook_endpoint", id)
    del ctx.state.objects["webhook_endpoint"][id]
    ctx.state.order["webhook_endpoint"].remove(id)
    endpoint["status"] = "disabled"
    for listener in ctx.state.endpoint_listeners:
        listener(endpoint)
    return {"id": id, "object": "webhook_endpoint", "deleted": True}


# ---- read-only resources --------------------------------------------------


def _lister(kind: str, url: str, filters: dict[str, Callable[[Any], Any]]):
    def handler(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
        return paginate(filter_eq(ctx.state.newest_first(kind), p, filters), p, url)
    return handler


def _retriever(kind: str):
    def handler(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
        return ctx.state.get(kind, id)
    return handler


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
    return paginate(items, p, "/v1/events")


# ---- expansion ------------------------------------------------------------


def expand(state: State, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """A copy of `obj` with `expand[]` paths replaced by the objects they name."""
    result = copy.deepcopy(obj)
    for path in paths:
        _expand_path(state, result, path.split("."), path)
    return result


def _expand_path(state: State, node: Any, parts: list[str], full: str) -> None:
    if not parts or not isinstance(node, dict):
        return
    head, rest = parts[0], parts[1:]
    if node.get("object") == "list" and head == "data":
        for child in node["data"]:
            _expand_path(state, child, rest, full)
        return
    if head == "line_items" and node.get("object") == "checkout.session":
        node["line_items"] = objects.as_list(
            copy.deepcopy(state.session_items.get(node["id"], [])),
            f"/v1/checkout/sessions/{node['id']}/line_items",
        )
        _expand_path(state, node["line_items"], rest, full)
        return
    if head not in node:
        raise invalid(f"This property cannot be expanded ({full}).", param="expand")
    value = node[head]
    if isinstance(value, str):
        kind = kind_of(value)
        found = state.objects[kind].get(value) if kind else None
        if found is None:
            raise invalid(f"This property cannot be expanded ({full}).", param="expand")
        node[head] = value = copy.deepcopy(found)
    _expand_path(state, value, rest, full)


# ---- routes ---------------------------------------------------------------

# (method, werkzeug path rule, handler)
ROUTES: list[tuple[str, str, Callable[..., dict[str, Any]]]] = [
    ("POST", "/v1/products", create_product),
    ("GET", "/v1/products", list_products),
    ("GET", "/v1/products/<id>", _retriever("product")),
    ("POST", "/v1/products/<id>", update_product),
    ("POST", "/v1/prices", create_price),
    ("GET", "/v1/prices", list_prices),
    ("GET", "/v1/prices/<id>", _retriever("price")),
    ("POST", "/v1/prices/<id>", update_price),
    ("POST", "/v1/customers", create_customer),
    ("GET", "/v1/customers", list_customers),
    ("GET", "/v1/customers/<id>", _retriever("customer")),
    ("POST", "/v1/customers/<id>", update_customer),
    ("POST", "/v1/checkout/sessions", create_session),
    ("GET", "/v1/checkout/sessions", list_sessions),
    ("GET", "/v1/checkout/sessions/<id>", _retriever("checkout.session")),
    ("GET", "/v1/checkout/sessions/<id>/line_items", list_session_line_items),
    ("POST", "/v1/checkout/sessions/<id>/expire", expire_session),
    ("GET", "/v1/payment_intents", _lister("payment_intent", "/v1/payment_intents", {"customer": str})),
    ("GET", "/v1/payment_intents/<id>", _retriever("payment_intent")),
    ("GET", "/v1/charges", _lister("charge", "/v1/charges", {"customer": str, "payment_intent": str})),
    ("GET", "/v1/charges/<id>", _retriever("charge")),
    ("GET", "/v1/subscriptions", _lister("subscription", "/v1/subscriptions", {"customer": str, "status": str})),
    ("GET", "/v1/subscriptions/<id>", _retriever("subscription")),
    ("GET", "/v1/invoices", _lister("invoice", "/v1/invoices", {"customer": str, "subscription": str, "status": str})),
    ("GET", "/v1/invoices/<id>", _retriever("invoice")),
    ("POST", "/v1/webhook_endpoints", create_webhook_endpoint),
    ("GET", "/v1/webhook_endpoints", list_webhook_endpoints),
    ("GET", "/v1/webhook_endpoints/<id>", retrieve_webhook_endpoint),
    ("DELETE", "/v1/webhook_endpoints/<id>", delete_webhook_endpoint),
    ("GET", "/v1/events", list_events),
    ("GET", "/v1/events/<id>", _retriever("event")),
]
