"""Magic links: a signed, single-purpose, expiring, single-use link sent by email, in place of
an account and a password (a static site has neither).

A buyer types an email; if the shop knows that email for the purpose (a membership for the
customer portal, orders for the order page), a link is emailed; the answer to the request is
the same either way, so the form tells nobody whether an email is a customer. The link's
token is signed with the kit's key for its purpose, expires after 30 minutes, and works once
(its id is recorded when redeemed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from checkout_kit import emails, signing

LINK_TTL_S = 30 * 60
KIND = "magic_link"


@dataclass(frozen=True)
class Purpose:
    name: str  # also the token's signing purpose
    path: str  # the API route that redeems the link
    title: str  # what the email says the link opens


class LinkRefused(Exception):
    """The link cannot be used. `reason`: invalid, expired or used — never whether the email exists."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# The customer portal (checkout_kit/portal.py): a membership's Stripe Billing Portal.
PORTAL = Purpose("portal", "/api/portal", "your membership")
# The buyer's order page (checkout_kit/order_page.py): every order of one email.
ORDERS = Purpose("orders", "/orders.html", "your orders")
PURPOSES = {purpose.name: purpose for purpose in (PORTAL, ORDERS)}


def link(services: Any, purpose: Purpose, email: str, ttl_s: float = LINK_TTL_S,
         claims: dict[str, Any] | None = None) -> str:
    """A fresh link for `email` (each one unique, so each is single-use on its own). `claims` add to
    what it carries (the portal's `flow`, say); they cannot override the email."""
    token = signing.sign(signing.key_bytes(services.settings), purpose.name,
                         {**(claims or {}), "email": email, "n": secrets.token_urlsafe(9)}, ttl_s)
    return f"{services.settings.site_url}{purpose.path}?token={quote(token)}"


def fresh_links(services: Any, wanted: dict[str, Any] | None) -> dict[str, str]:
    """Links made now for an email being sent: {context name: [purpose name, email, claims]} -> URLs.

    Emails carry the request for a link, not the link: one sent late (a retry after an outage)
    still carries one that works for its full 30 minutes.
    """
    made = {}
    for name, (purpose, email, claims) in (wanted or {}).items():
        made[name] = link(services, PURPOSES[purpose], email, claims=claims or None)
    return made


def send_link(services: Any, purpose: Purpose, email: str, context: dict[str, Any] | None = None,
              claims: dict[str, Any] | None = None) -> None:
    """Queue the email carrying a fresh link and send it now (the caller checked the email is known);
    if the mail service is down, the outbox sends it later.

    The link itself is made when the email is sent (`fresh_links`), so a send retried after an
    outage still carries a link good for its full time. `purpose` must be one of `PURPOSES`.
    """
    from checkout_kit import outbox

    key = f"link:{purpose.name}:{secrets.token_urlsafe(12)}"
    lease = (outbox.new_token(), outbox.lease_seconds(services.settings))
    with services.store.transaction() as tx:
        job = emails.queue(tx, key, KIND, email, context={"purpose": purpose.title, "minutes": LINK_TTL_S // 60,
                                                          **(context or {})},
                           lease=lease, links={"link": [purpose.name, email, claims or {}]})
    outbox.after_commit(services, [job] if job else [], limit=0)


def release(services: Any, purpose: Purpose, token: str) -> None:
    """Make a redeemed link usable again: what it opens failed on our side (the payment service was
    down), so the member may simply click it again."""
    with services.store.transaction() as tx:
        tx.forget_token(signing.token_id(token), purpose.name)


def redeem(services: Any, purpose: Purpose, token: str | None) -> dict[str, Any]:
    """The claims of a valid link, recording its one use; LinkRefused otherwise."""
    try:
        claims = signing.verify(signing.key_bytes(services.settings), purpose.name, token)
    except signing.TokenError as exc:
        raise LinkRefused(exc.reason) from None
    assert token is not None
    with services.store.transaction() as tx:
        if not tx.use_token(signing.token_id(token), purpose.name):
            raise LinkRefused("used")
    return claims


def answer_text(purpose: Purpose) -> str:
    """The one answer to every request for a link: the same words whether or not the email is known."""
    return (f"If that email has {purpose.title}, a link is on its way. It works once, for "
            f"{LINK_TTL_S // 60} minutes. Check your inbox (and the spam folder).")
