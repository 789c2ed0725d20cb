"""Outside /api the browser gets friendly HTML error pages; /api stays JSON."""

import logging

from pyramid import testing
import pytest

from orderflow.adapters.web.pages_errors import domain_error
from orderflow.domain.errors import GatewayError, NotFound, Refused, ValidationFailed
from tests.functional.conftest import race_checkouts, stored_counts


def is_html_page(answer):
    return answer.content_type == "text/html" and answer.text.lstrip().startswith("<!doctype html>")


def test_a_shop_form_posted_without_its_csrf_token_gets_a_form_expired_page(customer):
    form = customer.http.get("/").forms[0]
    fields = {name: field.value for name, field in form.field_order if name != "csrf_token"}
    answer = customer.http.post("/cart/add", fields, status=400)
    assert is_html_page(answer)
    assert "Your form expired; go back, reload and try again" in answer.text
    assert customer.cart_lines() == {}


def test_an_unknown_page_gets_a_404_html_page(shop):
    answer = shop.http.get("/no/such/page", status=404)
    assert is_html_page(answer)
    assert "Page not found" in answer.text
    assert 'href="/"' in answer.text


def test_the_404_page_escapes_what_the_visitor_typed(shop):
    answer = shop.http.get("/<script>alert(1)</script>", status=404)
    assert "<script>alert(1)" not in answer.text


def test_an_unknown_api_route_still_answers_json_404(shop):
    answer = shop.http.get("/api/no-such-thing", status=404)
    assert answer.content_type == "application/json"
    assert answer.json["error"]["code"] == "not_found"


def test_an_admin_page_without_login_still_redirects_to_the_login(shop):
    answer = shop.http.get("/admin/orders", status=303)
    assert "/admin/login" in answer.location


@pytest.mark.parametrize("address", ["/%ff", "/admin/orders/%ff", "/checkout/%c3"])
def test_a_path_that_is_not_utf8_gets_a_400_html_page(shop, address):
    # Anonymous: WebTest's own cookie handling cannot read such a path.
    answer = shop.http.get(address, status=400)
    assert is_html_page(answer)
    assert "This address is not valid" in answer.text


@pytest.mark.parametrize("address", [
    "/checkout/success?session_id=%ff", "/checkout/cancel?order_id=%ff",
    "/admin/orders?q=%ff", "/admin/orders?cursor=%ff", "/admin/events?cursor=%00%ff",
    "/?x=%c3",
])
def test_a_query_that_is_not_utf8_gets_a_400_html_page(admin, address):
    answer = admin.http.get(address, status=400)
    assert is_html_page(answer)
    assert "This address is not valid" in answer.text


@pytest.mark.parametrize("address", [
    "/api/orders/%ff", "/api/orders/by-session/%ff", "/api/products?x=%ff",
])
def test_an_api_address_that_is_not_utf8_gets_a_json_400(shop, address):
    answer = shop.http.get(address, status=400)
    assert answer.content_type == "application/json"
    assert answer.json["error"]["code"] == "invalid"
    assert stored_counts(shop)["orders"] == 0


def test_an_api_post_to_an_address_that_is_not_utf8_gets_a_json_400(shop):
    answer = shop.http.post("/api/orders/%ff/retry-session", status=400)
    assert answer.json["error"]["code"] == "invalid"


def test_addresses_with_encoded_utf8_still_reach_their_pages(shop):
    page = shop.http.get("/checkout/success?session_id=caf%C3%A9+au+lait", status=404)
    assert "could not find" in page.text
    answer = shop.http.get("/api/orders/caf%C3%A9", status=404)
    assert answer.json["error"]["code"] == "not_found"


def test_a_crashing_page_gets_a_500_html_page_and_is_logged(shop, caplog):
    # A broken record in the catalog BTree: the catalog page fails on it.
    with shop.storage() as repos:
        repos.root.products["zz-broken"] = "not a product"
    with caplog.at_level(logging.ERROR, logger="orderflow.adapters.web.pages_errors"):
        answer = shop.http.get("/", status=500)
    assert is_html_page(answer)
    assert "Something went wrong" in answer.text
    assert "not a product" not in answer.text and "Traceback" not in answer.text
    assert any(r.exc_info and r.exc_info[0] is AttributeError for r in caplog.records)


def test_a_checkout_form_that_conflicts_on_every_attempt_gets_a_503_html_page(
        shop, customer, monkeypatch):
    customer.add("ceramic-mug", 2)
    form = customer.cart_form("/cart/checkout")
    calls = race_checkouts(shop, monkeypatch)
    answer = form.submit(status=503)
    assert is_html_page(answer)
    assert "busy" in answer.text
    assert len(calls) == int(shop.app.registry.settings["retry.attempts"])
    assert stored_counts(shop)["orders"] == 0


def test_a_checkout_form_that_conflicts_once_is_retried_and_succeeds(shop, customer, monkeypatch):
    customer.add("ceramic-mug", 1)
    form = customer.cart_form("/cart/checkout")
    calls = race_checkouts(shop, monkeypatch, times=1)
    answer = form.submit(status=303)
    assert len(calls) == 2, "the conflict was rendered instead of retried"
    assert stored_counts(shop)["orders"] == 1
    assert answer.location.rsplit("/", 1)[1] == calls[-1][1]



@pytest.mark.parametrize("error, status", [
    (ValidationFailed("bad", {"x": "y"}), 400), (NotFound("gone"), 404),
    (Refused("the order is paid"), 409), (GatewayError("down"), 502),
])
def test_a_rule_refusal_no_page_handled_becomes_an_html_page(error, status):
    request = testing.DummyRequest()
    values = domain_error(error, request)
    assert request.response.status_int == status
    assert request.response.content_type == "text/html"
    assert values["message"] == error.message
