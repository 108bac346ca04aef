"""Security headers for the published pages, shared by the dev server and the
deploy configs (vercel.json and netlify.toml carry the same values; a test
checks they agree).
"""

from __future__ import annotations

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def content_security_policy(extra_form_action: str | None = None) -> str:
    """Strict: scripts and styles only from this origin; forms may post here and follow
    the 303 to Stripe's Checkout (and the emulator's origin in dev)."""
    form_action = f"'self' {STRIPE_CHECKOUT_ORIGIN}" + (f" {extra_form_action}" if extra_form_action else "")
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "
            f"form-action {form_action}")


def page_headers(extra_form_action: str | None = None) -> list[tuple[str, str]]:
    return [
        ("Content-Security-Policy", content_security_policy(extra_form_action)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


# Pages whose address carries a secret-ish id (success.html?session_id=cs_…): never sent on as
# a referrer, never cached. success.html also says no-referrer in a meta tag; pages with buy
# buttons must not (Chromium would post their forms with `Origin: null`, which the API refuses).
PRIVATE_PAGES = {"success.html"}
PRIVATE_HEADERS = [("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store")]


# Pages that need more than the rest: the door's check-in page may scan QR codes with the camera.
PAGE_OVERRIDES = {
    "checkin.html": [("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")],
}


def headers_for(name: str, extra_form_action: str | None = None) -> list[tuple[str, str]]:
    """The headers for one published file (`name` as in public_site.public_files())."""
    headers = page_headers(extra_form_action)
    if name in PAGE_OVERRIDES:
        override = dict(PAGE_OVERRIDES[name])
        headers = [(k, v) for k, v in headers if k not in override] + PAGE_OVERRIDES[name]
    if name in PRIVATE_PAGES:
        override = dict(PRIVATE_HEADERS)
        headers = [(k, v) for k, v in headers if k not in override] + PRIVATE_HEADERS
    else:
        headers.append(("Cache-Control", "no-cache"))
    return headers
