"""Checkout from the cart, the success and cancel pages, and the dev checkout page."""

from datetime import datetime, timedelta, timezone

from orderflow.adapters.zodb.carts import ZodbCarts
from orderflow.domain.events import Source


def _form(page, action):
    return next(f for f in page.forms.values() if f.action.endswith(action))


def test_the_checkout_form_creates_a_pending_order_that_remembers_its_cart(shop, customer):
    customer.add("ceramic-mug", 2)
    customer.add("filter-papers")
    answer = customer.cart_form("/cart/checkout").submit(status=303)
    session_id = answer.location.rsplit("/", 1)[1]
    assert answer.location == f"http://shop.test/dev/checkout/{session_id}"
    with shop.storage() as repos:
        order = repos.orders.by_session(session_id)
        assert order.status == "pending"
        assert order.total == 2 * 1800 + 450
        assert order.cart_id in repos.root.carts


def test_checking_out_an_empty_cart_is_refused_on_the_cart_page(customer):
    page = customer.http.get("/cart")
    assert not any(f.action.endswith("/cart/checkout") for f in page.forms.values())
    customer.add("milk-jug")
    form = customer.cart_form("/cart/checkout")
    customer.cart_form("/cart/remove", "milk-jug").submit(status=303)
    answer = form.submit(status=400)
    assert "Your cart is empty: add something from the catalog first." in answer.text


def test_an_email_sent_as_a_file_is_refused_with_the_field_named(shop, customer):
    customer.add("milk-jug")
    token = customer.cart_form("/cart/checkout")["csrf_token"].value
    answer = shop.http.post("/cart/checkout", {"csrf_token": token},
                            upload_files=[("email", "e.txt", b"a@example.com")], status=400)
    error = answer.html.find(id="cart-error").text
    assert "That email address does not look right" in error and "email:" not in error
    with shop.storage() as repos:
        assert len(repos.root.orders) == 0


def test_an_unknown_session_on_the_success_page_is_a_friendly_html_404(shop):
    page = shop.http.get("/checkout/success?session_id=cs_test_nope", status=404)
    assert page.content_type == "text/html"
    assert "could not find" in page.text
    shop.http.get("/checkout/success", status=404)
    shop.http.get("/checkout/cancel?order_id=ord_nope", status=404)


def test_the_success_page_heals_an_order_whose_webhook_never_came(shop, customer):
    customer.add("ceramic-mug", 2)
    customer.add("milk-jug")
    order, session_id = customer.checkout()
    shop.gateway.pay(session_id)  # paid at the gateway; the webhook is lost

    page = shop.http.get(f"/checkout/success?session_id={session_id}")

    assert "Payment received" in page.text
    healed = shop.order(order.id)
    assert healed.status == "paid"
    assert healed.history[-1].source == Source.LANDING_PAGE
    assert healed.payment.payment_intent in page.text
    assert customer.cart_lines() == {}


def test_a_pending_order_shows_confirming_and_polls_the_api(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/success?session_id={session_id}")
    assert "Confirming your payment" in page.text
    assert f"/api/orders/by-session/{session_id}" in page.text
    assert "poll.js" in page.text
    assert shop.order(order.id).status == "pending"


def test_a_failed_order_paid_with_another_card_before_its_webhook_shows_paid(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    shop.deliver_all(shop.gateway.decline(session_id))
    shop.gateway.pay(session_id)  # the second card worked; its webhook is late

    page = shop.http.get(f"/checkout/success?session_id={session_id}")

    assert "Payment received" in page.text and "poll.js" not in page.text
    healed = shop.order(order.id)
    assert healed.status == "paid"
    assert healed.history[-1].source == Source.LANDING_PAGE


def test_a_failed_order_still_unpaid_shows_the_failure_and_does_not_poll(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    shop.deliver_all(shop.gateway.decline(session_id))
    history = len(shop.order(order.id).history)

    page = shop.http.get(f"/checkout/success?session_id={session_id}")

    assert "Payment failed" in page.text and "poll.js" not in page.text
    assert len(shop.order(order.id).history) == history


def test_ordered_lines_leave_the_cart_when_the_webhook_says_paid(shop, customer):
    customer.add("ceramic-mug", 2)
    customer.add("filter-papers")
    order, session_id = customer.checkout()
    customer.add("ceramic-mug", 1)  # added after checkout: not part of the order
    customer.add("milk-jug")
    shop.deliver_all(shop.gateway.pay(session_id))
    assert shop.order(order.id).status == "paid"
    assert customer.cart_lines() == {"ceramic-mug": 1, "milk-jug": 1}


def test_the_cart_is_intact_after_a_failure_a_cancel_and_an_expiry(shop, customer):
    customer.add("ceramic-mug", 2)
    order, session_id = customer.checkout()
    shop.deliver_all(shop.gateway.decline(session_id))
    page = shop.http.get(f"/checkout/success?session_id={session_id}")
    assert "Payment failed" in page.text and "Your card was declined." in page.text
    assert customer.cart_lines() == {"ceramic-mug": 2}

    cancel_page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    _form(cancel_page, "/checkout/cancel-order").submit(status=303)
    assert shop.order(order.id).status == "cancelled"
    assert customer.cart_lines() == {"ceramic-mug": 2}

    second, second_session = customer.checkout()
    shop.deliver_all(shop.gateway.expire(second_session))
    assert shop.order(second.id).status == "expired"
    assert customer.cart_lines() == {"ceramic-mug": 2}


def test_visiting_the_cancel_page_changes_nothing(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    before = shop.order(order.id)
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    assert "Payment not completed" in page.text and "Ceramic mug" in page.text
    after = shop.order(order.id)
    assert (after.status, len(after.history), after.session_id) == (
        before.status, len(before.history), before.session_id)
    assert shop.gateway.sessions[session_id]["status"] == "open"


def test_the_cancel_page_of_an_order_under_review_does_not_call_it_paid(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    shop.deliver_all(shop.gateway.pay(session_id, amount=1))  # 1 cent for an 18.00 order
    assert shop.order(order.id).status == "needs_review"

    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")

    assert "Payment under review" in page.text
    assert "This order is paid" not in page.text and "receipt" not in page.text
    assert not any(f.action.endswith(("/checkout/retry", "/checkout/cancel-order"))
                   for f in page.forms.values())


def test_try_again_opens_a_new_session_and_expires_the_old_one(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    answer = _form(page, "/checkout/retry").submit(status=303)
    new_session = answer.location.rsplit("/", 1)[1]
    assert new_session != session_id
    assert shop.gateway.sessions[session_id]["status"] == "expired"
    assert shop.order(order.id).session_id == new_session


def test_try_again_after_a_payment_that_was_never_announced_shows_it_paid(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    shop.gateway.pay(session_id)  # paid in another tab; no webhook yet
    answer = _form(page, "/checkout/retry").submit(status=409)
    assert shop.order(order.id).status == "paid"  # learnt, and kept with the 409
    assert "This order is paid" in answer.text
    assert f'href="/checkout/success?session_id={session_id}"' in answer.text
    assert "Payment received" in shop.http.get(f"/checkout/success?session_id={session_id}")


def test_try_again_after_an_unannounced_payment_clears_the_ordered_cart_lines(shop, customer):
    customer.add("ceramic-mug", 2)
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    late = shop.gateway.pay(session_id)  # paid in another tab; no webhook yet
    _form(page, "/checkout/retry").submit(status=409)
    assert shop.order(order.id).status == "paid"
    assert customer.cart_lines() == {}
    shop.deliver_all(late)
    assert customer.cart_lines() == {}


def test_cancelling_an_order_paid_unannounced_clears_the_ordered_cart_lines(shop, customer):
    customer.add("ceramic-mug", 2)
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    shop.gateway.pay(session_id)  # no webhook yet
    _form(page, "/checkout/cancel-order").submit(status=409)
    assert shop.order(order.id).status == "paid"
    assert customer.cart_lines() == {}


def test_the_retry_button_of_a_failed_order_starts_a_new_session(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    shop.deliver_all(shop.gateway.decline(session_id))
    page = shop.http.get(f"/checkout/success?session_id={session_id}")
    answer = _form(page, "/checkout/retry").submit(status=303)
    assert "/dev/checkout/" in answer.location
    assert shop.order(order.id).status == "pending"


def test_result_page_forms_without_csrf_token_are_refused(shop, customer):
    customer.add("ceramic-mug")
    order, _ = customer.checkout()
    shop.http.post("/checkout/cancel-order", {"order_id": order.id}, status=400)
    shop.http.post("/checkout/retry", {"order_id": order.id}, status=400)
    assert shop.order(order.id).status == "pending"


def test_cancelling_an_order_paid_meanwhile_leaves_it_paid(shop, customer):
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    shop.deliver_all(shop.gateway.pay(session_id))
    answer = _form(page, "/checkout/cancel-order").submit(status=409)
    assert "This order is paid" in answer.text
    assert shop.order(order.id).status == "paid"


def test_the_dev_checkout_page_shows_the_order_and_needs_a_csrf_token(shop, customer):
    customer.add("ceramic-mug", 3)
    order, session_id = customer.checkout()
    page = shop.http.get(f"/dev/checkout/{session_id}")
    assert "Ceramic mug" in page.text and "€54.00" in page.text
    shop.http.post(f"/dev/checkout/{session_id}", {"action": "pay"}, status=400)
    back = page.forms[0].submit("action", value="back", status=303)
    assert back.location == f"http://shop.test/checkout/cancel?order_id={order.id}"
    shop.http.get("/dev/checkout/cs_test_unknown", status=404)


def test_a_checkout_keeps_its_cart_from_being_pruned_as_stale(shop, customer):
    customer.add("ceramic-mug")
    with shop.storage() as repos:
        cart_id, = repos.root.carts.keys()
        repos.root.carts[cart_id].updated_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    customer.cart_form("/cart/checkout").submit(status=303)
    with shop.storage() as repos:
        kept_from = repos.root.carts[cart_id].updated_at
        cutoff = datetime.now(timezone.utc) - timedelta(days=30)
        removed, _ = ZodbCarts(repos.root).remove_stale(cutoff, 10)
    assert kept_from > datetime.now(timezone.utc) - timedelta(minutes=5)
    assert removed == 0
