"""The admin cancels an unpaid order (SPEC §2), through the real form and CSRF."""

import re

ORDER = "/admin/orders/{}"


def cancel_form(http, order_id):
    """The confirmation step's form, reached by the order page's cancel link."""
    order_page = http.get(ORDER.format(order_id))
    confirm = order_page.click(linkid="cancel-order")
    assert "Cancel order" in confirm.text and "No, keep it" in confirm.text
    return next(f for f in confirm.forms.values() if f.action.endswith("/cancel"))


def has_cancel_button(http, order_id):
    return 'id="cancel-order"' in http.get(ORDER.format(order_id)).text


def test_the_admin_cancels_a_pending_order_and_its_session_is_expired(admin):
    started = admin.checkout().json
    answer = cancel_form(admin.http, started["orderId"]).submit(status=303)
    assert answer.location.endswith(ORDER.format(started["orderId"]))
    page = answer.follow()
    assert 'id="order-status">cancelled<' in page.text
    assert "The order is cancelled." in page.text
    order = admin.order(started["orderId"])
    assert order.status == "cancelled"
    last = order.history[-1]
    assert last.source == "admin" and last.applied and last.to_status == "cancelled"
    assert admin.gateway.sessions[started["sessionId"]]["status"] == "expired"
    assert not has_cancel_button(admin.http, started["orderId"])


def test_the_admin_cancels_a_failed_order(admin):
    started = admin.checkout().json
    admin.deliver_all(admin.gateway.decline(started["sessionId"]))
    cancel_form(admin.http, started["orderId"]).submit(status=303)
    assert admin.order(started["orderId"]).status == "cancelled"


def test_a_paid_order_shows_no_cancel_button_and_a_cancel_post_changes_nothing(admin):
    started = admin.checkout().json
    form = cancel_form(admin.http, started["orderId"])
    # Paid after the admin opened the page: the stale form is submitted.
    admin.deliver_all(admin.gateway.pay(started["sessionId"]))
    assert not has_cancel_button(admin.http, started["orderId"])
    page = form.submit().maybe_follow()
    assert 'id="order-status">paid<' in page.text
    order = admin.order(started["orderId"])
    assert order.status == "paid" and order.payment.amount_received == 3600
    assert not any(h.applied and h.to_status == "cancelled" for h in order.history)


def test_a_cancel_that_finds_the_order_paid_clears_the_customers_cart(admin, customer):
    customer.add("ceramic-mug", 2)
    order, session_id = customer.checkout()
    form = cancel_form(admin.http, order.id)
    admin.gateway.pay(session_id)  # paid, its webhook not yet arrived
    page = form.submit(status=303).follow()
    assert ("Not cancelled: a payment for this order is already completed: "
            "the order is paid.") in page.text
    assert admin.order(order.id).status == "paid"
    assert customer.cart_lines() == {}


def test_a_cancel_the_gateway_cannot_confirm_answers_502_and_keeps_the_order(admin):
    started = admin.checkout().json
    form = cancel_form(admin.http, started["orderId"])
    admin.gateway.fail_next = 1
    page = form.submit(status=502)
    assert 'id="order-error"' in page.text and "could not be reached" in page.text
    assert admin.order(started["orderId"]).status == "pending"
    assert admin.gateway.sessions[started["sessionId"]]["status"] == "open"


def test_the_cancel_link_only_asks_and_changes_nothing(admin):
    started = admin.checkout().json
    page = admin.http.get(ORDER.format(started["orderId"]) + "/cancel")
    assert 'id="confirm-cancel"' in page.text
    assert admin.order(started["orderId"]).status == "pending"
    assert admin.gateway.sessions[started["sessionId"]]["status"] == "open"


def test_asking_to_cancel_a_paid_order_leads_back_to_it(admin):
    started = admin.checkout().json
    admin.deliver_all(admin.gateway.pay(started["sessionId"]))
    answer = admin.http.get(ORDER.format(started["orderId"]) + "/cancel", status=303)
    assert "cannot be cancelled" in answer.follow().text
    assert admin.order(started["orderId"]).status == "paid"


def test_a_cancel_post_without_the_csrf_token_is_refused(admin):
    started = admin.checkout().json
    admin.http.post(ORDER.format(started["orderId"]) + "/cancel", {}, status=400)
    admin.http.post(ORDER.format(started["orderId"]) + "/cancel", {"csrf_token": "forged"},
                    status=400)
    assert admin.order(started["orderId"]).status == "pending"
    assert admin.gateway.sessions[started["sessionId"]]["status"] == "open"


def test_an_anonymous_cancel_post_is_sent_to_the_login(admin):
    started = admin.checkout().json
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      admin.http.get(ORDER.format(started["orderId"])).text).group(1)
    admin.http.post("/admin/logout", {"csrf_token": token}, status=303)
    # A fresh anonymous session: take its own token from the login page.
    login = admin.http.get("/admin/login")
    anonymous_token = login.forms[0]["csrf_token"].value
    answer = admin.http.post(ORDER.format(started["orderId"]) + "/cancel",
                             {"csrf_token": anonymous_token}, status=303)
    assert "/admin/login" in answer.location
    assert admin.order(started["orderId"]).status == "pending"
