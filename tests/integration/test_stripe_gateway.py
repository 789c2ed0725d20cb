"""StripeGateway through the real stripe SDK against the local Stripe stub."""

import logging

import pytest

from orderflow.domain.errors import GatewayError, NotFound
from orderflow.domain.events import EventKind, SessionState
from tests.integration.conftest import (
    MUG, PUBLIC_ORIGIN, SECRET_KEY, SUCCESS_URL, TEA, cancel_url, create, expires_at,
    make_order, make_stripe_gateway,
)
from tests.integration.stripe_stub import StripeStub


def sent_form(stub):
    (request,) = stub.posts()
    return request.fields


def test_create_session_sends_the_order_as_stripe_form_fields(stub, stripe_gateway):
    order = make_order()
    ends = expires_at()
    stripe_gateway.create_session(order, 1, SUCCESS_URL, cancel_url(order), ends, "key-1")

    form = sent_form(stub)
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "1250"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][price_data][product_data][name]"] == "Ceramic mug"
    assert form["line_items[0][quantity]"] == "2"
    assert form["line_items[1][price_data][unit_amount]"] == "899"
    assert form["line_items[1][price_data][product_data][name]"] == TEA.title
    assert form["line_items[1][quantity]"] == "1"
    assert form["client_reference_id"] == order.id
    assert form["metadata[order_id]"] == order.id
    assert form["payment_intent_data[metadata][order_id]"] == order.id
    assert form["expires_at"] == str(ends)


def test_success_url_keeps_the_session_placeholder_in_literal_braces(stub, stripe_gateway):
    order = make_order()
    create(stripe_gateway, order)

    form = sent_form(stub)
    assert form["success_url"] == (
        f"{PUBLIC_ORIGIN}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}")
    assert form["cancel_url"] == f"{PUBLIC_ORIGIN}/checkout/cancel?order_id={order.id}"


def test_customer_email_is_sent_only_when_the_order_has_one(stub, stripe_gateway):
    create(stripe_gateway, make_order(email="ada@example.com"))
    create(stripe_gateway, make_order())

    with_email, without = stub.posts()
    assert with_email.fields["customer_email"] == "ada@example.com"
    assert "customer_email" not in without.fields


def test_the_idempotency_key_header_is_the_key_given(stub, stripe_gateway):
    order = make_order()
    create(stripe_gateway, order, key=f"orderflow-{order.id}-attempt-1")

    (request,) = stub.posts()
    assert request.headers["idempotency-key"] == f"orderflow-{order.id}-attempt-1"
    assert request.headers["authorization"] == f"Bearer {SECRET_KEY}"


def test_create_session_answers_the_session_id_url_and_expiry(stub, stripe_gateway):
    ends = expires_at()
    order = make_order()
    created = stripe_gateway.create_session(order, 1, SUCCESS_URL, cancel_url(order), ends, "k")

    assert created.id.startswith("cs_test_")
    assert created.id in stub.sessions
    assert created.url == stub.sessions[created.id]["url"]
    assert created.expires_at == ends


def test_the_same_key_twice_creates_one_session(stub, stripe_gateway):
    order = make_order()
    # One expiry for both, as a retry sends the same request: two readings
    # of the clock can fall in two seconds, which Stripe would refuse.
    expires = expires_at()
    first = create(stripe_gateway, order, key="same-key", expires=expires)
    second = create(stripe_gateway, order, key="same-key", expires=expires)

    assert first == second
    assert len(stub.sessions) == 1
    assert len(stub.posts()) == 2


def test_a_key_reused_for_another_order_is_a_gateway_error(stub, stripe_gateway):
    create(stripe_gateway, make_order(), key="reused")

    with pytest.raises(GatewayError):
        create(stripe_gateway, make_order(), key="reused")
    assert len(stub.sessions) == 1


def test_a_500_then_success_is_retried_with_the_same_idempotency_key(stub):
    gateway = make_stripe_gateway(stub, retries=2)
    stub.fail_next(500)
    order = make_order()

    created = create(gateway, order, key="retry-me")

    first, second = stub.posts()
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == "retry-me"
    assert first.form == second.form
    assert list(stub.sessions) == [created.id]


@pytest.mark.parametrize("status", [500, 402, 401])
def test_a_stripe_error_becomes_a_gateway_error_without_the_secret_key(stub, stripe_gateway,
                                                                      status, caplog):
    stub.fail_next(status)

    with caplog.at_level(logging.DEBUG), pytest.raises(GatewayError) as raised:
        create(stripe_gateway, make_order())

    assert SECRET_KEY not in str(raised.value)
    assert SECRET_KEY not in caplog.text
    assert not stub.sessions


def test_a_stripe_that_cannot_be_reached_is_a_gateway_error():
    stopped = StripeStub().start()
    gateway = make_stripe_gateway(stopped)
    stopped.stop()

    with pytest.raises(GatewayError) as raised:
        create(gateway, make_order())
    with pytest.raises(GatewayError):
        gateway.retrieve_session("cs_test_anything")
    with pytest.raises(GatewayError):
        gateway.expire_session("cs_test_anything")
    assert SECRET_KEY not in str(raised.value)


def test_retrieve_maps_the_session_to_a_session_state(stub, stripe_gateway):
    order = make_order(lines=((MUG, 3),))
    created = create(stripe_gateway, order)

    state = stripe_gateway.retrieve_session(created.id)

    assert state == SessionState(
        session_id=created.id, status="open", payment="unpaid", order_id=order.id,
        amount_total=3750, currency="eur", payment_intent=None, url=created.url,
    )


def test_retrieve_of_a_paid_session_carries_its_payment_intent(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    paid = stub.complete(created.id)

    state = stripe_gateway.retrieve_session(created.id)

    assert (state.status, state.payment) == ("complete", "paid")
    assert state.payment_intent == paid["payment_intent"]
    assert state.url is None


def test_retrieve_and_expire_ask_stripe_to_expand_the_payment_intent(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    stub.complete(created.id, payment_status="unpaid")

    stripe_gateway.retrieve_session(created.id)
    stripe_gateway.expire_session(created.id)

    gets = [r for r in stub.requests if r.method == "GET"]
    expires = stub.posts(f"/v1/checkout/sessions/{created.id}/expire")
    assert all(("expand[0]", "payment_intent") in r.query for r in gets) and len(gets) == 2
    assert [r.form for r in expires] == [[("expand[0]", "payment_intent")]]


def test_a_session_whose_async_payment_is_processing_reads_as_processing(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    processing = stub.complete(created.id, payment_status="unpaid")

    state = stripe_gateway.expire_session(created.id)

    assert (state.status, state.payment) == ("complete", "processing")
    assert state.payment_intent == processing["payment_intent"]
    assert state.as_event().kind == EventKind.PAYMENT_PROCESSING


def test_a_session_whose_async_payment_failed_reads_as_a_failed_payment(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    processing = stub.complete(created.id, payment_status="unpaid")
    stub.fail_async(created.id)

    for state in (stripe_gateway.retrieve_session(created.id),
                  stripe_gateway.expire_session(created.id)):
        assert (state.status, state.payment) == ("complete", "failed")
        assert state.payment_intent == processing["payment_intent"]
        event = state.as_event()
        assert (event.kind, event.session_id) == (EventKind.PAYMENT_FAILED, created.id)


def test_retrieve_of_an_unknown_session_is_not_found(stripe_gateway):
    with pytest.raises(NotFound):
        stripe_gateway.retrieve_session("cs_test_unknown")


def test_a_server_error_on_retrieve_is_a_gateway_error(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    stub.fail_next(500)

    with pytest.raises(GatewayError):
        stripe_gateway.retrieve_session(created.id)


def test_expire_of_an_open_session_answers_the_expired_state(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())

    state = stripe_gateway.expire_session(created.id)

    assert (state.status, state.payment, state.url) == ("expired", "unpaid", None)
    assert stub.sessions[created.id]["status"] == "expired"


def test_expire_of_a_paid_session_answers_its_paid_state_without_error(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    stub.complete(created.id)

    state = stripe_gateway.expire_session(created.id)

    assert (state.status, state.payment) == ("complete", "paid")
    assert stub.sessions[created.id]["status"] == "complete"


def test_expire_of_an_unknown_session_is_not_found(stripe_gateway):
    with pytest.raises(NotFound):
        stripe_gateway.expire_session("cs_test_unknown")


def test_a_server_error_on_expire_is_a_gateway_error(stub, stripe_gateway):
    created = create(stripe_gateway, make_order())
    stub.fail_next(500)

    with pytest.raises(GatewayError):
        stripe_gateway.expire_session(created.id)
    assert stub.sessions[created.id]["status"] == "open"
