"""Mail rendering and transports: templates, precompiled templates, SMTP and the HTTP mail API."""

from __future__ import annotations

import json

import pytest

from checkout_kit import mail
from checkout_kit.catalog import Shop
from checkout_kit.store.records import Order, OrderItem
from tests.support.deploy import MailApiStandIn
from tests.support.smtp import SmtpServer, html_of, text_of


def order(**overrides) -> Order:
    base = Order("cs_test_mail1", "paid", "payment", False, "ann@example.com", "Ann <b>O'Hara</b>", 7500, "usd",
                 shipping={"name": "Ann", "address": {"line1": "1 Main", "line2": None, "city": "Town",
                                                      "postal_code": "123", "state": None, "country": "US"}},
                 items=[OrderItem(0, "price_x", "tshirt", "T-shirt <script>", 3, 7500, "usd", "shipment",
                                  fulfillment={"type": "shipment", "status": "to_ship"})])
    for key, value in overrides.items():
        setattr(base, key, value)
    return base


CONTEXT = {"reference": "AB12CD34", "shop_name": "Test Shop", "support_email": "help@shop.example",
           "site_url": "https://shop.example", "interval": "month",
           "shop": Shop(name="Test Shop", support_email="help@shop.example", logo="/img/logo.svg")}


def test_precompiled_templates_are_up_to_date():
    assert mail.MANIFEST.read_text() == mail.sources_digest(), (
        "mail templates changed: run `python -m checkout_kit compile-templates` and commit the result")


def test_precompiled_and_source_templates_render_the_same():
    import jinja2

    compiled = mail._environment(jinja2.ModuleLoader(str(mail.COMPILED)))
    source = mail._environment(jinja2.FileSystemLoader(str(mail.TEMPLATES)))
    for name in ("receipt", "merchant_order", "payment_failed"):
        for suffix in (".subject.txt", ".txt", ".html"):
            args = dict(order=order(), **CONTEXT)
            assert compiled.get_template(name + suffix).render(**args) == source.get_template(name + suffix).render(**args)


def test_receipt_escapes_html_but_not_text_and_formats_money():
    subject, text, html = mail.render("receipt", order=order(), **CONTEXT)
    assert subject == "Your receipt from Test Shop — order AB12CD34"
    assert "3 × T-shirt <script>  $75.00" in text
    assert "T-shirt &lt;script&gt;" in html and "<script>" not in html
    assert "Ann &lt;b&gt;O&#39;Hara&lt;/b&gt;" in html
    assert "help@shop.example" in text and "1 Main" in text


def test_subject_cannot_carry_a_header_break():
    evil = order(customer_email="x@example.com\r\nBcc: victim@example.com")
    subject, _, _ = mail.render("merchant_order", order=evil, **CONTEXT)
    assert "\n" not in subject and "\r" not in subject


def test_zero_decimal_currency_in_receipt():
    yen = order(amount_total=500, currency="jpy", items=[OrderItem(0, "p", "e", "Book", 1, 500, "jpy", "download",
                                                                  fulfillment={"type": "download", "url": "https://d.example/b"})])
    _, text, _ = mail.render("receipt", order=yen, **CONTEXT)
    assert "¥500" in text and "https://d.example/b" in text


def email() -> mail.Email:
    subject, text, html = mail.render("receipt", order=order(), **CONTEXT)
    return mail.Email(to="ann@example.com", subject=subject, text=text, html=html,
                      sender="Test Shop <shop@shop.example>", reply_to="help@shop.example", key="cs_test_mail1:receipt")


def test_smtp_transport_delivers_both_parts():
    server = SmtpServer().start()
    try:
        mail.SmtpTransport(server.url).send(email())
        received = server.wait_for(lambda ms: len(ms) == 1)[0]
        assert received["To"] == "ann@example.com" and received["Reply-To"] == "help@shop.example"
        assert "$75.00" in text_of(received) and "$75.00" in html_of(received)
    finally:
        server.stop()


def test_smtp_errors_are_mail_errors_without_credentials():
    with pytest.raises(mail.MailError) as info:
        mail.SmtpTransport("smtp://user:s3cret-pass@127.0.0.1:9").send(email())
    assert "s3cret-pass" not in str(info.value) and "127.0.0.1:9" in str(info.value)


def test_smtp_requires_tls_when_asked():
    server = SmtpServer().start()
    try:
        with pytest.raises(mail.MailError, match="STARTTLS"):
            mail.SmtpTransport(server.url, require_tls=True).send(email())
    finally:
        server.stop()


def test_resend_transport_posts_json_with_idempotency_key():
    api = MailApiStandIn()
    try:
        mail.ResendTransport("re_test_key", api.url).send(email())
        path, headers, body = api.requests[0]
        payload = json.loads(body)
        assert path == "/emails" and headers["Idempotency-Key"] == "cs_test_mail1:receipt"
        assert payload["to"] == ["ann@example.com"] and payload["reply_to"] == "help@shop.example"
        assert "$75.00" in payload["text"] and "$75.00" in payload["html"]
        with pytest.raises(mail.MailError, match="HTTP 401"):
            mail.ResendTransport("re_wrong", api.url).send(email())
    finally:
        api.close()


def test_resend_server_error_is_a_retryable_mail_error():
    api = MailApiStandIn(statuses=[500])
    try:
        with pytest.raises(mail.MailError, match="HTTP 500"):
            mail.ResendTransport("re_test_key", api.url).send(email())
        mail.ResendTransport("re_test_key", api.url).send(email())  # the retry goes through
        assert len(api.requests) == 2
    finally:
        api.close()


def test_outbox_dir_transport_writes_eml(tmp_path):
    mail.OutboxDirTransport(str(tmp_path / "outbox")).send(email())
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and b"Subject: Your receipt from Test Shop" in files[0].read_bytes()
