"""The hosted Checkout page at `/c/pay/{session_id}`: render it and turn its
form posts into payments. Server-rendered HTML and one stylesheet, no scripts,
with the field ids Stripe's own page uses so browser tests read the same.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from checkout_kit.emulator import cards, charges, payments
from checkout_kit.emulator.state import State
from checkout_kit.money import format_amount

COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany",
                 "FR": "France", "NL": "Netherlands", "IE": "Ireland", "AU": "Australia", "JP": "Japan"}


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


def success_redirect(session: dict[str, Any]) -> str:
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", quote(session["id"]))


def page_context(state: State, session: dict[str, Any], form: dict[str, str] | None = None,
                 error: str | None = None, field: str | None = None) -> dict[str, Any]:
    countries = list((session["shipping_address_collection"] or {}).get("allowed_countries", []))
    if "US" in countries:  # the select's default, as Stripe's page picks the visitor's country
        countries.remove("US")
        countries.insert(0, "US")
    items = state.session_items.get(session["id"], [])
    recurring = [i for i in items if i["price"]["recurring"]]
    return {
        "session": session,
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


def submit(state: State, session: dict[str, Any], form: dict[str, str], settle_after: float | None) -> payments.Result:
    """Handle the page's form post. Raises cards.FormError for input to fix."""
    email = session["customer_email"] or form.get("email", "").strip()
    if not email or "@" not in email or email.startswith("@") or email.endswith("@"):
        raise cards.FormError("email", "invalid_email", "Your email address is invalid.")
    name = form.get("billingName", "").strip()
    if not name:
        raise cards.FormError("billingName", "incomplete_name", "Enter the name on your card.")
    who = charges.Customer(email=email, name=name, shipping=_shipping(session, form))
    if not payments.collects_card(state, session):
        return payments.free_order(state, session["id"], who)
    if form.get("method") == "bank":
        account = form.get("bankAccountNumber", "").strip()
        if not account.isdigit() or not 4 <= len(account) <= 17:
            raise cards.FormError("bankAccountNumber", "invalid_account", "Enter a valid account number.")
        return payments.pay_with_bank(state, session["id"], account, who, settle_after)
    card = cards.parse_card(form.get("cardNumber", ""), form.get("cardExpiry", ""), form.get("cardCvc", ""))
    return payments.pay_with_card(state, session["id"], card, who)
