"""The hosted Checkout page at `/c/pay/{session_id}`: render it and turn its
form posts into payments. Server-rendered HTML and one stylesheet, no scripts,
with the field ids Stripe's own page uses so browser tests read the same.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from checkout_kit.emulator import cards, charges, invoicing, payments, tax_table
from checkout_kit.emulator.errors import StripeError
from checkout_kit.emulator.resources import discounts as coupons
from checkout_kit.emulator.resources.checkout_sessions import EMBEDDED, pricing_inputs, reprice
from checkout_kit.emulator.state import State
from checkout_kit.money import format_amount

COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany",
                 "FR": "France", "NL": "Netherlands", "IE": "Ireland", "AU": "Australia", "JP": "Japan",
                 "NZ": "New Zealand"}
# Where a buyer may say they are for tax when no shipping address is asked (the tax table's countries).
BILLING_COUNTRIES = sorted(tax_table.RATES)


@lru_cache(maxsize=1)
def _env():
    import jinja2  # lazy: only the page needs templates

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("checkout_kit.emulator", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["money"] = lambda amount, currency: format_amount(amount, currency)
    return env


def render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


def finish_url(session: dict[str, Any]) -> str:
    """Where the buyer goes once paid: success_url (hosted) or return_url (embedded), id filled in;
    '' for an embedded session that never redirects (Stripe.js calls onComplete instead)."""
    target = session["success_url"] or session["return_url"]
    if session["ui_mode"] == EMBEDDED and session.get("redirect_on_completion") == "never":
        return ""
    return (target or "").replace("{CHECKOUT_SESSION_ID}", quote(session["id"]))


def return_origin(session: dict[str, Any]) -> str:
    """The shop's origin that may frame an embedded session's pages (its return_url's)."""
    parts = urlsplit(session["return_url"])
    return f"{parts.scheme}://{parts.netloc}"


def page_url(session: dict[str, Any], **query: str) -> str:
    """The session's own page: /c/pay/{id}, or the embedded frame's address with its client secret."""
    if session["ui_mode"] == EMBEDDED:
        return f"/c/embedded/{session['id']}?" + urlencode({"client_secret": session["client_secret"], **query})
    return f"/c/pay/{session['id']}" + (f"?{urlencode(query)}" if query else "")


def page_context(state: State, session: dict[str, Any], form: dict[str, str] | None = None,
                 error: str | None = None, field: str | None = None) -> dict[str, Any]:
    countries = list((session["shipping_address_collection"] or {}).get("allowed_countries", []))
    if "US" in countries:  # the select's default, as Stripe's page picks the visitor's country
        countries.remove("US")
        countries.insert(0, "US")
    items = state.session_items.get(session["id"], [])
    recurring = [i for i in items if i["price"]["recurring"]]
    inputs = pricing_inputs(state, session)
    applied = None
    if inputs.discounts:
        entry = inputs.discounts[0]
        promo = state.objects["promotion_code"].get(entry.get("promotion_code") or "")
        coupon = state.objects["coupon"][entry["coupon"]]
        applied = {"code": promo["code"] if promo else None, "name": coupon["name"] or coupon["id"],
                   "removable": promo is not None and bool(session["allow_promotion_codes"])}
    rates = [(state.objects["shipping_rate"][o["shipping_rate"]], o["shipping_amount"])
             for o in session["shipping_options"]]
    return {
        "session": session,
        "applied": applied,
        "shipping_rates": rates,
        "chosen_rate": inputs.shipping_rate["id"] if inputs.shipping_rate else None,
        "ask_tax_country": session["automatic_tax"]["enabled"] and not session["shipping_address_collection"],
        "billing_countries": [(c, COUNTRY_NAMES.get(c, c)) for c in BILLING_COUNTRIES],
        "tax_country": inputs.tax_country,
        "tax_label": tax_table.LABEL,
        "collect_tax_id": bool((session.get("tax_id_collection") or {}).get("enabled")),
        "tax_id_types": list(invoicing.TAX_ID_TYPES.items()),
        "items": items,
        "cadence": recurring[0]["price"]["recurring"]["interval"] if recurring else "period",
        "recurring_total": sum(i["amount_subtotal"] for i in recurring),
        "form": form or {},
        "error": error,
        "error_field": field,
        "countries": [(c, COUNTRY_NAMES.get(c, c)) for c in countries],
        "free": not payments.collects_card(state, session),
        "trial": payments.trial_days(state, session),
        "bank_allowed": session["mode"] == "payment" and session["amount_total"] > 0,
        "cards": cards,
    }


def _shipping(session: dict[str, Any], form: dict[str, str]) -> dict[str, Any] | None:
    if not session["shipping_address_collection"]:
        return None
    allowed = session["shipping_address_collection"]["allowed_countries"]
    needed = {"shippingName": "Enter the name for shipping.", "shippingAddressLine1": "Enter your address.",
              "shippingLocality": "Enter your city.", "shippingPostalCode": "Enter your postal code."}
    for name, message in needed.items():
        if not form.get(name, "").strip():
            raise cards.FormError(name, "incomplete_shipping", message)
    country = form.get("shippingCountry", "")
    if country not in allowed:
        raise cards.FormError("shippingCountry", "country_unsupported", "We don't ship to that country.")
    return {"name": form["shippingName"].strip(), "address": {
        "line1": form["shippingAddressLine1"].strip(), "line2": form.get("shippingAddressLine2", "").strip() or None,
        "city": form["shippingLocality"].strip(), "postal_code": form["shippingPostalCode"].strip(),
        "state": form.get("shippingAdministrativeArea", "").strip() or None, "country": country,
    }}


def _tax_ids(session: dict[str, Any], form: dict[str, str]) -> list[dict[str, Any]]:
    """The business tax ID the buyer gave (optional), when the session collects one."""
    if not (session.get("tax_id_collection") or {}).get("enabled"):
        return []
    value = form.get("taxId", "").strip().upper().replace(" ", "")
    if not value:
        return []
    kind = form.get("taxIdType", "eu_vat")
    if kind not in invoicing.TAX_ID_TYPES or not 4 <= len(value) <= 30 or not value.isalnum():
        raise cards.FormError("taxId", "invalid_tax_id", "Enter a valid tax ID, like DE123456789.")
    return [{"type": kind, "value": value}]


def apply_code(state: State, session: dict[str, Any], code: str) -> None:
    """The page's promotion code field: apply a code (or remove the applied one with an empty code)."""
    inputs = pricing_inputs(state, session)
    if not session["allow_promotion_codes"]:
        raise cards.FormError("promotionCode", "promotion_codes_off", "This checkout does not take codes.")
    if not code.strip():
        inputs.discounts = []
        reprice(state, session)
        return
    promo = coupons.find_code(state, code)
    if promo is None:
        raise cards.FormError("promotionCode", "invalid_code", "This code is invalid.")
    try:
        coupon = coupons.redeemable(state, promo["promotion"]["coupon"], promo, state.session_items[session["id"]],
                                    session["currency"], "promotion_code")
    except StripeError as err:
        raise cards.FormError("promotionCode", err.code or "invalid_code", err.message) from None
    inputs.discounts = [{"coupon": coupon["id"], "promotion_code": promo["id"], "start": session["created"]}]
    reprice(state, session)


def apply_choices(state: State, session: dict[str, Any], form: dict[str, str],
                  shipping: dict[str, Any] | None) -> None:
    """The buyer's shipping option and tax location, then the amounts they imply."""
    inputs = pricing_inputs(state, session)
    if session["shipping_options"]:
        chosen = form.get("shippingRate") or session["shipping_options"][0]["shipping_rate"]
        if chosen not in {o["shipping_rate"] for o in session["shipping_options"]}:
            raise cards.FormError("shippingRate", "invalid_shipping_rate", "Choose a shipping option.")
        inputs.shipping_rate = state.objects["shipping_rate"][chosen]
    if inputs.automatic_tax:
        country = (shipping or {}).get("address", {}).get("country") or form.get("billingCountry", "").strip().upper()
        if not country:
            raise cards.FormError("billingCountry", "incomplete_country", "Choose your country.")
        inputs.tax_country = country
    reprice(state, session)


def submit(state: State, session: dict[str, Any], form: dict[str, str], settle_after: float | None) -> payments.Result:
    """Handle the page's form post. Raises cards.FormError for input to fix."""
    email = session["customer_email"] or form.get("email", "").strip()
    if not email or "@" not in email or email.startswith("@") or email.endswith("@"):
        raise cards.FormError("email", "invalid_email", "Your email address is invalid.")
    name = form.get("billingName", "").strip()
    if not name:
        raise cards.FormError("billingName", "incomplete_name", "Enter the name on your card.")
    who = charges.Customer(email=email, name=name, shipping=_shipping(session, form), tax_ids=_tax_ids(session, form))
    apply_choices(state, session, form, who.shipping)
    if not payments.collects_card(state, session):
        return payments.free_order(state, session["id"], who)
    if form.get("method") == "bank":
        account = form.get("bankAccountNumber", "").strip()
        if not account.isdigit() or not 4 <= len(account) <= 17:
            raise cards.FormError("bankAccountNumber", "invalid_account", "Enter a valid account number.")
        return payments.pay_with_bank(state, session["id"], account, who, settle_after)
    card = cards.parse_card(form.get("cardNumber", ""), form.get("cardExpiry", ""), form.get("cardCvc", ""))
    return payments.pay_with_card(state, session["id"], card, who)
