"""js/stripe-checkout.js warms a cold function on intent: exactly one cookie-less GET of the health
route per page view, when a buy button comes into view (or, without IntersectionObserver, when one is
pointed at or focused); `data-prewarm="off"` sends none. Counted in Chromium against a stubbed page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request

from tests.e2e.test_library import ORIGIN, open_page

pytestmark = pytest.mark.browser
HEALTH = ORIGIN + "/api/health"


class Warmups:
    """The health requests the page sends, with the headers the browser really sent."""

    def __init__(self, page: Page, url: str = HEALTH) -> None:
        self.seen: list[dict[str, str]] = []
        page.on("request", lambda r: self._record(r, url))

    def _record(self, request: Request, url: str) -> None:
        if request.url == url:
            self.seen.append({"method": request.method, **request.all_headers()})

    def count(self, page: Page, settle_ms: int = 300) -> int:
        page.wait_for_timeout(settle_ms)  # a request that was going to be sent has been by now
        return len(self.seen)


def test_one_warm_up_per_page_view_when_a_button_is_in_view(page: Page) -> None:
    page.context.add_cookies([{"name": "session", "value": "secret", "url": ORIGIN}])
    warmups = Warmups(page)
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button><a id=other href=#>x</a>')
    assert warmups.count(page) == 1
    assert warmups.seen[0]["method"] == "GET" and "cookie" not in warmups.seen[0]
    page.hover("#b")
    page.focus("#b")
    page.evaluate("window.cancel = ['redirect']")
    page.click("#b")
    page.wait_for_function("() => window.seen.length === 2")
    assert warmups.count(page) == 1 and len(stub.requests) == 1
    page.reload()
    page.wait_for_function("() => window.StripeCheckout")
    assert warmups.count(page) == 2  # a new page view warms again


def test_a_button_below_the_fold_warms_when_it_scrolls_into_view(page: Page) -> None:
    warmups = Warmups(page)
    open_page(page, "<p>A long article.</p>" * 150 + '<button id=b data-price-id="price_A">Buy</button>')
    assert warmups.count(page) == 0
    page.locator("#b").scroll_into_view_if_needed()
    assert warmups.count(page) == 1


@pytest.mark.parametrize("intent", ["hover", "focus"])
def test_without_intersection_observer_pointing_or_focusing_warms(page: Page, intent: str) -> None:
    page.add_init_script("delete window.IntersectionObserver")
    warmups = Warmups(page)
    open_page(page, '<p id=p>text</p><button id=b data-price-id="price_A">Buy</button><button id=c>Other</button>')
    assert warmups.count(page) == 0
    page.hover("#p")
    page.focus("#c")  # not buy buttons: nothing
    assert warmups.count(page) == 0
    getattr(page, intent)("#b")
    page.hover("#b")
    page.focus("#b")
    assert warmups.count(page) == 1


def test_data_prewarm_off_sends_none_and_buying_still_works(page: Page) -> None:
    warmups = Warmups(page)
    stub = open_page(page, '<button id=b data-price-id="price_A">Buy</button>', 'data-prewarm="off"')
    page.hover("#b")
    page.click("#b")
    page.wait_for_url(ORIGIN + "/checkout/cs_test_123")
    assert warmups.count(page, 100) == 0 and len(stub.requests) == 1


WARM_UP = """
import json, sys
from checkout_kit.web import App, call_wsgi, environ_for
app = App()
before = "checkout_kit.checkout" in sys.modules
status, _, body = call_wsgi(app, environ_for("GET", "/api/health", "", {}, b""))
print(json.dumps({"status": status, "body": json.loads(body), "before": before,
                  "after": all(m in sys.modules for m in ("checkout_kit.checkout", "checkout_kit.stripe_gateway"))}))
"""


@pytest.mark.parametrize("database", ["sqlite", "unreachable"])
def test_the_warm_up_loads_the_checkout_route_and_never_fails_liveness(tmp_path, database: str) -> None:
    import json
    import os
    import subprocess
    import sys

    from tests.e2e.flows import ROOT

    url = f"sqlite:///{tmp_path}/o.db" if database == "sqlite" else "postgresql://kit:x@127.0.0.1:9/nope"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "DATABASE_"))}
    env.update(DATABASE_URL=url, CATALOG_PATH=str(ROOT / "tests" / "fixtures" / "catalog.toml"), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", WARM_UP], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=60)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"status": 200, "body": {"ok": True}, "before": False, "after": True}, out.stderr
    if database == "sqlite":
        assert (tmp_path / "o.db").exists()  # the connection (and its schema) were made by the warm-up
