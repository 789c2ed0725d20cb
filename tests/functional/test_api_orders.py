"""GET /api/orders/{id}, /api/orders/by-session/{sid} (SPEC §3.4)."""

from datetime import datetime, timedelta, timezone
import re

from orderflow.domain.order import new_order_id

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")


def parse_utc(text):
    assert ISO_UTC.match(text), text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.utcoffset() == timedelta(0)
    return moment


def test_an_order_is_shown_with_every_field_and_type(shop):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    started = shop.checkout(items=[("ceramic-mug", 2), ("filter-papers", 1)]).json
    order = shop.http.get(f"/api/orders/{started['orderId']}", status=200).json
    assert set(order) == {"id", "reference", "status", "sessionId", "items", "total",
                          "currency", "dateCreated", "dateModified", "payment", "failure"}
    assert order["id"] == started["orderId"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", order["reference"])
    assert order["status"] == "pending"
    assert order["sessionId"] == started["sessionId"]
    assert order["items"] == [
        {"id": "ceramic-mug", "title": "Ceramic mug", "unitAmount": 1800, "quantity": 2,
         "lineTotal": 3600},
        {"id": "filter-papers", "title": "Filter papers (100)", "unitAmount": 450,
         "quantity": 1, "lineTotal": 450},
    ]
    assert type(order["total"]) is int and order["total"] == 4050
    assert order["currency"] == "eur"
    created = parse_utc(order["dateCreated"])
    assert before <= created <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert parse_utc(order["dateModified"]) >= created
    assert order["payment"] is None
    assert order["failure"] is None


def test_a_paid_order_shows_its_payment(shop):
    started = shop.checkout().json
    shop.deliver_all(shop.gateway.pay(started["sessionId"]))
    order = shop.http.get(f"/api/orders/by-session/{started['sessionId']}").json
    assert order["status"] == "paid"
    payment = order["payment"]
    assert set(payment) == {"amountReceived", "currency", "paymentIntent", "paidAt"}
    assert type(payment["amountReceived"]) is int and payment["amountReceived"] == 3600
    assert payment["currency"] == "eur"
    intent = shop.gateway.sessions[started["sessionId"]]["payment_intent"]
    assert payment["paymentIntent"] == intent and intent.startswith("pi_")
    assert parse_utc(payment["paidAt"]) >= parse_utc(order["dateCreated"])
    assert parse_utc(order["dateModified"]) >= parse_utc(order["dateCreated"])
    assert order["failure"] is None


def test_a_failed_order_shows_the_failure_code_and_reason(shop):
    started = shop.checkout().json
    shop.deliver_all(shop.gateway.decline(started["sessionId"], code="card_declined",
                                          decline_code="insufficient_funds",
                                          message="Your card has insufficient funds."))
    order = shop.http.get(f"/api/orders/{started['orderId']}").json
    assert order["status"] == "failed"
    assert order["failure"] == {"code": "insufficient_funds",
                                "reason": "Your card has insufficient funds."}
    assert order["payment"] is None


def test_the_order_is_the_same_by_id_and_by_session(shop):
    started = shop.checkout().json
    by_id = shop.http.get(f"/api/orders/{started['orderId']}").json
    by_session = shop.http.get(f"/api/orders/by-session/{started['sessionId']}").json
    assert by_id == by_session


def test_an_earlier_session_id_still_finds_the_order_after_a_retry(shop):
    started = shop.checkout().json
    retried = shop.http.post(f"/api/orders/{started['orderId']}/retry-session", status=201).json
    again = shop.http.post(f"/api/orders/{started['orderId']}/retry-session", status=201).json
    for session_id in (started["sessionId"], retried["sessionId"], again["sessionId"]):
        order = shop.http.get(f"/api/orders/by-session/{session_id}").json
        assert order["id"] == started["orderId"]
        assert order["sessionId"] == again["sessionId"]


def test_an_unknown_order_is_404_json(shop):
    shop.checkout()
    for path in (f"/api/orders/{new_order_id()}", "/api/orders/by-session/cs_test_nothing",
                 "/api/orders/%20", "/api/orders/by-session/x"):
        answer = shop.http.get(path, status=404)
        assert answer.content_type == "application/json"
        assert answer.json["error"]["code"] == "not_found"
        assert answer.json["error"]["message"]


def test_order_ids_are_random_and_unguessable(shop):
    ids = {shop.checkout().json["orderId"] for _ in range(40)}
    ids |= {new_order_id() for _ in range(200)}
    assert len(ids) == 240
    for order_id in ids:
        token = order_id.removeprefix("ord_")
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        # base64url: 6 bits a character; at least 128 random bits.
        assert len(token) * 6 >= 128
    # No shared structure beyond the prefix: the first characters vary too.
    assert len({i.removeprefix("ord_")[:3] for i in ids}) > 200
