"""The admin refunds from the order page (SPEC §10): a form in major units,
a confirmation page, then the gateway; never more than what remains."""

import re

ORDER = "/admin/orders/{}"


def paid_order(admin):
    started = admin.checkout().json  # two mugs: €36.00
    admin.deliver_all(admin.gateway.pay(started["sessionId"]))
    return started


def refund_form(http, order_id):
    page = http.get(ORDER.format(order_id))
    return next(f for f in page.forms.values() if f.action.endswith("/refund/confirm"))


def confirmation(http, order_id, amount, reason="requested_by_customer", payment=None,
                 status=200):
    form = refund_form(http, order_id)
    form["amount"] = amount
    form["reason"] = reason
    if payment is not None:
        form["payment_intent"] = payment
    return form.submit(status=status)


def force(form, name, value):
    """Post a value the page does not offer, as a hand-made request would."""
    form[name].force_value(value)


def confirm(page, status=303):
    form = next(f for f in page.forms.values() if f.action.endswith("/refund"))
    return form.submit(status=status)


def test_a_partial_refund_is_restated_then_requested_and_the_order_becomes_partly_refunded(
        admin):
    started = paid_order(admin)
    order_id = started["orderId"]
    page = confirmation(admin.http, order_id, "12.50")
    summary = page.html.find(id="refund-summary").get_text(" ")
    assert "€12.50" in summary and order_id in summary
    assert "Requested by the customer" in summary and "€36.00" in summary
    # The confirmation page sends nothing: no refund yet.
    assert admin.gateway.undelivered == [] and admin.order(order_id).payment.refunds == ()

    answer = confirm(page)
    assert answer.location.endswith(ORDER.format(order_id))
    shown = answer.follow()
    assert "Refund of €12.50 requested: pending until Stripe confirms." in shown.text
    [refund] = admin.order(order_id).payment.refunds
    assert (refund.amount, refund.reason, refund.requested_by) == (
        1250, "requested_by_customer", "alice")
    rows = shown.html.find(id="refunds").get_text(" ")
    assert refund.id in rows and "€12.50" in rows and "alice" in rows

    admin.deliver_all(admin.gateway.undelivered)
    order = admin.order(order_id)
    assert order.status == "partially_refunded" and order.payment.amount_refunded == 1250
    assert 'id="order-status">partially_refunded<' in admin.http.get(
        ORDER.format(order_id)).text


def test_a_refund_larger_than_what_remains_is_refused_and_nothing_reaches_the_gateway(admin):
    started = paid_order(admin)
    order_id = started["orderId"]
    confirm(confirmation(admin.http, order_id, "30.00"))
    # €6.00 remains while the first refund is still pending.
    page = confirmation(admin.http, order_id, "6.01", status=400)
    assert "more than what remains refundable (€6.00)" in page.html.find(
        id="refund-error").text
    sent = len(admin.gateway.undelivered)
    # A confirmation made while more remained, posted after another refund:
    # the use case refuses it too.
    stale = confirmation(admin.http, order_id, "6.00")
    confirm(confirmation(admin.http, order_id, "1.00"))
    sent = len(admin.gateway.undelivered)
    refused = confirm(stale, status=409)
    assert "Not refunded: that is more than what remains refundable" in refused.text
    assert len(admin.gateway.undelivered) == sent
    assert sum(r.amount for r in admin.order(order_id).payment.refunds) == 3100


def test_an_amount_that_is_not_one_is_asked_again_with_the_field_named(admin):
    started = paid_order(admin)
    for amount in ("abc", "-5", "12.505", "0", "1e3", ""):
        page = confirmation(admin.http, started["orderId"], amount, status=400)
        assert "an amount such as 12.50" in page.html.find(id="refund-error").text
    form = refund_form(admin.http, started["orderId"])
    form["amount"] = "1"
    force(form, "reason", "because")
    page = form.submit(status=400)
    assert "choose a reason" in page.html.find(id="refund-error").text
    assert admin.order(started["orderId"]).payment.refunds == ()


def test_a_refund_without_the_csrf_token_is_refused_and_sends_nothing(admin):
    started = paid_order(admin)
    fields = {"amount": "1.00", "reason": "duplicate", "payment_intent": ""}
    for path in ("/refund/confirm", "/refund"):
        admin.http.post(ORDER.format(started["orderId"]) + path, fields, status=400)
        admin.http.post(ORDER.format(started["orderId"]) + path,
                        dict(fields, csrf_token="forged"), status=400)
    assert admin.gateway.undelivered == []
    assert admin.order(started["orderId"]).payment.refunds == ()


def test_a_refund_needs_a_logged_in_admin(shop):
    started = shop.checkout().json
    shop.deliver_all(shop.gateway.pay(started["sessionId"]))
    # A session with a CSRF token, but nobody logged in.
    token = shop.http.get("/admin/login").forms[0]["csrf_token"].value
    for path in ("/refund/confirm", "/refund"):
        answer = shop.http.post(ORDER.format(started["orderId"]) + path,
                                {"amount": "1.00", "reason": "duplicate", "csrf_token": token},
                                status=303)
        assert "/admin/login" in answer.location
    assert shop.gateway.undelivered == []
    assert shop.order(started["orderId"]).payment.refunds == ()


def test_an_unpaid_order_offers_no_refund(admin):
    started = admin.checkout().json
    page = admin.http.get(ORDER.format(started["orderId"]))
    assert 'id="refund-form"' not in page.text


def test_the_duplicate_payment_is_refunded_and_the_order_stays_paid(admin):
    started = admin.checkout().json
    order_id, first = started["orderId"], started["sessionId"]
    second = admin.http.post(f"/api/orders/{order_id}/retry-session", status=201).json
    admin.deliver_all(admin.gateway.pay(second["sessionId"]))
    # Stripe's race (test_lifecycle.py): the first session was paid too.
    admin.gateway.sessions[first]["status"] = "open"
    admin.deliver_all(admin.gateway.pay(first))
    [duplicate] = admin.order(order_id).duplicate_payments
    page = admin.http.get(ORDER.format(order_id))
    assert f"Refund the duplicate payment {duplicate.payment_intent}" in page.text

    shown = confirm(confirmation(admin.http, order_id, "36", reason="duplicate",
                                 payment=duplicate.payment_intent)).follow()
    assert "Refund of €36.00 requested" in shown.text
    admin.deliver_all(admin.gateway.undelivered)
    order = admin.order(order_id)
    assert order.status == "paid" and order.payment.amount_refunded == 0
    assert order.duplicate_payments[0].amount_refunded == 3600 and not order.needs_refund


def test_a_refund_the_gateway_refuses_says_so_and_keeps_nothing(admin):
    started = paid_order(admin)
    page = confirmation(admin.http, started["orderId"], "5.00")
    admin.gateway.fail_next = 1
    refused = confirm(page, status=502)
    assert re.search(r"Not refunded: the payment gateway refused or could not be reached",
                     refused.text)
    assert admin.order(started["orderId"]).payment.refunds == ()
