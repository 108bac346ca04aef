"""Signed, expiring, counted downloads: the receipt's link serves the private file 5 times and
then says it is used up, never the file's location; tampered, expired and refunded links get a
clear page with a way to a fresh link; the count holds under concurrent clicks; files come
from downloads/, a URL, or an S3-compatible bucket through a presigned GET."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from checkout_kit import signing
from checkout_kit.fulfillment import download
from tests.core.conftest import CUSTOMER, Shop, http, paid_order, run_threads
from tests.support.after_sale import HANDBOOK
from tests.support.smtp import html_of, text_of

LINK = re.compile(r"http://127\.0\.0\.1:\d+/api/download\?token=[A-Za-z0-9_.%-]+")


def receipt_link(shop: Shop) -> str:
    shop.smtp.wait_for(lambda ms: len(shop.receipts()) == 1)
    [link] = LINK.findall(text_of(shop.receipts()[0]))
    return link


def test_the_receipt_link_serves_the_file_five_times_then_says_it_is_used_up(after_shop: Shop) -> None:
    order = paid_order(after_shop, "price_as_book")
    link = receipt_link(after_shop)
    receipt = after_shop.receipts()[0]
    assert "handbook.pdf" not in text_of(receipt) + html_of(receipt)  # never the file's location
    # The success page shows the very same link (one count of uses, whichever the buyer clicks).
    [view] = after_shop.summary(order.session_id).json()["fulfillment"]
    assert view["links"] == [{"label": "Download", "url": link}]
    for _ in range(5):
        answer = http("GET", link)
        assert answer.status == 200 and answer.body == HANDBOOK
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"].startswith('attachment; filename="handbook.pdf"')
        assert answer.headers["Cache-Control"] == "no-store" and answer.headers["Referrer-Policy"] == "no-referrer"
    used = http("GET", link)
    assert used.status == 410 and b"used up" in used.body and HANDBOOK not in used.body
    # A way to a fresh link: the order page's form, with the buyer's email filled in.
    assert b"action='/api/orders'" in used.body and CUSTOMER.encode() in used.body
    assert "script-src 'self'" in used.headers["Content-Security-Policy"] and b"<script" not in used.body


def test_concurrent_clicks_cannot_use_a_link_more_than_it_allows(any_after_shop: Shop) -> None:
    paid_order(any_after_shop, "price_as_book")
    link = receipt_link(any_after_shop)
    statuses = run_threads(12, lambda i: http("GET", link).status)
    assert sorted(statuses) == [200] * 5 + [410] * 7


def test_tampered_expired_and_foreign_tokens_are_refused_with_a_page(after_shop: Shop) -> None:
    order = paid_order(after_shop, "price_as_book")
    link = receipt_link(after_shop)
    token = parse_qs(urlsplit(link).query)["token"][0]
    body, mac = token.split(".")
    forged = signing.sign(b"not the shop's key " * 2, download.PURPOSE, {"s": order.session_id, "i": 0, "m": 99,
                                                                          "n": "0"})
    for bad in (f"{body}.{mac[:-2]}xx", forged, "garbage", ""):
        answer = http("GET", f"{after_shop.url}/api/download?token={quote(bad)}")
        assert answer.status == 400 and b"does not work" in answer.body and HANDBOOK not in answer.body
    key = signing.key_bytes(after_shop.services.settings)
    expired = signing.sign(key, download.PURPOSE, {"s": order.session_id, "i": 0, "m": 5, "n": "x", "exp": 1})
    answer = http("GET", f"{after_shop.url}/api/download?token={quote(expired)}")
    assert answer.status == 410 and b"expired" in answer.body and b"Email me a fresh link" in answer.body
    # A magic link of another purpose is not a download link, even when signed by the shop.
    other = signing.sign(key, "orders", {"s": order.session_id, "i": 0, "m": 5})
    assert http("GET", f"{after_shop.url}/api/download?token={quote(other)}").status == 400
    assert after_shop.store.download_uses(signing.token_id(token)) == 0  # refusals count nothing


def test_a_url_download_redirects_and_counts_its_own_limit(after_shop: Shop) -> None:
    paid_order(after_shop, "price_as_linked")
    link = receipt_link(after_shop)
    assert "works 2 times, for 1 day" in text_of(after_shop.receipts()[0])
    for _ in range(2):
        answer = http("GET", link)
        assert answer.status == 302 and answer.headers["Location"] == "https://files.example.com/linked.zip"
    assert http("GET", link).status == 410


def test_a_bucket_download_redirects_to_a_presigned_get_the_bucket_accepts(make_shop: Any, tmp_path: Any,
                                                                         hooks_dir: Any) -> None:
    from tests.support.after_sale import write_shop
    from tests.support.s3 import S3StandIn

    with S3StandIn("AKIDEXAMPLE0000", "bucket-secret-key-0123456789", {"/media/books/big book.pdf": b"BIG"}) as s3:
        extra = write_shop(tmp_path / "project")
        shop = make_shop(**extra, DOWNLOADS_BUCKET_URL=f"{s3.url}/media", DOWNLOADS_BUCKET_REGION="eu-west-1",
                         DOWNLOADS_BUCKET_ACCESS_KEY_ID="AKIDEXAMPLE0000",
                         DOWNLOADS_BUCKET_SECRET_ACCESS_KEY="bucket-secret-key-0123456789")
        paid_order(shop, "price_as_bucketed")
        answer = http("GET", receipt_link(shop))
        assert answer.status == 302
        target = answer.headers["Location"]
        assert target.startswith(f"{s3.url}/media/books/big%20book.pdf?") and "X-Amz-Signature=" in target
        assert "bucket-secret-key" not in target
        fetched = http("GET", target)
        assert fetched.status == 200 and fetched.body == b"BIG"
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="big book.pdf"')
        tampered = http("GET", target.replace("X-Amz-Expires=300", "X-Amz-Expires=999999"))
        assert tampered.status == 403  # the stand-in checks the signature as S3 does


def test_a_refunded_order_s_download_stops(after_shop: Shop) -> None:
    order = paid_order(after_shop, "price_as_book")
    link = receipt_link(after_shop)
    assert http("GET", link).status == 200
    with after_shop.store.transaction() as tx:
        tx.set_refunded(order.session_id, order.amount_total, "refunded")
    answer = http("GET", link)
    assert answer.status == 410 and b"refunded" in answer.body and HANDBOOK not in answer.body
    assert b"fresh link" not in answer.body  # nothing to get back


def test_a_missing_file_is_a_clear_page_and_an_alert_not_a_500(after_shop: Shop) -> None:
    paid_order(after_shop, "price_as_book")
    (after_shop.project / "downloads" / "handbook.pdf").unlink()  # type: ignore[attr-defined]
    answer = http("GET", receipt_link(after_shop))
    assert answer.status == 503 and b"unavailable" in answer.body
    assert [p.cause for p in after_shop.store.problems()] == ["download_broken"]


def test_fresh_links_have_their_own_count(after_shop: Shop) -> None:
    from checkout_kit.fulfillment import kinds

    order = paid_order(after_shop, "price_as_book")
    link = receipt_link(after_shop)
    for _ in range(5):
        http("GET", link)
    assert http("GET", link).status == 410
    [fresh] = kinds.views(after_shop.services, after_shop.store.get_order(order.session_id), fresh=True)
    assert fresh.links[0].url != link
    assert http("GET", fresh.links[0].url).status == 200
    time.sleep(0)  # (the count is per link: the old one stays used up)
    assert http("GET", link).status == 410
