"""The kit's signing key and tokens: expiring, single-purpose, tamper-evident; magic links work once."""

from __future__ import annotations

import stat

import pytest

from checkout_kit import magic_links, signing

KEY = b"k" * 48


def test_a_token_verifies_for_its_purpose_only() -> None:
    token = signing.sign(KEY, "portal", {"email": "a@example.com"}, ttl_s=60)
    assert signing.verify(KEY, "portal", token)["email"] == "a@example.com"
    for purpose, key in (("download", KEY), ("portal", b"x" * 48)):
        with pytest.raises(signing.TokenError) as info:
            signing.verify(key, purpose, token)
        assert info.value.reason == "invalid"


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
    lambda t: ("f" if t[0] != "f" else "g") + t[1:],  # the claims
    lambda t: t.replace(".", ""), lambda t: "", lambda t: "a.b.c", lambda t: t + "." + t,
])
def test_a_tampered_token_is_invalid(mangle) -> None:
    token = signing.sign(KEY, "portal", {"email": "a@example.com"}, ttl_s=60)
    with pytest.raises(signing.TokenError) as info:
        signing.verify(KEY, "portal", mangle(token))
    assert info.value.reason == "invalid"


def test_an_old_token_is_expired() -> None:
    token = signing.sign(KEY, "portal", {"email": "a@example.com"}, ttl_s=60)
    claims = signing.verify(KEY, "portal", token)
    with pytest.raises(signing.TokenError) as info:
        signing.verify(KEY, "portal", token, now=claims["exp"])
    assert info.value.reason == "expired"


def test_codes_depend_on_the_key() -> None:
    assert signing.code(KEY, "ticket", "cs_1", 0, 1) == signing.code(KEY, "ticket", "cs_1", 0, 1)
    assert signing.code(KEY, "ticket", "cs_1", 0, 1) != signing.code(b"y" * 48, "ticket", "cs_1", 0, 1)
    assert signing.code(KEY, "ticket", "cs_1", 0, 1) != signing.code(KEY, "ticket", "cs_1", 0, 2)


def test_the_development_key_is_made_once_and_private(tmp_path) -> None:
    path = tmp_path / ".data" / "signing.key"
    first = signing.dev_key(path)
    assert len(first) >= signing.MIN_KEY_LENGTH and signing.dev_key(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_magic_link_works_once(shop) -> None:
    purpose = magic_links.Purpose("portal", "/api/portal", "your membership")
    url = magic_links.link(shop.services, purpose, "a@example.com")
    token = url.split("token=", 1)[1]
    from urllib.parse import unquote

    assert magic_links.redeem(shop.services, purpose, unquote(token))["email"] == "a@example.com"
    with pytest.raises(magic_links.LinkRefused) as info:
        magic_links.redeem(shop.services, purpose, unquote(token))
    assert info.value.reason == "used"
