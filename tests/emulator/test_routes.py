"""Routes as Stripe has them: paged line items, Stripe's 404 for what the
emulator lacks (wrong method included), search with Stripe's query language.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
import stripe

from tests.emulator.conftest import control, new_session

UNRECOGNIZED = ("Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help "
                "at https://support.stripe.com/.")


@pytest.fixture
def big_cart(client, catalog) -> tuple[stripe.checkout.Session, list[str]]:
    """A session with 20 lines, each a different product, in a known order."""
    prices = []
    for n in range(20):
        product = client.v1.products.create(params={"name": f"Item {n:02d}"})
        prices.append(client.v1.prices.create(params={"product": product.id, "unit_amount": 100 + n,
                                                       "currency": "usd"}).id)
    session = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://shop.example/s",
        "line_items": [{"price": p, "quantity": 1} for p in prices]})
    return session, [f"Item {n:02d}" for n in range(20)]


class TestLineItemPages:
    def test_expanded_line_items_hold_the_first_ten(self, client, big_cart):
        session, names = big_cart
        expanded = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
        assert [i.description for i in expanded.line_items.data] == names[:10]
        assert expanded.line_items.has_more is True
        assert expanded.line_items.url == f"/v1/checkout/sessions/{session.id}/line_items"
        assert expanded.amount_total == sum(100 + n for n in range(20))  # the total still counts every line

    def test_small_carts_expand_whole(self, client, catalog):
        session = new_session(client, catalog["ebook"].id)
        expanded = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
        assert len(expanded.line_items.data) == 1 and expanded.line_items.has_more is False

    def test_paging_through_line_items_gets_every_line_once(self, client, big_cart):
        session, names = big_cart
        first = client.v1.checkout.sessions.line_items.list(session.id)
        assert len(first.data) == 10 and first.has_more
        every = [i.description for i in client.v1.checkout.sessions.line_items.list(
            session.id, params={"limit": 7}).auto_paging_iter()]
        assert every == names

    def test_cursors_and_limits(self, client, big_cart):
        session, names = big_cart
        ids = [i.id for i in client.v1.checkout.sessions.line_items.list(session.id, params={"limit": 100}).data]
        assert len(ids) == 20
        after = client.v1.checkout.sessions.line_items.list(session.id, params={"starting_after": ids[4], "limit": 3})
        assert [i.id for i in after.data] == ids[5:8] and after.has_more
        before = client.v1.checkout.sessions.line_items.list(session.id, params={"ending_before": ids[4], "limit": 3})
        assert [i.id for i in before.data] == ids[1:4] and before.has_more
        tail = client.v1.checkout.sessions.line_items.list(session.id, params={"starting_after": ids[17]})
        assert [i.id for i in tail.data] == ids[18:] and tail.has_more is False
        for limit in (0, 101):
            with pytest.raises(stripe.InvalidRequestError) as info:
                client.v1.checkout.sessions.line_items.list(session.id, params={"limit": limit})
            assert info.value.param == "limit"

    def test_paid_big_cart_events_do_not_carry_line_items(self, emulator, client, big_cart):
        session, _ = big_cart
        control(emulator, f"sessions/{session.id}/pay", {})
        event = client.v1.events.list(params={"type": "checkout.session.completed"}).data[0]
        assert "line_items" not in event.data.object.to_dict()


def _http(emulator, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    body = urllib.parse.urlencode(data).encode() if data else None
    req = urllib.request.Request(f"{emulator.url}{path}", data=body, method=method,
                                 headers={"Authorization": "Bearer sk_test_x"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class TestUnrecognizedRoutes:
    @pytest.mark.parametrize("method,path", [
        ("GET", "/v1/foo"),
        ("GET", "/v1/payouts"),  # a Stripe route the emulator lacks
        ("POST", "/v1/payment_intents"),
        ("DELETE", "/v1/products/prod_x"),  # known path, method it lacks
        ("PUT", "/v1/checkout/sessions"),
    ])
    def test_stripes_exact_404(self, emulator, method, path):
        status, body = _http(emulator, method, path)
        assert status == 404
        assert body == {"error": {"type": "invalid_request_error",
                                  "message": UNRECOGNIZED.format(method=method, path=path)}}

    def test_trailing_slash_gets_stripes_hint(self, emulator):
        status, body = _http(emulator, "GET", "/v1/customers/")
        assert status == 404 and "remove the trailing slash" in body["error"]["message"]

    def test_the_sdk_raises_invalid_request_not_a_bare_api_error(self, client):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.raw_request("post", "/v1/payouts", amount=100, currency="usd")
        assert info.value.http_status == 404 and "Unrecognized request URL (POST: /v1/payouts)" in str(info.value)

    def test_search_is_a_route_not_an_id(self, client):
        """/v1/prices/search used to answer "No such price: 'search'"."""
        assert client.v1.prices.search(params={"query": "active:'true'"}).object == "search_result"
        with pytest.raises(stripe.InvalidRequestError) as info:  # Stripe has no session search: an id
            client.raw_request("get", "/v1/checkout/sessions/search")
        assert info.value.code == "resource_missing"
        assert info.value.user_message == "No such checkout.session: 'search'"


class TestSearch:
    @pytest.fixture
    def shop(self, client, catalog) -> dict[str, Any]:
        client.v1.prices.update(catalog["ebook"].id, params={"metadata": {"sku": "EB-1", "shelf": "a"}})
        client.v1.prices.update(catalog["shirt"].id, params={"metadata": {"sku": "TS-1", "shelf": "a"},
                                                             "active": False})
        ada = client.v1.customers.create(params={"email": "ada@example.com", "name": "Ada Lovelace",
                                                 "metadata": {"tier": "gold"}})
        bob = client.v1.customers.create(params={"email": "bob@example.com", "name": "Bob"})
        return {"ada": ada, "bob": bob, **catalog}

    def ids(self, result: Any) -> set[str]:
        return {o.id for o in result.data}

    def test_metadata_active_lookup_key_and_product(self, client, shop):
        prices = client.v1.prices
        assert self.ids(prices.search(params={"query": "metadata['sku']:'EB-1'"})) == {shop["ebook"].id}
        assert self.ids(prices.search(params={"query": 'metadata["shelf"]:"a" AND active:"true"'})) == {shop["ebook"].id}
        assert self.ids(prices.search(params={"query": "active:'false'"})) == {shop["shirt"].id}
        assert self.ids(prices.search(params={"query": "lookup_key:'ebook'"})) == {shop["ebook"].id}
        assert self.ids(prices.search(params={"query": f"product:'{shop['monthly'].product}'"})) == {
            shop["monthly"].id, shop["yearly"].id}
        assert self.ids(prices.search(params={"query": "metadata['shelf']:null"})) == {
            shop["monthly"].id, shop["yearly"].id}

    def test_customers_by_email_name_negation_or(self, client, shop):
        customers = client.v1.customers
        assert self.ids(customers.search(params={"query": "email:'ADA@example.com'"})) == {shop["ada"].id}
        assert self.ids(customers.search(params={"query": "name~'love'"})) == {shop["ada"].id}
        assert self.ids(customers.search(params={"query": "-email:'ada@example.com'"})) == {shop["bob"].id}
        assert self.ids(customers.search(params={"query": "email:'ada@example.com' OR email:'bob@example.com'"})) == {
            shop["ada"].id, shop["bob"].id}
        assert self.ids(customers.search(params={"query": "metadata['tier']:'gold' AND name:'Bob'"})) == set()

    def test_products_and_payments(self, emulator, client, shop):
        assert self.ids(client.v1.products.search(params={"query": "name:'T-shirt'"})) == {shop["shirt"].product}
        session = new_session(client, shop["ebook"].id, 2)
        control(emulator, f"sessions/{session.id}/pay", {})
        pi = client.v1.checkout.sessions.retrieve(session.id).payment_intent
        assert self.ids(client.v1.payment_intents.search(params={"query": "amount>=3000 AND status:'succeeded'"})) == {pi}
        assert self.ids(client.v1.payment_intents.search(params={"query": "amount>3000"})) == set()
        charges = client.v1.charges.search(params={"query": "payment_method_details.card.last4:4242"})
        assert [c.payment_intent for c in charges.data] == [pi]

    def test_result_shape_and_pages(self, client, shop):
        first = client.v1.prices.search(params={"query": "currency:'usd'", "limit": 3})
        assert first.object == "search_result" and first.url == "/v1/prices/search"
        assert len(first.data) == 3 and first.has_more and first.next_page
        rest = client.v1.prices.search(params={"query": "currency:'usd'", "limit": 3, "page": first.next_page})
        assert len(rest.data) == 1 and rest.has_more is False and rest.next_page is None
        every = [p.id for p in client.v1.prices.search(params={"query": "currency:'usd'", "limit": 1}).auto_paging_iter()]
        assert sorted(every) == sorted(p.id for p in (shop["ebook"], shop["shirt"], shop["monthly"], shop["yearly"]))

    @pytest.mark.parametrize("query", ["asdf", "active:", "email:'a' AND", "a:'1' AND b:'2' OR c:'3'", "(active:'true')"])
    def test_unparseable_queries_get_stripes_400(self, client, shop, query):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.prices.search(params={"query": query})
        assert info.value.http_status == 400
        assert str(info.value.user_message).startswith("We were unable to parse your search query.")

    def test_unsupported_field_and_missing_query(self, client):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.prices.search(params={"query": "colour:'red'"})
        assert info.value.user_message == "Field `colour` is an unsupported search field for resource `prices`."
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.raw_request("get", "/v1/customers/search")
        assert info.value.code == "parameter_missing" and info.value.param == "query"
