"""Which transition announces which message (SPEC §9), and that nothing
else does: ignored and duplicate news queue no mail."""

from orderflow.domain.customer import CustomerDetails
from orderflow.domain.events import EventKind, SessionPayment, SessionState, Source
from orderflow.domain.notices import CUSTOMER, STAFF, Kind
from orderflow.domain.order import CheckoutSession, SessionStatus, build_order
from orderflow.services import apply_gateway_event, sync_session

from .fakes import InMemoryEventLog, InMemoryOrderRepository
from .orders import (
    MUG, T0, TEA, TOTAL, async_failed, at, dispute, dispute_closed, event, failed, new_order,
    paid, processing, refund,
)


def kinds(order):
    return [n.kind for n in order.take_notices()]


def refunded(amount_refunded, intent="pi_1"):
    return event(EventKind.REFUNDED, None, payment_intent=intent, amount=TOTAL,
                 currency="eur", amount_refunded=amount_refunded)


def test_a_paid_order_announces_payment_received_to_the_customer_once():
    order = new_order()
    order.apply(paid(), Source.WEBHOOK, at(1))
    notices = order.take_notices()
    assert [n.kind for n in notices] == [Kind.PAYMENT_RECEIVED]
    notice = notices[0]
    assert notice.audience == CUSTOMER and notice.recipient == "a@example.com"
    assert notice.facts["total"] == TOTAL and notice.facts["session_id"] == "cs_1"
    assert notice.facts["items"] == [("Mug", 2, 1250, 2500), ("Tea", 1, 500, 500)]
    order.apply(paid(), Source.WEBHOOK, at(2))  # the same payment again
    order.apply(paid(event_id=None), Source.LANDING_PAGE, at(3))
    assert kinds(order) == []


def test_a_refused_or_unknown_event_announces_nothing():
    order = new_order()
    order.apply(event(EventKind.UNHANDLED), Source.WEBHOOK, at(1))
    order.apply(event(EventKind.SESSION_EXPIRED, "cs_old"), Source.WEBHOOK, at(2))
    assert kinds(order) == []


def test_an_async_payment_announces_processing_then_received():
    order = new_order()
    order.apply(processing(created=1), Source.WEBHOOK, at(1))
    assert kinds(order) == [Kind.PAYMENT_PROCESSING]
    order.apply(processing(created=1), Source.WEBHOOK, at(2))
    assert kinds(order) == []
    order.apply(paid(), Source.WEBHOOK, at(3))
    assert kinds(order) == [Kind.PAYMENT_RECEIVED]


def test_an_async_payment_that_fails_announces_the_failure_with_its_reason():
    order = new_order()
    order.apply(processing(created=1), Source.WEBHOOK, at(1))
    order.take_notices()
    order.apply(async_failed(), Source.WEBHOOK, at(2))
    notices = order.take_notices()
    assert [n.kind for n in notices] == [Kind.PAYMENT_FAILED]
    assert notices[0].facts["reason"] == "It bounced."


def test_a_declined_card_is_not_mailed_the_customer_sees_it_on_the_checkout_page():
    order = new_order()
    order.apply(failed(), Source.WEBHOOK, at(1))
    assert order.status == "failed"
    assert kinds(order) == []


def test_a_refund_announces_the_amount_and_what_remains_paid():
    order = new_order()
    order.apply(paid(), Source.WEBHOOK, at(1))
    order.take_notices()
    order.apply(refunded(1000), Source.WEBHOOK, at(2))
    notices = order.take_notices()
    assert [n.kind for n in notices] == [Kind.REFUND_ISSUED]
    assert notices[0].facts["refunded_now"] == 1000
    assert notices[0].facts["remaining"] == TOTAL - 1000
    order.apply(refunded(1000), Source.WEBHOOK, at(3))  # the same total again
    assert kinds(order) == []
    order.apply(refunded(TOTAL), Source.WEBHOOK, at(4))
    notices = order.take_notices()
    assert notices[0].facts["refunded_now"] == TOTAL - 1000 and notices[0].facts["remaining"] == 0


def test_a_wrong_amount_alerts_the_staff_and_mails_the_customer_nothing():
    order = new_order()
    order.apply(paid(amount=TOTAL - 1), Source.WEBHOOK, at(1))
    notices = order.take_notices()
    assert [(n.kind, n.audience) for n in notices] == [(Kind.NEEDS_REVIEW, STAFF)]
    assert notices[0].recipient is None
    assert "expected" in notices[0].facts["reason"]


def test_a_second_payment_alerts_the_staff_once():
    order = new_order()
    order.apply(paid(), Source.WEBHOOK, at(1))
    order.take_notices()
    order.apply(paid("cs_other", "pi_2"), Source.WEBHOOK, at(3))
    assert kinds(order) == [Kind.DUPLICATE_PAYMENT]
    order.apply(paid("cs_other", "pi_2"), Source.WEBHOOK, at(4))
    assert kinds(order) == []


def test_a_dispute_alerts_the_staff_once():
    order = new_order()
    order.apply(paid(), Source.WEBHOOK, at(1))
    order.take_notices()
    order.apply(dispute(), Source.WEBHOOK, at(2))
    assert kinds(order) == [Kind.DISPUTE_OPENED]
    order.apply(dispute(), Source.WEBHOOK, at(3))  # already disputed: ignored
    assert kinds(order) == []
    order.apply(dispute_closed("lost"), Source.WEBHOOK, at(4))
    notices = order.take_notices()
    assert [n.kind for n in notices] == [Kind.DISPUTE_CLOSED]
    assert notices[0].facts["reason"] == "lost"
    order.apply(dispute_closed("lost"), Source.WEBHOOK, at(5))
    assert kinds(order) == []


def test_a_refund_that_fails_alerts_the_staff_once():
    order = new_order()
    order.apply(paid(), Source.WEBHOOK, at(1))
    order.apply(refund("re_1", 1000, "succeeded"), Source.WEBHOOK, at(2))
    assert kinds(order) == [Kind.PAYMENT_RECEIVED, Kind.REFUND_ISSUED]
    order.apply(refund("re_1", 1000, "failed"), Source.WEBHOOK, at(3))
    notices = order.take_notices()
    assert [n.kind for n in notices] == [Kind.REFUND_FAILED]
    assert (notices[0].facts["refund_id"], notices[0].facts["amount"]) == ("re_1", 1000)
    order.apply(refund("re_1", 1000, "failed"), Source.WEBHOOK, at(4))
    assert kinds(order) == []


def test_an_order_without_email_gets_no_customer_mail_but_the_staff_still_hear():
    order = build_order("ord_1", [(MUG, 2), (TEA, 1)], None, T0)
    order.attach_session(CheckoutSession("cs_1", 1, T0), T0)
    order.apply(paid(), Source.WEBHOOK, at(1))
    assert kinds(order) == []
    order.apply(paid("cs_other", "pi_2"), Source.WEBHOOK, at(2))
    assert kinds(order) == [Kind.DUPLICATE_PAYMENT]


def test_the_gateway_email_becomes_the_order_email_and_receives_the_paid_message():
    order = build_order("ord_1", [(MUG, 2), (TEA, 1)], None, T0)
    order.attach_session(CheckoutSession("cs_1", 1, T0), T0)
    customer = CustomerDetails("gateway@example.com", "Ada Lovelace", "GB")
    order.apply(paid(customer=customer), Source.WEBHOOK, at(1))
    assert order.email == "gateway@example.com"
    assert order.customer == customer
    assert [n.recipient for n in order.take_notices()] == ["gateway@example.com"]


def test_the_email_typed_at_checkout_stays_the_order_email():
    order = new_order()
    order.apply(paid(customer=CustomerDetails("other@example.com", "Ada", "GB")),
                Source.WEBHOOK, at(1))
    assert order.email == "a@example.com"
    assert order.customer.email == "other@example.com"


def test_the_webhook_and_the_landing_page_learning_one_payment_queue_one_message():
    orders, log = InMemoryOrderRepository([new_order()]), InMemoryEventLog()
    apply_gateway_event(orders, log, paid(), at(1))
    state = SessionState("cs_1", SessionStatus.COMPLETE, SessionPayment.PAID, "ord_1", TOTAL,
                         "eur", "pi_1")

    class Gateway:
        def retrieve_session(self, session_id):
            return state

    sync_session(orders, Gateway(), orders.get("ord_1"), "cs_1", Source.LANDING_PAGE, at(2))
    apply_gateway_event(orders, log, paid(), at(3))  # a second event id, same payment
    assert [n.kind for n in orders.outbox.values()] == [Kind.PAYMENT_RECEIVED]


def test_a_duplicate_delivery_queues_nothing_more():
    orders, log = InMemoryOrderRepository([new_order()]), InMemoryEventLog()
    delivery = paid()
    for _ in range(3):
        apply_gateway_event(orders, log, delivery, at(1))
    assert len(orders.outbox) == 1


def test_a_use_case_that_never_saves_queues_nothing():
    orders = InMemoryOrderRepository([new_order()])
    order = orders.get("ord_1")
    order.apply(paid(), Source.WEBHOOK, at(1))  # changed, then dropped (a rollback)
    assert orders.outbox == {}
