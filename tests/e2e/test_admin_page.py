"""The owner's desk (admin/, at /admin/) driven in Chromium against the running shop: signing in (a
wrong token told apart from a network or server error), today's numbers equal to the store's,
search, the order page, retrying a job that gave up, the revenue chart, a customer's data."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from checkout_kit.money import format_amount
from checkout_kit.store.records import order_reference
from tests.e2e.desk import TOKEN, buy, open_view, sign_in, signed_in, status, three_purchases

pytestmark = pytest.mark.browser


def kept_token(page: Page) -> str | None:
    return page.evaluate("() => sessionStorage.getItem('checkout-kit:admin-token')")


def test_a_wrong_token_is_told_apart_from_a_network_or_server_error(desk_shop, page: Page) -> None:
    error = page.locator("#signin-error")
    sign_in(page, desk_shop, "not-the-token")
    expect(error).to_contain_text("not this shop's ADMIN_TOKEN")
    assert kept_token(page) is None
    expect(page.get_by_label("Admin token")).to_be_focused()

    page.route("**/api/admin/**", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(error).to_contain_text("Could not reach the shop")
    expect(error).to_contain_text("Your token was not checked")
    page.unroute("**/api/admin/**")

    page.route("**/api/admin/**", lambda route: route.fulfill(status=502, body="Bad gateway"))
    page.get_by_role("button", name="Sign in").click()
    expect(error).to_contain_text("answered with an error (HTTP 502)")
    expect(error).not_to_contain_text("ADMIN_TOKEN")
    page.unroute("**/api/admin/**")
    assert kept_token(page) is None

    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    assert kept_token(page) == TOKEN

    # The token changed on the host: the next call says so and asks again.
    page.evaluate("() => sessionStorage.setItem('checkout-kit:admin-token', 'an-old-token')")
    page.get_by_role("link", name="Orders", exact=True).click()
    expect(error).to_contain_text("no longer accepts your token")
    assert kept_token(page) is None

    sign_in(page, desk_shop)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    assert kept_token(page) is None
    expect(page.get_by_label("Admin token")).to_be_visible()
    expect(page.get_by_role("navigation", name="Desk")).to_be_hidden()
    expect(page.locator("#today-cards")).to_be_empty()
    page.reload()
    expect(page.get_by_label("Admin token")).to_be_visible()


def test_a_shop_without_an_admin_token_says_how_to_set_one(shop, page: Page) -> None:
    sign_in(page, shop, "anything")
    expect(page.locator("#signin-error")).to_contain_text("no ADMIN_TOKEN set")


def test_today_shows_the_stores_numbers_after_three_purchases(desk_shop, page: Page) -> None:
    shop = desk_shop
    three_purchases(shop)
    shop.new_session("price_test_ebook")  # a checkout started and never paid
    paid = [o for o in shop.store.list_orders(100) if o.status == "paid"]
    started = shop.store.count("checkout_intents")
    signed_in(page, shop)
    expect(page.locator("#today-orders")).to_have_text(str(len(paid)))
    expect(page.locator("#today-revenue")).to_have_text(format_amount(sum(o.amount_total for o in paid), "usd"))
    expect(page.locator("#today-started")).to_have_text(str(started))
    expect(page.locator("#today-conversion")).to_have_text(f"{len(paid) / started * 100:.1f}%")
    expect(page.locator("#today-pending")).to_have_text(str(shop.store.pending_email_count()))
    assert (len(paid), started) == (3, 4)


def test_search_finds_orders_by_email_and_reference_and_opens_one(desk_shop, page: Page) -> None:
    shop = desk_shop
    bought = three_purchases(shop)
    signed_in(page, shop)
    open_view(page, "Orders", "Orders")
    orders = page.locator("#orders-list > li")
    expect(orders).to_have_count(3)

    page.get_by_label("Search").fill("bob@example.com")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(orders).to_have_count(1)
    tee = order_reference(bought["tshirt"])
    expect(orders.first.get_by_role("link")).to_have_text(f"Order {tee}")
    expect(status(page)).to_have_text("1 order.")
    # A search keeps the owner where they were (the results are announced, the heading is not focused).
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_focused()

    ticket = order_reference(bought["ticket"])
    page.get_by_label("Search").fill(ticket)
    page.get_by_label("Search").press("Enter")
    expect(orders).to_have_count(1)
    expect(orders.first).to_contain_text("cat@example.com")

    page.get_by_label("Search").fill("")
    page.get_by_label("Only orders to ship").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(orders).to_have_count(1)
    expect(orders.first).to_contain_text("to ship")
    page.get_by_label("Only orders to ship").uncheck()
    page.get_by_label("Kind").select_option("ticket")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(orders).to_have_count(1)
    expect(orders.first.get_by_role("link")).to_have_text(f"Order {ticket}")

    page.get_by_label("Kind").select_option("")
    page.get_by_label("Search").fill("nobody@example.com")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No orders match.").first).to_be_visible()

    page.go_back()  # the search lives in the address: Back returns to the ticket search
    expect(orders).to_have_count(1)
    expect(page.get_by_label("Kind")).to_have_value("ticket")

    page.goto(f"{shop.url}/admin/#/order/{tee}")
    expect(page.get_by_role("heading", level=1, name=f"Order {tee}")).to_be_focused()
    body = page.locator("#order-body")
    expect(body).to_contain_text("bob@example.com")
    expect(body).to_contain_text("Springfield")
    expect(body.locator("table.lines tbody tr")).to_have_count(1)
    expect(body.locator("table.lines")).to_contain_text("to ship")
    expect(body.locator("table.lines")).to_contain_text("$50.00")
    emails = body.locator("h2:has-text('Emails') + ul > li")
    expect(emails).to_have_count(2)
    expect(emails.filter(has_text="receipt")).to_contain_text("sent")
    expect(body.locator("h2:has-text('Webhook deliveries') + ul")).to_contain_text("checkout.session.completed")
    expect(body.get_by_role("button", name="Mark shipped…")).to_be_visible()

    page.goto(f"{shop.url}/admin/#/order/ZZZZZZZZ")
    expect(status(page)).to_contain_text("No order ZZZZZZZZ")


def test_show_more_pages_by_cursor_and_moves_focus_to_the_first_new_order(desk_shop, page: Page) -> None:
    shop = desk_shop
    ids = [buy(shop, "price_test_ebook", email=f"reader{n}@example.com") for n in range(3)]
    seed_orders(shop, 52)
    signed_in(page, shop)
    open_view(page, "Orders", "Orders")
    orders = page.locator("#orders-list > li")
    expect(orders).to_have_count(50)
    page.get_by_role("button", name="Show more orders").click()
    expect(orders).to_have_count(55)
    expect(orders.nth(50).get_by_role("link")).to_be_focused()
    expect(page.get_by_role("button", name="Show more orders")).to_be_hidden()
    shown = [t.removeprefix("Order ") for t in orders.locator(".order-head a").all_text_contents()]
    seeded = [f"cs_test_seeded{n:04d}" for n in reversed(range(52))]
    assert shown == [order_reference(s) for s in [*reversed(ids), *seeded]]  # newest first, each once


def seed_orders(shop, count: int) -> None:
    """Older paid e-book orders straight into the store (what 52 checkouts would leave)."""
    from checkout_kit.store.records import Order, OrderItem

    with shop.store.transaction() as tx:
        for n in range(count):
            tx.insert_order(Order(
                session_id=f"cs_test_seeded{n:04d}", status="paid", mode="payment", livemode=False,
                customer_email=f"seeded{n}@example.com", customer_name=None, amount_total=1500, currency="usd",
                items=[OrderItem(0, "price_test_ebook", "ebook", "The Static Shop Handbook", 1, 1500, "usd",
                                 "download", "fulfilled")]))
    # Newer than the bought ones would sort first: move them back in time, one second apart.
    for n in range(count):
        shop.store._write("UPDATE orders SET created_at = ? WHERE session_id = ?",
                          (time.time() + n - 86400 * 3, f"cs_test_seeded{n:04d}"))


def test_the_revenue_chart_shows_the_purchases(desk_shop, page: Page) -> None:
    shop = desk_shop
    three_purchases(shop)
    paid = [o for o in shop.store.list_orders(100) if o.status == "paid"]
    total = sum(o.amount_total for o in paid)
    signed_in(page, shop)
    open_view(page, "Revenue", "Revenue")
    chart = page.get_by_role("img", name="Revenue per day in USD, last 30 days")
    expect(chart).to_be_visible()
    bars = page.locator("svg rect.bar")
    expect(bars).to_have_count(30)
    today = page.evaluate("() => { const d = new Date(); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());"
                          " return d.toISOString().slice(0, 10); }")
    tall = [(b.get_attribute("data-day"), float(b.get_attribute("height"))) for b in bars.all()]
    assert [(day, height > 0) for day, height in tall if height > 0] == [(today, True)]
    assert page.locator(f"svg rect.bar[data-day='{today}']").get_attribute("data-amount") == str(total)
    expect(page.locator("svg desc")).to_contain_text(f"{format_amount(total, 'usd')} in total over 30 days")
    row = page.locator(f"#revenue-table tr[data-day='{today}']")
    expect(row.locator("td")).to_have_text([str(len(paid)), format_amount(total, "usd")])
    expect(page.locator("#revenue-table tbody tr")).to_have_count(30)

    page.get_by_role("link", name="90 days").click()
    expect(page.get_by_role("img", name="Revenue per day in USD, last 90 days")).to_be_visible()
    expect(page.locator("#revenue-table tbody tr")).to_have_count(90)
    expect(page.get_by_role("link", name="90 days")).to_have_attribute("aria-current", "true")


class RefusingMailer:
    """The mail service refuses one address (the job gives up, JOBS_MAX_ATTEMPTS=1); others go through."""

    name = "refusing"

    def __init__(self, real, refused: str) -> None:
        self.real, self.refused = real, refused

    def send(self, email) -> None:
        from checkout_kit.mail import MailError

        if email.to == self.refused:
            raise MailError("mail service refused the message (test)")
        self.real.send(email)


def test_retry_sends_a_job_that_gave_up_once(desk_shop, page: Page) -> None:
    shop = desk_shop
    real = shop.services.mailer
    shop.services._mailer = RefusingMailer(real, "gives.up@example.com")
    session_id = buy(shop, "price_test_ebook", email="gives.up@example.com")
    shop.settle_deliveries()
    [job] = [j for j in shop.store.failed_jobs() if j.payload.get("template") == "receipt"]
    shop.services._mailer = real  # the mail service is fixed
    signed_in(page, shop)
    open_view(page, "Problems", "Problems")
    row = page.locator("#problems-body li", has=page.locator(f"button[data-job='{job.id}']"))
    expect(row).to_contain_text(f"order {order_reference(session_id)}")
    expect(row).to_contain_text("refused")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    row.get_by_role("button", name=f"Retry job {job.id}").dblclick()
    expect(status(page)).to_have_text(f"Job {job.id} ran again and succeeded.")
    expect(page.locator(f"button[data-job='{job.id}']")).to_have_count(0)
    expect(page.get_by_role("heading", level=1, name="Problems")).to_be_focused()
    shop.smtp.wait_for(lambda ms: any(m["To"] == "gives.up@example.com" for m in ms))
    time.sleep(0.3)
    assert [m["To"] for m in shop.smtp.messages].count("gives.up@example.com") == 1
    assert [p for p in posts if p.endswith("/api/admin/jobs/retry")] == [f"{shop.url}/api/admin/jobs/retry"]
    assert shop.store.jobs(session_id, "email")[0].status == "done"
    [entry] = [e for e in shop.store.audit_entries() if e.action == "retry"]
    assert entry.target == f"job {job.id}" and entry.actor == "admin"


def test_customer_data_downloads_as_json_and_is_forgotten_after_confirmation(desk_shop, page: Page) -> None:
    shop = desk_shop
    bought = three_purchases(shop)
    signed_in(page, shop)
    open_view(page, "Customer", "Customer")
    page.get_by_label("Customer's email").fill("bob@example.com")
    page.get_by_role("button", name="Look up").click()
    body = page.locator("#customer-body")
    expect(body.get_by_role("link", name=f"Order {order_reference(bought['tshirt'])}")).to_be_visible()
    with page.expect_download() as download:
        body.get_by_role("button", name="Download their data (JSON)").click()
    record = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert set(record) == {"email", "orders", "subscriptions", "emails", "deliveries"}
    assert [o["session_id"] for o in record["orders"]] == [bought["tshirt"]]

    body.get_by_role("button", name="Forget this customer…").click()
    page.get_by_label("Type their email to confirm").fill("bob@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Type bob@example.com exactly to confirm.")).to_be_visible()
    assert shop.store.get_order(bought["tshirt"]).customer_email == "bob@example.com"
    page.get_by_label("Type their email to confirm").fill("bob@example.com")
    page.get_by_role("button", name="Continue").click()
    question = page.get_by_text("Erase bob@example.com's personal data now?")
    expect(question).to_be_focused()
    page.get_by_role("button", name="Yes, erase it").click()
    expect(page.locator("#forget-result")).to_contain_text("Erased from 1 order(s)")
    expect(page.locator("#forget-result")).to_contain_text("accounting")
    expect(body).to_contain_text("No orders under this email.")
    order = shop.store.get_order(bought["tshirt"])
    assert order.customer_email is None and order.amount_total == 5000
    assert shop.store.get_order(bought["ebook"]).customer_email == "ann@example.com"

    open_view(page, "Audit log", "Audit log")
    # Newest first: the lookup after erasing, the erasure, the first lookup.
    expect(page.locator("#audit-list > li strong")).to_have_text(["customer export", "forget", "customer export"])
    expect(page.locator("#audit-list > li").nth(1)).to_contain_text("from this page (127.0.0.1)")
    expect(page.locator("#audit-list")).not_to_contain_text("bob@example.com")


def test_the_csv_export_downloads_every_item(desk_shop, page: Page) -> None:
    shop = desk_shop
    bought = three_purchases(shop)
    signed_in(page, shop)
    open_view(page, "Orders", "Orders")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all orders (CSV)").click()
    assert download.value.suggested_filename.startswith("orders-") and download.value.suggested_filename.endswith(".csv")
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("order_reference,session_id,")
    assert [line.split(",")[1] for line in lines[1:]] == [bought["ebook"], bought["tshirt"], bought["ticket"]]
    expect(status(page)).to_have_text("The orders CSV is downloaded.")


@pytest.mark.parametrize("opener,fill,confirm,expected", [
    ("Mark shipped…", {"Carrier": "UPS", "Tracking number": "1Z999AA10123456784"}, "Yes, mark shipped",
     "Marking orders shipped is not available on this shop yet"),
    ("Refund…", {}, "Yes, refund $50.00", "Refunds from this page are not available on this shop yet"),
])
def test_an_action_the_shop_lacks_says_not_available_yet(desk_shop, page: Page, opener, fill, confirm, expected) -> None:
    """A kit without the ship or refund route (404 unknown_route) is told apart from an unknown order."""
    shop = desk_shop
    tee = order_reference(buy(shop, "price_test_tshirt", 2, email="bob@example.com"))
    page.route("**/api/admin/order/*", lambda route: route.fulfill(
        status=404, json={"error": {"code": "unknown_route", "message": "No such admin route."}}))
    signed_in(page, shop)
    page.goto(f"{shop.url}/admin/#/order/{tee}")
    page.get_by_role("button", name=opener).click()
    for label, value in fill.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=confirm).click()
    expect(page.locator(".confirm").get_by_role("alert")).to_contain_text(expected)
    expect(page.get_by_role("button", name=confirm)).to_be_enabled()  # the owner can try again later


MISSING = "POST /api/admin/order/ship and /order/refund (issue 11's ship/refund core) are not on main yet"


@pytest.mark.skip(reason=MISSING)
def test_mark_shipped_emails_the_customer_once(desk_shop, page: Page) -> None:
    shop = desk_shop
    session_id = buy(shop, "price_test_tshirt", 2, email="bob@example.com")
    shop.settle_deliveries()
    before = len(shop.smtp.to("bob@example.com"))
    signed_in(page, shop)
    page.goto(f"{shop.url}/admin/#/order/{order_reference(session_id)}")
    page.get_by_role("button", name="Mark shipped…").click()
    page.get_by_label("Carrier").fill("UPS")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("email bob@example.com once?")).to_be_focused()
    page.get_by_role("button", name="Yes, mark shipped").dblclick()
    expect(status(page)).to_contain_text("is marked shipped")
    expect(page.locator("table.lines")).to_contain_text("1Z999AA10123456784")
    expect(page.get_by_role("button", name="Mark shipped…")).to_have_count(0)
    shop.smtp.wait_for(lambda ms: len([m for m in ms if m["To"] == "bob@example.com"]) > before)
    time.sleep(0.5)
    assert len(shop.smtp.to("bob@example.com")) == before + 1
    assert shop.store.get_order(session_id).items[0].fulfillment_status == "shipped"
    assert [e.action for e in shop.store.audit_entries()].count("ship") == 1


@pytest.mark.skip(reason=MISSING)
def test_refund_goes_through_stripe_once_even_when_clicked_twice(desk_shop, page: Page) -> None:
    from tests.core.conftest import http

    shop = desk_shop
    session_id = buy(shop, "price_test_ebook", email="ann@example.com")
    shop.settle_deliveries()
    signed_in(page, shop)
    page.goto(f"{shop.url}/admin/#/order/{order_reference(session_id)}")
    page.get_by_role("button", name="Refund…").click()
    page.get_by_label("Part of it").check()
    page.get_by_label("Amount to refund (USD)").fill("20")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Give an amount above zero and at most $15.00.")).to_be_visible()
    page.get_by_label("All that is left ($15.00)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, refund $15.00").dblclick()
    expect(status(page)).to_contain_text("Refund of $15.00 sent to Stripe")
    shop.wait_order(session_id, "refunded")
    shop.settle_deliveries()
    intent = shop.store.get_order(session_id).payment_intent
    refunds = http("GET", f"{shop.emulator.url}/v1/refunds?payment_intent={intent}",
                   headers={"Authorization": "Bearer sk_test_x"}).json()["data"]
    assert [r["amount"] for r in refunds] == [1500]
    page.reload()
    expect(page.locator("#order-body")).to_contain_text("refunded")
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.locator("#today-refunds")).to_have_text("$15.00")


def test_check_with_stripe_fulfills_a_payment_whose_webhook_never_came(desk_shop, page: Page) -> None:
    shop = desk_shop
    endpoints = shop.emulator.deliverer.endpoints
    saved = list(endpoints)
    endpoints.clear()  # the webhook never arrives
    try:
        lost = shop.new_session("price_test_ebook")
        shop.pay(lost, email="lost@example.com")
    finally:
        endpoints.extend(saved)
    assert shop.store.get_order(lost) is None
    signed_in(page, shop)
    open_view(page, "Problems", "Problems")
    page.get_by_role("button", name="Check the last 3 days").click()
    expect(status(page)).to_have_text("Reconcile done: 1 order(s) fixed.")
    result = page.locator("#reconcile-result")
    expect(result).to_contain_text("Checked 1 completed payment(s): 1 fixed, 0 could not be fixed.")
    assert shop.store.get_order(lost).status == "paid"
    result.get_by_role("link", name=f"Order {order_reference(lost)}").click()
    expect(page.get_by_role("heading", level=1, name=f"Order {order_reference(lost)}")).to_be_focused()
    expect(page.locator("#order-body")).to_contain_text("lost@example.com")
