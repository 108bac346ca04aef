"""The customer portal by magic link: one answer for every email, a link only for members, a link
that opens a Billing Portal session once, and clear pages (strict CSP, no script, no hint whether
an email exists) for links that do not work."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from checkout_kit import magic_links, signing
from checkout_kit.security_headers import content_security_policy
from tests.core.conftest import CUSTOMER, http
from tests.support.smtp import text_of

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/api/portal\?token=[^\s\"<]+)")


@pytest.fixture
def member(shop):
    """The shop with one member (CUSTOMER), welcomed."""
    shop.join()
    return shop


def ask(shop, email: str, form: bool = False, **headers: str):
    if form:
        return http("POST", f"{shop.url}/api/portal", urlencode({"email": email}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded", **headers})
    return http("POST", f"{shop.url}/api/portal", json.dumps({"email": email}).encode(),
                {"Content-Type": "application/json", **headers})


def links_to(shop, to: str = CUSTOMER) -> list[str]:
    return [LINK.search(text_of(m)).group(1) for m in shop.smtp.to(to) if "Your link" in m["Subject"]]


def test_the_answer_is_byte_identical_for_members_and_strangers(member):
    shop = member
    known, unknown = ask(shop, CUSTOMER), ask(shop, "stranger@example.com")
    assert (known.status, known.body) == (unknown.status, unknown.body) == (200, known.body)
    assert known.json() == {"message": "If that email has a membership, a link is on its way. It works once, for "
                                       "30 minutes. Check your inbox (and the spam folder)."}
    assert {k: v for k, v in known.headers.items() if k != "Date"} == \
        {k: v for k, v in unknown.headers.items() if k != "Date"}
    form_known, form_unknown = ask(shop, CUSTOMER, form=True), ask(shop, "stranger@example.com", form=True)
    assert (form_known.status, form_known.body) == (form_unknown.status, form_unknown.body)
    assert b"Check your email" in form_known.body and b"<script" not in form_known.body
    assert form_known.headers["Content-Security-Policy"] == content_security_policy()
    shop.smtp.wait_for(lambda _: len(links_to(shop)) == 2)
    time.sleep(0.2)
    assert len(links_to(shop)) == 2 and shop.smtp.to("stranger@example.com") == []


def test_a_link_opens_the_billing_portal_once(member):
    shop = member
    ask(shop, CUSTOMER.upper())  # any case
    shop.smtp.wait_for(lambda _: links_to(shop))
    (link,) = links_to(shop)
    opened = http("GET", link)
    assert opened.status == 303 and opened.headers["Referrer-Policy"] == "no-referrer"
    portal = opened.headers["Location"]
    assert portal.startswith(f"{shop.emulator.url}/p/session/")
    page = http("GET", portal)
    assert page.status == 200 and b"Supporter Membership" in page.body and CUSTOMER.encode() in page.body
    assert f'href="{shop.url}/"'.encode() in page.body  # return_url: the site
    config = shop.services.settings.stripe_portal_configuration
    assert config and config.startswith("bpc_")  # the dev shop set one up, as setup-portal does
    again = http("GET", link)
    assert again.status == 410 and b"already used" in again.body
    assert b'name="email"' in again.body and CUSTOMER.encode() in again.body  # offers a fresh one


def test_bad_links_get_a_clear_page_that_tells_nothing_about_the_email(member):
    shop = member
    token = magic_links.link(shop.services, magic_links.PORTAL, CUSTOMER).split("token=")[1]
    expired = signing.sign(signing.key_bytes(shop.services.settings), "portal", {"email": CUSTOMER, "n": "x"}, -1)
    forged = signing.sign(b"k" * 48, "portal", {"email": CUSTOMER, "n": "y"}, 600)
    other = signing.sign(signing.key_bytes(shop.services.settings), "download", {"email": CUSTOMER, "n": "z"}, 600)
    stranger = signing.sign(signing.key_bytes(shop.services.settings), "portal", {"email": "x@example.com", "n": "w"},
                            600)
    cases = {
        "": (400, b"does not work"), "garbage": (400, b"does not work"),
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"): (400, b"does not work"),  # tampered
        forged: (400, b"does not work"), other: (400, b"does not work"),
        expired: (410, b"has expired"), stranger: (404, b"no membership for this link"),
    }
    for bad, (status, words) in cases.items():
        page = http("GET", f"{shop.url}/api/portal?" + urlencode({"token": bad}))
        assert page.status == status and words in page.body, (bad, page.status)
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.headers["Content-Security-Policy"] == content_security_policy()
        assert page.headers["Cache-Control"] == "no-store"
        assert b"<script" not in page.body and b"style=" not in page.body
        assert b'action="/api/portal"' in page.body  # a fresh link is one click away
        if status == 400:  # a link we cannot trust offers no email back
            assert CUSTOMER.encode() not in page.body
    assert http("GET", f"{shop.url}/api/portal?token={token}").status == 303  # the untouched one still works


def test_asking_is_limited_per_client_and_per_email(make_shop):
    shop = make_shop(RATE_LIMIT_PER_MINUTE="3")
    answers = [ask(shop, f"n{i}@example.com").status for i in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = ask(shop, "n5@example.com", form=True)
    assert limited.status == 429 and limited.headers["Retry-After"] == "60" and b"Too many" in limited.body
    # Per email (any client): past three links a quarter hour, the answer stays the same and nothing goes out.
    open_shop = make_shop()
    open_shop.join()
    bodies = {ask(open_shop, CUSTOMER).body for _ in range(5)}
    assert len(bodies) == 1
    time.sleep(0.5)
    assert len(links_to(open_shop)) == 3


def test_bad_requests_get_clear_answers(shop):
    assert ask(shop, "not an email").json()["error"]["code"] == "invalid_email"
    assert ask(shop, "a@b.example,c@d.example").status == 400
    form = ask(shop, "", form=True)
    assert form.status == 400 and b"Enter one email address" in form.body and b'name="email"' in form.body
    assert http("POST", f"{shop.url}/api/portal", b"{", {"Content-Type": "application/json"}).status == 400
    assert http("POST", f"{shop.url}/api/portal", b"email=a", {"Content-Type": "text/plain"}).status == 415
    big = http("POST", f"{shop.url}/api/portal", b"x" * 5000, {"Content-Type": "application/json"})
    assert big.status == 413
    foreign = ask(shop, CUSTOMER, Origin="https://evil.example")
    assert foreign.status == 403
    assert ask(shop, CUSTOMER, Origin=shop.url).status == 200
    assert http("PUT", f"{shop.url}/api/portal", b"", {}).status == 405
    preflight = http("OPTIONS", f"{shop.url}/api/portal", None, {"Origin": shop.url})
    assert preflight.status == 204 and preflight.headers["Access-Control-Allow-Origin"] == shop.url


def test_a_link_survives_the_payment_service_being_down(member, monkeypatch):
    shop = member
    link = magic_links.link(shop.services, magic_links.PORTAL, CUSTOMER)
    from checkout_kit.stripe_gateway import UNAVAILABLE, GatewayError, StripeGateway

    def down(*args, **kwargs):
        raise GatewayError(UNAVAILABLE, "unavailable", "test: Stripe is down")

    monkeypatch.setattr(StripeGateway, "create_portal_session", down)
    page = http("GET", link)
    assert page.status == 502 and b"Try the link again" in page.body
    monkeypatch.undo()
    assert http("GET", link).status == 303  # not spent by our failure


def test_the_payment_failed_email_opens_the_portal_on_the_card_form(member):
    shop = member
    customer = shop.store.list_subscriptions()[0].customer
    shop.control(f"customers/{customer}/payment_method", {"card": "4000000000000341"})
    shop.control("clock/advance", {"seconds": 32 * 86400})
    shop.smtp.wait_for(lambda ms: any("did not go through" in m["Subject"] for m in ms))
    failed = next(m for m in shop.smtp.to(CUSTOMER) if "did not go through" in m["Subject"])
    link = LINK.search(text_of(failed)).group(1)
    claims = json.loads(__import__("base64").urlsafe_b64decode(
        parse_qs(urlsplit(link).query)["token"][0].split(".")[0] + "=="))
    assert claims["flow"] == "payment_method_update" and claims["email"] == CUSTOMER
    portal = http("GET", link).headers["Location"]
    card_form = http("GET", portal)
    assert card_form.status == 303 and card_form.headers["Location"].endswith("/payment-method")
