"""GET /api/openapi.json (SPEC §12), and the checker that keeps it true.

Every answer under /api that the functional tests get is checked against
the description (tests/openapi_check.py); the tests here show that the
checker does refuse answers that break it.
"""

import json
import re

from openapi_spec_validator import validate
from pyramid.interfaces import IRoutesMapper
import pytest

from orderflow.adapters.web.openapi import DOCUMENT
from tests.openapi_check import CheckedTestApp, OpenAPIMismatch

ORDER = {
    "id": "ord_x", "reference": "K7Q4-M2PX", "status": "pending", "sessionId": "cs_x",
    "items": [{"id": "ceramic-mug", "title": "Ceramic mug", "unitAmount": 1800,
               "quantity": 1, "lineTotal": 1800}],
    "total": 1800, "currency": "eur",
    "dateCreated": "2026-11-28T17:03:35Z", "dateModified": "2026-11-28T17:03:35Z",
    "payment": None, "failure": None,
}


def test_the_description_is_served_as_json_and_is_valid_openapi_3_1(shop):
    answer = shop.http.get("/api/openapi.json", status=200)
    assert answer.content_type == "application/json"
    assert answer.body == DOCUMENT
    description = answer.json
    validate(description)
    assert description["openapi"].startswith("3.1")
    assert all(server["url"].startswith("/") for server in description["servers"])


def test_every_api_route_and_method_of_the_app_is_described(shop):
    from orderflow.adapters.web.routes import allowed_methods

    mapper = shop.app.registry.getUtility(IRoutesMapper)
    described = {(re.sub(r"\{[^}]*\}", "{}", path), method.upper())
                 for path, methods in json.loads(DOCUMENT)["paths"].items()
                 for method in methods}
    routes = {(re.sub(r"\{[^}]*\}", "{}", route.pattern), method)
              for route in mapper.get_routes() if route.pattern.startswith("/api/")
              for method in allowed_methods(shop.app.registry, route.name)}
    assert routes == described


def answering(status, body, headers=(), content_type="application/json"):
    """A WSGI app that gives every request the same answer."""
    def app(environ, start_response):
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        start_response(status, [("Content-Type", content_type), *headers])
        return [payload]
    return CheckedTestApp(app)


@pytest.mark.parametrize("status, body", [
    ("200 OK", {"products": [{"id": 1}]}),
    ("200 OK", {"products": [], "next": None}),
    ("418 I'm a teapot", {"products": []}),
    ("500 Internal Server Error", {"error": {"code": "internal", "message": "internal error"}}),
    ("400 Bad Request", {"error": {"code": "invalid"}}),
    ("400 Bad Request", {"error": {"code": "invalid", "message": "too many",
                                   "fields": {f"items.{n}": "Required" for n in range(21)}}}),
])
def test_the_checker_refuses_an_answer_the_description_does_not_document(status, body):
    with pytest.raises(OpenAPIMismatch):
        answering(status, body).get("/api/products", expect_errors=True)


def test_the_checker_refuses_json_sent_as_another_content_type():
    with pytest.raises(OpenAPIMismatch):
        answering("200 OK", {"products": []}, content_type="text/plain").get("/api/products")


def test_the_checker_accepts_an_order_with_or_without_its_reference():
    answering("200 OK", ORDER).get("/api/orders/ord_x")
    without = {key: value for key, value in ORDER.items() if key != "reference"}
    answering("200 OK", without).get("/api/orders/ord_x")
    with pytest.raises(OpenAPIMismatch):
        answering("200 OK", {**ORDER, "status": "lost"}).get("/api/orders/ord_x")


def test_the_checker_wants_retry_after_on_a_429():
    error = {"error": {"code": "rate_limited", "message": "too many checkouts; wait"}}
    url = "/api/payments/create-checkout-session"
    body = {"items": [{"id": "ceramic-mug", "quantity": 1}]}
    answering("429 Too Many Requests", error, [("Retry-After", "60")]).post_json(
        url, body, status=429)
    with pytest.raises(OpenAPIMismatch):
        answering("429 Too Many Requests", error).post_json(url, body, status=429)


def test_the_checker_refuses_an_app_that_accepts_what_the_description_refuses():
    started = {"orderId": "ord_x", "sessionId": "cs_x", "url": "http://shop.test/pay"}
    with pytest.raises(OpenAPIMismatch, match="accepted a request"):
        answering("201 Created", started).post_json(
            "/api/payments/create-checkout-session",
            {"items": [{"id": "ceramic-mug", "quantity": 0}]})


def test_the_checker_wants_a_json_error_from_an_undescribed_api_path():
    answering("404 Not Found", {"error": {"code": "not_found", "message": "no such resource"}}) \
        .get("/api/no-such-thing", status=404)
    with pytest.raises(OpenAPIMismatch):
        answering("404 Not Found", b"not found", content_type="text/plain") \
            .get("/api/no-such-thing", status=404)
    with pytest.raises(OpenAPIMismatch):
        answering("200 OK", {"anything": True}).get("/api/no-such-thing")


def test_a_wrong_answer_from_the_real_app_fails_the_test(shop, monkeypatch):
    from orderflow.adapters.web import api

    monkeypatch.setattr(api, "product_json", lambda product: {"id": product.id})
    with pytest.raises(OpenAPIMismatch):
        shop.http.get("/api/products")


def test_an_error_answer_lists_at_most_twenty_fields(shop):
    body = {"items": [{"id": "no-such-thing", "quantity": 0}] * 30}
    answer = shop.http.post_json("/api/payments/create-checkout-session", body, status=400)
    assert len(answer.json["error"]["fields"]) == 20
