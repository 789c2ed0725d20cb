"""Bounded work per request and hostile input to the JSON API and the forms (SPEC §12)."""

import io
import json

import pytest
from webob import Request
from webob.request import BaseRequest

from orderflow.adapters.web import schemas
from orderflow.adapters.web.limits import MAX_BODY_BYTES
from tests.functional.conftest import stored_counts

URL = "/api/payments/create-checkout-session"
EMPTY = {"orders": 0, "order_count": 0, "events": 0, "event_count": 0,
         "sessions": 0, "intents": 0}
MUG = {"id": "ceramic-mug", "quantity": 1}


def refused(shop, body, status=400):
    """POST a JSON document (or raw bytes); the JSON error, nothing stored."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = shop.http.post(URL, raw, content_type="application/json", status=status)
    assert answer.content_type == "application/json"
    assert stored_counts(shop) == EMPTY
    assert shop.gateway.created_calls == 0
    return answer


# -- lists are measured before their entries are read -------------------------


def test_fifty_thousand_items_get_one_short_error_about_the_list(shop):
    answer = refused(shop, {"items": [{}] * 50_000})
    assert answer.json["error"]["fields"] == {"items": "at most 50 lines"}
    assert len(answer.body) < 300


def test_an_oversized_list_is_refused_without_reading_any_item(shop, monkeypatch):
    read = []
    deserialize = schemas.Object.deserialize

    def counting(self, node, cstruct):
        read.append(node.name)
        return deserialize(self, node, cstruct)

    monkeypatch.setattr(schemas.Object, "deserialize", counting)
    refused(shop, {"items": [MUG] * 51})
    assert read == []
    # The count is real: a list within the limit has its items read.
    refused(shop, {"items": [{"id": "ceramic-mug", "quantity": 0}] * 3})
    assert len(read) == 3


def test_an_error_answer_names_at_most_twenty_fields(shop):
    answer = refused(shop, {"items": [{}] * 50})
    error = answer.json["error"]
    assert len(error["fields"]) == 20
    assert "items.0.id" in error["fields"]
    assert "20 of 100" in error["message"]


def test_items_that_are_a_huge_string_get_a_short_answer(shop):
    answer = refused(shop, {"items": "x" * 500_000})
    assert answer.json["error"]["fields"] == {"items": "must be a list"}
    assert len(answer.body) < 300


def test_an_item_that_is_a_huge_string_is_named_without_being_echoed(shop):
    answer = refused(shop, {"items": ["x" * 500_000]})
    assert answer.json["error"]["fields"] == {"items.0": "must be an object"}
    assert len(answer.body) < 300


# -- bodies are capped before they are read ----------------------------------


class Unreadable(io.RawIOBase):
    """A request body that records any attempt to read it."""

    def __init__(self):
        self.reads = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.reads += 1
        raise AssertionError("the body was read")


class Endless(io.RawIOBase):
    """A body without a length that does not end; counts what was read.

    It does give up, at four times the cap: a regression must fail this
    test, not fill the disk with the temporary file that copies it.
    """

    def __init__(self):
        self.given = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.given > 4 * MAX_BODY_BYTES:
            raise AssertionError("read far past the cap")
        buffer[:] = b"x" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def raw_post(shop, path, stream, length=None, content_type="application/json"):
    request = Request.blank(path, method="POST", content_type=content_type)
    request.environ["wsgi.input"] = stream
    if length is None:
        request.environ.pop("CONTENT_LENGTH", None)
        request.environ["wsgi.input_terminated"] = True
    else:
        request.environ["CONTENT_LENGTH"] = str(length)
    return request.get_response(shop.app)


@pytest.mark.parametrize("path", [URL, "/api/payments/webhook",
                                  "/api/orders/ord_x/retry-session"])
def test_an_api_body_announced_over_the_cap_is_refused_unread(shop, path):
    stream = Unreadable()
    answer = raw_post(shop, path, stream, length=2 * 1024 * 1024)
    assert answer.status_int == 413
    assert answer.json["error"]["code"] == "too_large"
    assert stream.reads == 0
    assert stored_counts(shop) == EMPTY


@pytest.mark.parametrize("path", ["/cart/checkout", "/cart/add", "/admin/login",
                                  "/admin/products/new"])
def test_a_form_announced_over_the_cap_is_refused_unread(shop, path):
    stream = Unreadable()
    answer = raw_post(shop, path, stream, length=2 * 1024 * 1024,
                      content_type="application/x-www-form-urlencoded")
    assert answer.status_int == 413
    assert answer.content_type == "text/html"
    assert "too large" in answer.text
    assert stream.reads == 0


def test_a_body_without_a_length_is_read_only_up_to_the_cap(shop):
    stream = Endless()
    answer = raw_post(shop, "/api/payments/webhook", stream)
    assert answer.status_int == 413
    assert MAX_BODY_BYTES < stream.given <= MAX_BODY_BYTES + 64 * 1024


def test_a_form_without_a_length_is_read_only_up_to_the_cap(shop):
    stream = Endless()
    answer = raw_post(shop, "/cart/checkout", stream,
                      content_type="application/x-www-form-urlencoded")
    assert answer.status_int == 413
    assert stream.given <= MAX_BODY_BYTES + 64 * 1024


def test_a_short_body_without_a_length_is_still_served(shop):
    body = json.dumps({"items": [MUG]}).encode()
    answer = raw_post(shop, URL, io.BytesIO(body))
    assert answer.status_int == 201, answer.text


def test_a_two_mebibyte_form_gets_413_and_no_csrf_check_or_parse(shop):
    answer = shop.http.post("/cart/add", {"product_id": "x" * (2 * 1024 * 1024)}, status=413)
    assert "too large" in answer.text


def test_a_form_with_more_fields_than_any_form_has_is_refused_before_it_is_parsed(
        shop, monkeypatch):
    parsed = []
    monkeypatch.setattr(BaseRequest, "POST", property(lambda self: parsed.append(1) or {}))
    body = "product_id=ceramic-mug&" + "&".join(f"a={n}" for n in range(100))
    answer = shop.http.post("/cart/add", body, status=400,
                            content_type="application/x-www-form-urlencoded")
    assert "too many fields" in answer.text
    assert parsed == []


def test_a_multipart_form_with_thousands_of_parts_is_refused(shop):
    part = '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n'
    body = (part * 5000 + "--B--\r\n").encode()
    # Sent as is (WebTest would encode a multipart body of its own).
    answer = raw_post(shop, "/cart/add", io.BytesIO(body), length=len(body),
                      content_type="multipart/form-data; boundary=B")
    assert answer.status_int == 400
    assert "too many fields" in answer.text


def test_a_form_of_ordinary_size_is_still_read(shop, customer):
    customer.add("ceramic-mug", 2)
    assert customer.cart_lines() == {"ceramic-mug": 2}


# -- email addresses ---------------------------------------------------------


@pytest.mark.parametrize("email", [
    "jane@example.com\n", "jane@example.com\r\n", "jane@example.com\r",
    "jane@example.com\nBcc: all@example.com", "ja\nne@example.com", "jane@exa\rmple.com",
    "jane@example.com\t", "\njane@example.com", "x" * 250 + "@example.com",
    "jane@example.com\x00", 5, ["jane@example.com"], {"email": "jane@example.com"}, True,
])
def test_the_api_refuses_an_email_with_a_line_break_or_of_the_wrong_shape(shop, email):
    answer = refused(shop, {"items": [MUG], "email": email})
    assert list(answer.json["error"]["fields"]) == ["email"]
    assert len(answer.body) < 300


def test_the_api_drops_spaces_around_an_email(shop):
    started = shop.http.post_json(URL, {"items": [MUG], "email": "  jane@example.com "},
                                  status=201).json
    assert shop.order(started["orderId"]).email == "jane@example.com"


@pytest.mark.parametrize("email", ["jane@example.com\n", "jane@example.com\r\nBcc: x@y.z",
                                   "ja\rne@example.com"])
def test_the_checkout_form_refuses_an_email_with_a_line_break(shop, customer, email):
    customer.add("milk-jug")
    form = customer.cart_form("/cart/checkout")
    answer = shop.http.post("/cart/checkout", {"csrf_token": form["csrf_token"].value,
                                               "email": email}, status=400)
    assert "That email address does not look right" in answer.text
    assert stored_counts(shop)["orders"] == 0


def test_the_checkout_form_drops_spaces_around_an_email(shop, customer):
    customer.add("milk-jug")
    form = customer.cart_form("/cart/checkout")
    form["email"] = "  jane@example.com  "
    answer = form.submit(status=303)
    with shop.storage() as repos:
        order = repos.orders.by_session(answer.location.rsplit("/", 1)[1])
    assert order.email == "jane@example.com"


# -- what an attacker tries next ---------------------------------------------


@pytest.mark.parametrize("body, field", [
    # quantities
    ({"items": [{"id": "ceramic-mug", "quantity": "1e9"}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 10 ** 100}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 10 ** 4000}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 1e9}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": 1.0}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": None}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": [1]}]}, "items.0.quantity"),
    ({"items": [{"id": "ceramic-mug", "quantity": {"n": 1}}]}, "items.0.quantity"),
    # ids
    ({"items": [{"id": 5, "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": None, "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": ["ceramic-mug"], "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": {"id": "ceramic-mug"}, "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "", "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "x" * 65, "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "x" * 900_000, "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "ｃeramic-mug", "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "ceramic-mug\n", "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "ceramic-mug\x00", "quantity": 1}]}, "items.0.id"),
    ({"items": [{"id": "\ud800", "quantity": 1}]}, "items.0.id"),
    # shapes
    ({"items": {"id": "ceramic-mug", "quantity": 1}}, "items"),
    ({"items": None}, "items"),
    ({"items": 3}, "items"),
    ({"items": [None]}, "items.0"),
    ({"items": [[MUG]]}, "items.0"),
    ({"items": [7]}, "items.0"),
    ({"items": [MUG] * 51}, "items"),
    ({"Items": [MUG]}, "items"),
    # one product twice is one line: the sum must fit too
    ({"items": [{"id": "ceramic-mug", "quantity": 50}, {"id": "ceramic-mug", "quantity": 50}]},
     "items.1.quantity"),
])
def test_the_api_refuses_hostile_input_naming_the_field(shop, body, field):
    answer = refused(shop, body)
    assert field in answer.json["error"]["fields"], answer.json
    assert len(answer.body) < 1000


@pytest.mark.parametrize("raw", [b"null", b'"items"', b"42", b"[]", b"true", b"[{}]",
                                 b'"' + b"x" * 900_000 + b'"'])
def test_the_api_refuses_a_body_that_is_not_an_object(shop, raw):
    answer = refused(shop, raw)
    assert answer.json["error"]["fields"] == {"body": "not an object"}


def test_minus_zero_is_zero_and_refused(shop):
    answer = refused(shop, b'{"items": [{"id": "ceramic-mug", "quantity": -0}]}')
    assert "items.0.quantity" in answer.json["error"]["fields"]


def test_one_product_twice_is_one_line_with_the_summed_quantity(shop):
    body = {"items": [{"id": "ceramic-mug", "quantity": 2}, {"id": "ceramic-mug", "quantity": 3}]}
    started = shop.http.post_json(URL, body, status=201).json
    [item] = shop.order(started["orderId"]).items
    assert (item.product_id, item.quantity) == ("ceramic-mug", 5)
