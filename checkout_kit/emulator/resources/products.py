"""Products: create (optionally with a default price), retrieve, update, list."""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, now, to_bool, to_dict, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, created_range, honours
from checkout_kit.emulator.state import filter_eq, paginate

_TEXT_FIELDS = ("description", "statement_descriptor", "tax_code", "unit_label", "url")
_COMMON = ("name", "active", "metadata", "images", "shippable", "marketing_features", *_TEXT_FIELDS)


def _apply(product: dict[str, Any], p: dict[str, Any]) -> None:
    if "name" in p:
        name = to_str(p["name"], "name", 250)
        if not name.strip():
            raise invalid("Missing required param: name.", param="name", code="parameter_missing")
        product["name"] = name
    for key in _TEXT_FIELDS:
        if key in p:
            product[key] = to_str(p[key], key) or None
    if "active" in p:
        product["active"] = to_bool(p["active"], "active")
    if "shippable" in p:
        product["shippable"] = to_bool(p["shippable"], "shippable")
    if "images" in p:
        product["images"] = [to_str(i, "images") for i in to_list(p["images"], "images")]
    if "marketing_features" in p:
        product["marketing_features"] = [
            {"name": to_str(to_dict(f, "marketing_features").get("name", ""), "marketing_features[name]")}
            for f in to_list(p["marketing_features"], "marketing_features")]
    if "metadata" in p:
        product["metadata"] = merge_metadata(product["metadata"], p["metadata"])
    product["updated"] = now()


@honours(*_COMMON, "id", "default_price_data", "type")
def create_product(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    from checkout_kit.emulator.resources.prices import create_price  # prices create products too

    if "name" not in p:
        raise invalid("Missing required param: name.", param="name", code="parameter_missing")
    product = build("product", id=to_str(p.get("id") or new_id("prod_", 14), "id", 100),
                    active=True, type="service")
    _apply(product, p)
    ctx.state.add(product)
    if "default_price_data" in p:
        data = to_dict(p["default_price_data"], "default_price_data")
        price = create_price(ctx, {**data, "product": product["id"]})
        product["default_price"] = price["id"]
    ctx.state.emit("product.created", product, ctx.request_id, ctx.idempotency_key)
    return product


@honours(*_COMMON, "default_price")
def update_product(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    product = ctx.state.get("product", id)
    if "default_price" in p:
        if p["default_price"]:
            price = ctx.state.get("price", p["default_price"], "default_price", status=400)
            if price["product"] != id:
                raise invalid("The default price must belong to this product.", param="default_price")
        product["default_price"] = p["default_price"] or None
    _apply(product, p)
    ctx.state.emit("product.updated", product, ctx.request_id, ctx.idempotency_key)
    return product


@honours("active", "shippable", "ids", "url", "type", "created", "limit", "starting_after", "ending_before")
def list_products(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    items = filter_eq(ctx.state.newest_first("product"), p, {
        "active": lambda v: to_bool(v, "active"), "shippable": lambda v: to_bool(v, "shippable"),
        "url": str, "type": str})
    if "ids" in p:
        wanted = set(to_list(p["ids"], "ids"))
        items = [i for i in items if i["id"] in wanted]
    return paginate(created_range(items, p), p, "/v1/products")
