"""POST /api/payments/create-checkout-session (SPEC §3.2)."""

from dataclasses import replace
import json

import pytest

from tests.functional.conftest import put_product, stored_counts

URL = "/api/payments/create-checkout-session"
EMPTY = {"orders": 0, "order_count": 0, "events": 0, "event_count": 0,
         "sessions": 0, "intents": 0}


def error_of(answer, status):
    assert answer.status_int == status
    assert answer.content_type == "application/json"
    error = answer.json["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_checkout_answers_201_with_the_order_its_session_and_the_payment_url(shop):
    answer = shop.checkout(items=[("ceramic-mug", 2), ("filter-papers", 1)], email="a@b.example")
    assert answer.status_int == 201
    assert set(answer.json) == {"orderId", "sessionId", "url"}
    session = shop.gateway.sessions[answer.json["sessionId"]]
    assert answer.json["url"] == session["url"]
    assert session["amount_total"] == 2 * 1800 + 450
    assert session["client_reference_id"] == answer.json["orderId"]
    assert session["metadata"]["order_id"] == answer.json["orderId"]
    assert session["customer_email"] == "a@b.example"
    assert session["success_url"] == \
        "http://shop.test/checkout/success?session_id={CHECKOUT_SESSION_ID}"
    assert session["cancel_url"] == \
        f"http://shop.test/checkout/cancel?order_id={answer.json['orderId']}"
    order = shop.order(answer.json["orderId"])
    assert order.status == "pending"
    assert order.session_id == answer.json["sessionId"]
    assert order.email == "a@b.example"
    assert stored_counts(shop)["orders"] == 1


def test_checkout_ignores_a_client_sent_price_and_title(shop):
    body = {"items": [{"id": "ceramic-mug", "quantity": 1, "unitAmount": 1,
                       "title": "Free mug", "currency": "usd"}]}
    started = shop.http.post_json(URL, body, status=201).json
    order = shop.http.get(f"/api/orders/{started['orderId']}").json
    assert order["items"] == [{"id": "ceramic-mug", "title": "Ceramic mug", "unitAmount": 1800,
                               "quantity": 1, "lineTotal": 1800}]
    assert order["total"] == 1800
    assert order["currency"] == "eur"
    assert shop.gateway.sessions[started["sessionId"]]["amount_total"] == 1800


def test_checkout_accepts_the_largest_quantity_and_fifty_lines(shop):
    for n in range(45):
        put_product(shop, f"extra-{n}", unit_amount=100)
    ids = ["espresso-beans", "filter-papers", "ceramic-mug", "hand-grinder", "milk-jug"]
    ids += [f"extra-{n}" for n in range(45)]
    body = {"items": [{"id": i, "quantity": 99 if i == "milk-jug" else 1} for i in ids]}
    started = shop.http.post_json(URL, body, status=201).json
    order = shop.order(started["orderId"])
    assert len(order.items) == 50
    assert order.total == 2400 + 450 + 1800 + 8900 + 99 * 1550 + 45 * 100


@pytest.mark.parametrize("body, field", [
    ({"items": []}, "items"),
    ({}, "items"),
    ({"items": [{"id": "ceramic-mug", "quantity": 1}] * 51}, "items"),
    ({"items": [{"id": "no-such-thing", "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "ceramic-mug", "quantity": 0}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 100}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": -1}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": "2"}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 2.5}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": True}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug"}]}, "items.0.quantity"),
    ({"items": [{"quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "ceramic-mug", "quantity": 1}, {"id": "milk-jug", "quantity": 0}]},
     "items.1.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 60}, {"id": "ceramic-mug", "quantity": 60}]},
     "items.1.quantity"),
    ({"items": "ceramic-mug"}, "items"),
    ({"items": [{"id": "ceramic-mug", "quantity": 1}], "email": "not an address"}, "email"),
])
def test_checkout_refuses_an_invalid_body_with_400_naming_the_field(shop, body, field):
    answer = shop.http.post_json(URL, body, status=400)
    error = error_of(answer, 400)
    assert field in error["fields"], error
    assert stored_counts(shop) == EMPTY
    assert shop.gateway.created_calls == 0


def test_checkout_refuses_an_inactive_product(shop):
    with shop.storage() as repos:
        repos.catalog.put(replace(repos.catalog.get("milk-jug"), active=False))
    body = {"items": [{"id": "ceramic-mug", "quantity": 1}, {"id": "milk-jug", "quantity": 1}]}
    error = error_of(shop.http.post_json(URL, body, status=400), 400)
    assert "items.1.id" in error["fields"]
    assert stored_counts(shop) == EMPTY
    assert shop.gateway.created_calls == 0


def test_checkout_refuses_mixed_currencies(shop):
    put_product(shop, "travel-mug", unit_amount=2500, currency="usd")
    body = {"items": [{"id": "ceramic-mug", "quantity": 1}, {"id": "travel-mug", "quantity": 1}]}
    error = error_of(shop.http.post_json(URL, body, status=400), 400)
    assert "items" in error["fields"]
    assert "currenc" in error["fields"]["items"]
    assert stored_counts(shop) == EMPTY
    assert shop.gateway.created_calls == 0


def test_checkout_in_another_currency_alone_is_fine(shop):
    put_product(shop, "travel-mug", unit_amount=2500, currency="usd")
    started = shop.checkout(items=[("travel-mug", 2)]).json
    assert shop.http.get(f"/api/orders/{started['orderId']}").json["currency"] == "usd"


@pytest.mark.parametrize("raw", [
    b"{not json", b"", b"\xff\xfe", b'{"items": [}',
    # Nested deeper than the parser's recursion limit.
    b"[" * 100000, b'{"items": ' + b"[" * 100000 + b"]" * 100000 + b"}",
])
def test_checkout_refuses_a_body_that_is_not_json_with_400(shop, raw):
    answer = shop.http.post(URL, raw, content_type="application/json", status=400)
    error = error_of(answer, 400)
    assert "body" in error["fields"]
    assert stored_counts(shop) == EMPTY


@pytest.mark.parametrize("value", [[{"id": "ceramic-mug", "quantity": 1}], "text", 3, None])
def test_checkout_refuses_json_that_is_not_an_object_with_400(shop, value):
    answer = shop.http.post(URL, json.dumps(value), content_type="application/json", status=400)
    assert "body" in error_of(answer, 400)["fields"]
    assert stored_counts(shop) == EMPTY


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
])
def test_checkout_refuses_a_content_type_other_than_json_with_415(shop, content_type):
    body = json.dumps({"items": [{"id": "ceramic-mug", "quantity": 1}]})
    answer = shop.http.post(URL, body, content_type=content_type, status=415)
    error_of(answer, 415)
    assert stored_counts(shop) == EMPTY
    assert shop.gateway.created_calls == 0


def test_checkout_refuses_a_body_over_one_mebibyte_with_413(shop):
    item = {"id": "ceramic-mug", "quantity": 1, "note": "x" * 1024 * 1024}
    answer = shop.http.post(URL, json.dumps({"items": [item]}),
                            content_type="application/json", status=413)
    assert error_of(answer, 413)["code"] == "too_large"
    assert stored_counts(shop) == EMPTY
    assert shop.gateway.created_calls == 0


def test_checkout_accepts_json_with_a_charset(shop):
    body = json.dumps({"items": [{"id": "ceramic-mug", "quantity": 1}]})
    shop.http.post(URL, body, content_type="application/json; charset=utf-8", status=201)


def test_checkout_answers_502_and_leaves_no_order_when_the_gateway_fails(shop):
    shop.gateway.fail_next = 1
    answer = shop.http.post_json(URL, {"items": [{"id": "ceramic-mug", "quantity": 1}]},
                                 status=502)
    assert error_of(answer, 502)["code"] == "gateway_error"
    assert stored_counts(shop) == EMPTY
    with shop.storage() as repos:
        assert len(repos.root.by_status) == 0
        assert len(repos.root.by_created) == 0
    # The gateway is back: the next attempt works.
    assert shop.checkout().status_int == 201
    assert stored_counts(shop)["orders"] == 1


def test_checkout_answers_a_json_405_to_a_get(shop):
    answer = shop.http.get(URL, status=405)
    assert error_of(answer, 405)["code"] == "method_not_allowed"
    assert answer.headers["Allow"] == "POST"


def test_a_get_of_the_webhook_is_405_and_an_unknown_api_path_404(shop):
    assert shop.http.get("/api/payments/webhook", status=405).headers["Allow"] == "POST"
    assert error_of(shop.http.get("/api/nothing-here", status=404), 404)["code"] == "not_found"
