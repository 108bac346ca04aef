"""Security headers for the published pages, shared by the dev server and the
deploy configs (vercel.json and netlify.toml carry the same values; a test
checks they agree).
"""

from __future__ import annotations

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
STRIPE_JS_ORIGIN = "https://js.stripe.com"
# What Stripe's own embedded Checkout needs on the shop's pages: Stripe.js, its frames (the form, and
# 3-D Secure challenges on hooks.stripe.com), and the API calls Stripe.js makes.
STRIPE_SCRIPTS = f"{STRIPE_JS_ORIGIN} https://*.js.stripe.com"
STRIPE_FRAMES = f"{STRIPE_JS_ORIGIN} https://*.js.stripe.com https://hooks.stripe.com {STRIPE_CHECKOUT_ORIGIN}"
STRIPE_CONNECT = f"https://api.stripe.com {STRIPE_CHECKOUT_ORIGIN}"


def content_security_policy(dev_origin: str | None = None) -> str:
    """Strict: scripts and styles from this origin, plus Stripe.js and its frames for embedded Checkout;
    forms may post here and follow the 303 to Stripe's Checkout. In development `dev_origin` (the
    emulator, which serves a Stripe.js stand-in and the embedded form) is allowed the same way; the
    deployed pages (vercel.json, netlify.toml) never name it."""
    dev = f" {dev_origin}" if dev_origin else ""
    return (f"default-src 'self'; script-src 'self' {STRIPE_SCRIPTS}{dev}; style-src 'self'; "
            "img-src 'self' data: https://*.stripe.com; font-src 'self'; "
            f"connect-src 'self' {STRIPE_CONNECT}{dev}; frame-src {STRIPE_FRAMES}{dev}; "
            "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "
            f"form-action 'self' {STRIPE_CHECKOUT_ORIGIN}{dev}")


def page_headers(dev_origin: str | None = None) -> list[tuple[str, str]]:
    return [
        ("Content-Security-Policy", content_security_policy(dev_origin)),
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


def headers_for(name: str, dev_origin: str | None = None) -> list[tuple[str, str]]:
    """The headers for one published file (`name` as in public_site.public_files())."""
    headers = page_headers(dev_origin)
    if name in PRIVATE_PAGES:
        override = dict(PRIVATE_HEADERS)
        headers = [(k, v) for k, v in headers if k not in override] + PRIVATE_HEADERS
    else:
        headers.append(("Cache-Control", "no-cache"))
    return headers
