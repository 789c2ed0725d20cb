"""The result pages never mislead (SPEC §11): a payment that may still
succeed is never shown as failed, and the words match the actions offered."""

from orderflow.domain.events import Source


def _form(page, action):
    return next(f for f in page.forms.values() if f.action.endswith(action))


def success_url(session_id):
    return f"/checkout/success?session_id={session_id}"


def declined(shop, customer):
    """An order whose first card was declined, the decline's webhook landed."""
    customer.add("ceramic-mug", 2)
    order, session_id = customer.checkout()
    shop.deliver_all(shop.gateway.decline(session_id))
    assert shop.order(order.id).status == "failed"
    return order, session_id


def test_the_dev_checkout_completes_the_session_before_sending_the_customer_back(
        shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    page = shop.http.get(f"/dev/checkout/{session_id}")
    answer = page.forms[0].submit("action", value="pay", status=303)
    assert answer.location == f"http://shop.test{success_url(session_id)}"
    # As at Stripe: complete and paid already; only the webhook comes later.
    session = shop.gateway.sessions[session_id]
    assert (session["status"], session["payment_status"]) == ("complete", "paid")
    assert "Payment received" in answer.follow().text


def test_paying_after_a_landed_decline_shows_paid_and_never_the_failure(shop, customer):
    order, session_id = declined(shop, customer)
    page = shop.http.get(f"/dev/checkout/{session_id}")
    landing = page.forms[0].submit("action", value="pay", status=303).follow()
    assert "Payment received" in landing.text and "Payment failed" not in landing.text
    paid = shop.order(order.id)
    assert paid.status == "paid" and paid.history[-1].source == Source.LANDING_PAGE
    assert customer.cart_lines() == {}


def test_a_declined_order_just_paid_shows_confirming_when_the_gateway_cannot_be_asked(
        shop, customer):
    order, session_id = declined(shop, customer)
    late = shop.gateway.pay(session_id)  # its webhook is late
    shop.gateway.fail_next = 1  # and the landing page cannot reach the gateway

    page = shop.http.get(success_url(session_id))

    assert "Confirming your payment" in page.text
    assert "Payment failed" not in page.text and "/checkout/retry" not in page.text
    assert 'data-keep-polling="true"' in page.text and 'data-status="failed"' in page.text
    assert "poll.js" in page.text
    shop.deliver_all(late)
    settled = shop.http.get(success_url(session_id))
    assert "Payment received" in settled.text and 'data-keep-polling="false"' in settled.text


def test_a_decline_with_the_session_still_open_shows_the_failure_and_stops_polling(
        shop, customer):
    order, session_id = declined(shop, customer)
    page = shop.http.get(success_url(session_id))
    assert "Payment failed" in page.text and 'data-keep-polling="false"' in page.text
    assert "poll.js" not in page.text
    assert _form(page, "/checkout/retry")


def test_a_bank_debit_after_a_decline_shows_confirming_and_polls(shop, customer):
    order, session_id = declined(shop, customer)
    shop.gateway.pay_async(session_id)  # its webhook is late
    page = shop.http.get(success_url(session_id))
    assert "being processed by your bank" in page.text
    assert 'data-keep-polling="true"' in page.text and 'data-status="pending"' in page.text


def test_try_again_on_a_stale_failure_page_says_the_order_is_paid_and_links_its_receipt(
        shop, customer):
    order, session_id = declined(shop, customer)
    failure_page = shop.http.get(success_url(session_id))
    shop.deliver_all(shop.gateway.pay(session_id))  # paid meanwhile, webhook landed
    assert customer.cart_lines() == {}

    answer = _form(failure_page, "/checkout/retry").submit(status=409)

    assert "This order is paid" in answer.text
    assert f'href="{success_url(session_id)}"' in answer.text
    assert "a payment for this order is already completed" in answer.text
    assert "still holds" not in answer.text and "Back to your cart" not in answer.text
    assert "Continue shopping" in answer.text
    assert "/checkout/retry" not in answer.text and "/checkout/cancel-order" not in answer.text


def test_a_cancelled_order_offers_try_again_and_never_says_it_cannot_be_paid(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    cancelled = _form(page, "/checkout/cancel-order").submit(status=303).follow()
    success = shop.http.get(success_url(session_id))
    for shown in (cancelled, success):
        assert "Order cancelled" in shown.text
        assert "can no longer be paid" not in shown.text
        assert "You can still pay for it" in shown.text
        assert _form(shown, "/checkout/retry")
    assert "/checkout/cancel-order" not in cancelled.text
    answer = _form(cancelled, "/checkout/retry").submit(status=303)
    assert "/dev/checkout/" in answer.location


def test_a_second_cancel_is_refused_with_409_and_the_reason(shop, customer):
    customer.add("ceramic-mug")
    order, _ = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    _form(page, "/checkout/cancel-order").submit(status=303)
    again = _form(page, "/checkout/cancel-order").submit(status=409)
    assert "the order is cancelled already" in again.text
    assert shop.order(order.id).status == "cancelled"
