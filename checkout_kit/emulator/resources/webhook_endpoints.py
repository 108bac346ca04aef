"""Webhook endpoints: the deliverer sends events to each enabled one, signed with
its secret (shown once, in the create response, as Stripe does)."""

from __future__ import annotations

from typing import Any

from checkout_kit.emulator.errors import invalid
from checkout_kit.emulator.objects import build, merge_metadata, new_id, to_bool, to_list, to_str
from checkout_kit.emulator.resources.common import Ctx, honours, url
from checkout_kit.emulator.state import paginate


def _events(p: dict[str, Any]) -> list[str]:
    events = [to_str(e, "enabled_events") for e in to_list(p.get("enabled_events", []), "enabled_events")]
    if not events:
        raise invalid("Missing required param: enabled_events.", param="enabled_events", code="parameter_missing")
    return events


def _announce(ctx: Ctx, endpoint: dict[str, Any]) -> None:
    for listener in ctx.state.endpoint_listeners:
        listener(endpoint)


def _public(endpoint: dict[str, Any]) -> dict[str, Any]:
    """Stripe shows the signing secret only in the create response."""
    return {k: v for k, v in endpoint.items() if k != "secret"}


@honours("url", "enabled_events", "api_version", "description", "metadata", "connect")
def create_webhook_endpoint(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    if "url" not in p:
        raise invalid("Missing required param: url.", param="url", code="parameter_missing")
    endpoint = build("webhook_endpoint", id=new_id("we_"), url=url(p["url"], "url"), enabled_events=_events(p),
                     status="enabled", api_version=p.get("api_version") or None,
                     description=p.get("description") or None, application=None,
                     metadata=merge_metadata({}, p.get("metadata", {})), secret=f"whsec_{new_id('', 32)}")
    ctx.state.add(endpoint)
    # A Connect endpoint hears connected accounts' events; any other, its own account's (not shown on the object).
    ctx.state.includes.setdefault(endpoint["id"], {})["connect"] = to_bool(p.get("connect", False), "connect")
    _announce(ctx, endpoint)
    return endpoint


@honours("url", "enabled_events", "description", "metadata", "disabled")
def update_webhook_endpoint(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    endpoint = ctx.state.get("webhook_endpoint", id)
    if "url" in p:
        endpoint["url"] = url(p["url"], "url")
    if "enabled_events" in p:
        endpoint["enabled_events"] = _events(p)
    if "description" in p:
        endpoint["description"] = to_str(p["description"], "description") or None
    if "metadata" in p:
        endpoint["metadata"] = merge_metadata(endpoint["metadata"], p["metadata"])
    if "disabled" in p:
        endpoint["status"] = "disabled" if to_bool(p["disabled"], "disabled") else "enabled"
    _announce(ctx, endpoint)
    return _public(endpoint)


@honours("limit", "starting_after", "ending_before")
def list_webhook_endpoints(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    page = paginate(ctx.state.newest_first("webhook_endpoint"), p, "/v1/webhook_endpoints")
    page["data"] = [_public(e) for e in page["data"]]
    return page


@honours()
def retrieve_webhook_endpoint(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    return _public(ctx.state.get("webhook_endpoint", id))


@honours()
def delete_webhook_endpoint(ctx: Ctx, p: dict[str, Any], id: str) -> dict[str, Any]:
    endpoint = ctx.state.get("webhook_endpoint", id)
    del ctx.state.objects["webhook_endpoint"][id]
    ctx.state.order["webhook_endpoint"].remove(id)
    endpoint["status"] = "disabled"
    _announce(ctx, endpoint)
    return {"id": id, "object": "webhook_endpoint", "deleted": True}
