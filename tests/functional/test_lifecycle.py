"""The whole order lifecycle (SPEC §2) driven by signed webhooks."""

from tests.functional.conftest import event_record, history_for


def start(shop, items=(("ceramic-mug", 2),)):
    started = shop.checkout(items=items).json
    return started["orderId"], started["sessionId"]


def status(shop, order_id):
    return shop.http.get(f"/api/orders/{order_id}").json["status"]


def deliver(shop, deliveries):
    answers = shop.deliver_all(deliveries)
    assert all(a.json == {"received": True, "duplicate": False} for a in answers)
    return deliveries


def test_a_paid_checkout_becomes_paid(shop):
    order_id, sid = start(shop, items=[("ceramic-mug", 2), ("filter-papers", 1)])
    [delivery] = deliver(shop, shop.gateway.pay(sid))
    order = shop.http.get(f"/api/orders/by-session/{sid}").json
    assert order["status"] == "paid"
    assert order["payment"]["amountReceived"] == 4050
    [entry] = history_for(shop, order_id, delivery.event["id"])
    assert (entry.from_status, entry.to_status, entry.applied) == ("pending", "paid", True)
    assert entry.source == "webhook"
    assert entry.event_type == "checkout.session.completed"
    assert event_record(shop, delivery.event["id"]).outcome == "applied"


def test_a_declined_card_fails_and_the_same_session_can_still_be_paid(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.decline(sid))
    order = shop.http.get(f"/api/orders/{order_id}").json
    assert order["status"] == "failed"
    assert order["failure"] == {"code": "generic_decline", "reason": "Your card was declined."}
    deliver(shop, shop.gateway.pay(sid))
    order = shop.http.get(f"/api/orders/{order_id}").json
    assert order["status"] == "paid"
    assert order["failure"] is None
    assert order["sessionId"] == sid


def test_an_async_payment_stays_pending_then_becomes_paid(shop):
    order_id, sid = start(shop)
    [processing] = deliver(shop, shop.gateway.pay_async(sid))
    assert status(shop, order_id) == "pending"
    order = shop.order(order_id)
    assert order.awaiting_payment
    assert history_for(shop, order_id, processing.event["id"])[0].note == "awaiting payment"
    deliver(shop, shop.gateway.settle_async(sid))
    assert status(shop, order_id) == "paid"
    assert not shop.order(order_id).awaiting_payment


def test_an_async_payment_that_fails_leaves_the_order_failed_and_retryable(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.pay_async(sid))
    deliver(shop, shop.gateway.settle_async(sid, succeeded=False))
    order = shop.http.get(f"/api/orders/{order_id}").json
    assert order["status"] == "failed"
    assert order["failure"]["code"] == "async_payment_failed"
    new = shop.http.post(f"/api/orders/{order_id}/retry-session", status=201).json
    deliver(shop, shop.gateway.pay(new["sessionId"]))
    assert status(shop, order_id) == "paid"


def test_an_async_failure_delivered_before_its_completed_webhook_stays_failed(shop):
    order_id, sid = start(shop)
    [completed] = shop.gateway.pay_async(sid)
    [failed] = shop.gateway.settle_async(sid, succeeded=False)
    deliver(shop, [failed, completed])  # Stripe does not promise the order
    assert status(shop, order_id) == "failed"
    order = shop.order(order_id)
    assert not order.awaiting_payment
    assert history_for(shop, order_id, completed.event["id"])[0].note == (
        "ignored: the payment of this session failed already")
    new = shop.http.post(f"/api/orders/{order_id}/retry-session", status=201).json
    deliver(shop, shop.gateway.pay(new["sessionId"]))
    assert status(shop, order_id) == "paid"


def test_a_card_decline_delivered_after_a_bank_debit_started_does_not_end_the_wait(shop):
    order_id, sid = start(shop)
    [decline] = shop.gateway.decline(sid)  # the card first, then a debit, one session
    [processing] = shop.gateway.pay_async(sid)
    deliver(shop, [processing, decline])
    order = shop.order(order_id)
    assert order.status == "pending" and order.awaiting_payment and order.failure is None
    assert not history_for(shop, order_id, decline.event["id"])[0].applied
    shop.http.post(f"/api/orders/{order_id}/retry-session", status=409)
    deliver(shop, shop.gateway.settle_async(sid))
    order = shop.order(order_id)
    assert order.status == "paid" and order.session_id == sid
    assert order.duplicate_payments == []


def test_a_late_decline_from_before_a_retry_leaves_the_new_session_pending(shop):
    order_id, sid = start(shop)
    clock = shop.gateway.clock
    shop.gateway.clock = lambda: clock() - 60  # declined a minute ago...
    try:
        late = shop.gateway.decline(sid)
    finally:
        shop.gateway.clock = clock
    shop.http.post(f"/api/orders/{order_id}/retry-session", status=201)
    deliver(shop, late)  # ...and announced only after the retry
    order = shop.order(order_id)
    assert order.status == "pending" and order.failure is None
    assert order.current_session.state == "open"
    deliver(shop, shop.gateway.decline(order.session_id))
    assert status(shop, order_id) == "failed"


def test_an_expired_session_can_be_retried_and_paid(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.expire(sid))
    assert status(shop, order_id) == "expired"
    new = shop.http.post(f"/api/orders/{order_id}/retry-session", status=201).json
    assert status(shop, order_id) == "pending"
    deliver(shop, shop.gateway.pay(new["sessionId"]))
    order = shop.http.get(f"/api/orders/{order_id}").json
    assert order["status"] == "paid"
    assert order["sessionId"] == new["sessionId"]
    assert order["payment"]["amountReceived"] == 3600


def test_the_expiry_of_an_earlier_session_changes_nothing(shop):
    order_id, sid = start(shop)
    shop.http.post(f"/api/orders/{order_id}/retry-session", status=201)
    [late] = deliver(shop, shop.gateway.expire(sid))
    assert status(shop, order_id) == "pending"
    [entry] = history_for(shop, order_id, late.event["id"])
    assert not entry.applied
    assert event_record(shop, late.event["id"]).outcome == "ignored"


def test_a_payment_of_another_amount_needs_review_and_is_never_paid(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.pay(sid, amount=100))
    order = shop.http.get(f"/api/orders/{order_id}").json
    assert order["status"] == "needs_review"
    assert order["payment"]["amountReceived"] == 100
    assert "expected 3600 eur" in shop.order(order_id).review_reason


def test_a_partial_then_full_refund(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.pay(sid))
    deliver(shop, shop.gateway.refund_in_dashboard(sid, 1000))
    assert status(shop, order_id) == "partially_refunded"
    assert shop.order(order_id).payment.amount_refunded == 1000
    deliver(shop, shop.gateway.refund_in_dashboard(sid, 2600))
    assert status(shop, order_id) == "refunded"
    assert shop.order(order_id).payment.amount_refunded == 3600


def test_a_dispute_marks_the_order_disputed(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.pay(sid))
    [dispute] = deliver(shop, shop.gateway.dispute(sid))
    assert status(shop, order_id) == "disputed"
    [entry] = history_for(shop, order_id, dispute.event["id"])
    assert (entry.from_status, entry.to_status) == ("paid", "disputed")


def test_a_dispute_after_a_partial_refund_marks_the_order_disputed(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.pay(sid))
    deliver(shop, shop.gateway.refund_in_dashboard(sid, 500))
    deliver(shop, shop.gateway.dispute(sid))
    assert status(shop, order_id) == "disputed"


def test_an_event_for_an_order_that_is_not_ours_is_acknowledged_as_unmatched(shop):
    order_id, _ = start(shop)
    foreign = shop.gateway.event("checkout.session.completed", {
        "id": "cs_test_someone_else", "object": "checkout.session", "status": "complete",
        "payment_status": "paid", "amount_total": 3600, "currency": "eur",
        "client_reference_id": "ord_not_ours", "metadata": {"order_id": "ord_not_ours"},
        "payment_intent": "pi_test_someone_else",
    })
    assert shop.deliver(foreign).json == {"received": True, "duplicate": False}
    record = event_record(shop, foreign.event["id"])
    assert record.outcome == "unmatched"
    assert record.order_id is None
    assert status(shop, order_id) == "pending"


def test_an_event_of_an_unknown_session_without_metadata_is_unmatched(shop):
    start(shop)
    foreign = shop.gateway.event("checkout.session.expired", {
        "id": "cs_test_abandoned", "object": "checkout.session", "status": "expired",
    })
    assert shop.deliver(foreign).json == {"received": True, "duplicate": False}
    assert event_record(shop, foreign.event["id"]).outcome == "unmatched"


def test_an_unhandled_event_type_is_acknowledged_and_logged_as_ignored(shop):
    order_id, _ = start(shop)
    other = shop.gateway.event("customer.created", {"id": "cus_test_1", "object": "customer",
                                                     "email": "a@b.example"})
    assert shop.deliver(other).json == {"received": True, "duplicate": False}
    assert event_record(shop, other.event["id"]).outcome == "ignored"
    assert status(shop, order_id) == "pending"


def test_an_unhandled_event_about_our_order_is_kept_in_its_history(shop):
    order_id, sid = start(shop)
    intent = {"id": "pi_test_created", "object": "payment_intent",
              "metadata": {"order_id": order_id}}
    other = shop.gateway.event("payment_intent.created", intent)
    assert shop.deliver(other).json == {"received": True, "duplicate": False}
    [entry] = history_for(shop, order_id, other.event["id"])
    assert not entry.applied
    assert event_record(shop, other.event["id"]).outcome == "ignored"
    assert status(shop, order_id) == "pending"


def test_a_paid_order_ignores_later_failure_and_expiry_events(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.pay(sid))
    session = shop.gateway.sessions[sid]
    intent = dict(shop.gateway.intents[session["payment_intent"]],
                  last_payment_error={"code": "card_declined", "message": "late decline"})
    late = [
        shop.gateway.event("payment_intent.payment_failed", intent),
        shop.gateway.event("checkout.session.async_payment_failed", session),
        *shop.gateway.expire(sid),
    ]
    deliver(shop, late)
    order = shop.http.get(f"/api/orders/{order_id}").json
    assert order["status"] == "paid"
    assert order["failure"] is None
    for delivery in late:
        [entry] = history_for(shop, order_id, delivery.event["id"])
        assert (entry.applied, entry.to_status) == (False, "paid")
        assert event_record(shop, delivery.event["id"]).outcome == "ignored"


def test_a_second_payment_from_an_earlier_session_is_flagged_as_a_duplicate(shop):
    order_id, first = start(shop)
    second = shop.http.post(f"/api/orders/{order_id}/retry-session", status=201).json
    deliver(shop, shop.gateway.pay(second["sessionId"]))
    assert status(shop, order_id) == "paid"
    # Stripe's race: the customer's payment on the first session went through
    # at the very moment our retry expired it. The fake has already marked it
    # expired, so put it back the way Stripe saw it when the card was charged.
    shop.gateway.sessions[first]["status"] = "open"
    [duplicate] = deliver(shop, shop.gateway.pay(first))
    order = shop.order(order_id)
    assert order.status == "paid"
    assert order.payment.session_id == second["sessionId"]
    [extra] = order.duplicate_payments
    assert extra.session_id == first
    assert extra.amount_received == 3600
    assert order.needs_refund
    [entry] = history_for(shop, order_id, duplicate.event["id"])
    assert entry.applied and "duplicate" in entry.note
    # Refunding the duplicate leaves the order paid and clears the flag.
    deliver(shop, shop.gateway.refund_in_dashboard(first, 3600))
    order = shop.order(order_id)
    assert order.status == "paid"
    assert not order.needs_refund


def test_the_history_tells_the_whole_story_in_order(shop):
    order_id, sid = start(shop)
    deliver(shop, shop.gateway.decline(sid))
    shop.http.post(f"/api/orders/{order_id}/retry-session", status=201)
    new_sid = shop.order(order_id).session_id
    deliver(shop, shop.gateway.pay(new_sid))
    deliver(shop, shop.gateway.refund_in_dashboard(new_sid, 3600))
    steps = [(h.event_type, h.from_status, h.to_status) for h in shop.order(order_id).history]
    assert steps == [
        ("checkout.session.created", "pending", "pending"),
        ("payment_intent.payment_failed", "pending", "failed"),
        ("checkout.session.created", "failed", "pending"),
        ("checkout.session.completed", "pending", "paid"),
        # Stripe tells of a refund twice: the refund by id, then the charge.
        ("refund.created", "paid", "refunded"),
        ("charge.refunded", "refunded", "refunded"),
    ]
