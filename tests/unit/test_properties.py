"""Property tests: any sequence of gateway news, duplicated and reordered,
mixed with retries and cancels, leaves the order consistent (SPEC §2)."""

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from orderflow.domain.catalog import Product
from orderflow.domain.disputes import DisputeNews
from orderflow.domain.refunds import RefundNews, RefundStatus, status_for
from orderflow.domain.errors import Refused
from orderflow.domain.events import EventKind, GatewayEvent, Source
from orderflow.domain.notices import Kind
from orderflow.domain.order import CheckoutSession, Status, build_order
from orderflow.services import apply_gateway_event

from .fakes import InMemoryCarts, InMemoryEventLog, InMemoryOrderRepository
from .orders import TYPES

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "", 1250, "eur")
TOTAL = 2500
SESSIONS = ("cs_1", "cs_2", "cs_3")
UNPAID = (Status.PENDING, Status.FAILED, Status.CANCELLED, Status.EXPIRED)


def new_order(email=None):
    order = build_order("ord_1", [(MUG, 2)], email, T0, cart_id="cart_1")
    order.attach_session(CheckoutSession("cs_1", 1, T0), T0)
    return order


@st.composite
def gateway_event(draw, event_id):
    kind = draw(st.sampled_from(sorted(set(TYPES) - {EventKind.UNHANDLED})))
    n = draw(st.integers(0, len(SESSIONS) - 1))
    session, intent = SESSIONS[n], f"pi_{n + 1}"
    fields = dict(order_id="ord_1", payment_intent=intent)
    if kind in (EventKind.PAYMENT_SUCCEEDED, EventKind.PAYMENT_PROCESSING):
        amount, currency = draw(st.sampled_from(
            [(TOTAL, "eur")] * 3 + [(TOTAL - 1, "eur"), (TOTAL, "usd")]))
        fields.update(session_id=session, amount=amount, currency=currency)
        if kind == EventKind.PAYMENT_SUCCEEDED and draw(st.booleans()):
            # The landing page and reconciliation may not know the intent.
            fields["payment_intent"] = None
    elif kind == EventKind.PAYMENT_FAILED:
        # payment_intent.payment_failed carries no session; async failures do.
        fields.update(session_id=session if draw(st.booleans()) else None,
                      failure_code="card_declined", failure_reason="declined")
    elif kind == EventKind.SESSION_EXPIRED:
        fields.update(session_id=session, payment_intent=None)
    elif kind == EventKind.REFUNDED:
        fields.update(amount=TOTAL, currency="eur",
                      amount_refunded=draw(st.sampled_from([0, 500, 1000, TOTAL])))
    elif kind == EventKind.REFUND_CHANGED:
        k = draw(st.integers(1, 3))  # a refund's amount and creation never change
        fields.update(refunds=(RefundNews(f"re_{k}", 500 * k, draw(st.sampled_from(
            RefundStatus.ALL)), created=int(T0.timestamp()) + k),))
    elif kind in (EventKind.DISPUTE_OPENED, EventKind.DISPUTE_UPDATED,
                  EventKind.DISPUTE_CLOSED):
        fields.update(dispute=DisputeNews(f"dp_{draw(st.integers(1, 2))}", TOTAL, "fraudulent",
                                          draw(st.sampled_from(
                                              ["needs_response", "won", "lost",
                                               "warning_closed"]))))
    if event_id is not None:
        # A webhook carries when Stripe made it (the steps run a minute apart);
        # news learnt by asking the gateway has no time.
        minutes = draw(st.integers(0, 15))
        fields["created"] = int((T0 + timedelta(minutes=minutes)).timestamp())
    return GatewayEvent(kind=kind, type=TYPES[kind], id=event_id, **fields)


@st.composite
def steps(draw):
    """Gateway events (some without an id), retries and cancels, then
    duplicated and shuffled as a real gateway and a real customer might."""
    base = []
    for n in range(draw(st.integers(1, 12))):
        what = draw(st.sampled_from(["event"] * 6 + ["retry", "cancel"]))
        if what == "event":
            event_id = f"evt_{n}" if draw(st.integers(0, 4)) else None
            base.append(draw(gateway_event(event_id)))
        else:
            base.append(what)
    extra = draw(st.lists(st.sampled_from(base), max_size=6))
    return draw(st.permutations(base + extra))


def run(order, sequence):
    """Apply every step, checking the invariants after each one."""
    mismatch_seen = False
    settled_seen = False
    for minute, step in enumerate(sequence, start=1):
        now = T0 + timedelta(minutes=minute)
        before = len(order.history)
        if step == "retry":
            if len(order.sessions) < len(SESSIONS):
                session_id = SESSIONS[len(order.sessions)]
                try:
                    order.attach_session(CheckoutSession(session_id, order.next_attempt, now),
                                         now, Source.RETRY)
                except Refused:
                    assert len(order.history) == before
        elif step == "cancel":
            was = order.status
            try:
                order.cancel(now, Source.CUSTOMER)
            except Refused:
                assert len(order.history) == before
            else:
                # An expired order is closed already: the cancel is done, unrecorded.
                assert len(order.history) == before + (0 if was == Status.EXPIRED else 1)
        else:
            if step.session_id and order.session(step.session_id) is None:
                continue  # a session the gateway could not have opened yet
            failed_session = step.session_id and order.session(step.session_id).payment_failed
            outcome = order.apply(step, Source.WEBHOOK, now)
            if step.kind == EventKind.PAYMENT_PROCESSING and failed_session:
                # A session whose payment failed never goes back to processing.
                assert not outcome.applied
            if step.kind == EventKind.PAYMENT_SUCCEEDED and (
                    step.amount != TOTAL or step.currency != "eur"):
                mismatch_seen = True
            grew = len(order.history) - before
            if step.id is not None:
                assert grew == 1
            else:
                assert grew == (1 if outcome.applied else 0)
        check(order, mismatch_seen, settled_seen)
        settled_seen = settled_seen or order.status in Status.SETTLED
    return order


def check(order, mismatch_seen, settled_seen):
    into_paid = [h for h in order.history
                 if h.to_status == Status.PAID and h.from_status in UNPAID]
    assert len(into_paid) <= 1
    if settled_seen:
        assert order.status in Status.SETTLED
    if order.status in Status.REFUND_DRIVEN:
        # The status follows the refunds that succeeded.
        assert order.status == status_for(order.payment)
    if order.status == Status.PAID:
        assert order.payment is not None
        assert (order.payment.amount_received, order.payment.currency) == (TOTAL, "eur")
    if order.status == Status.NEEDS_REVIEW:
        assert mismatch_seen and order.review_reason
    if order.status in UNPAID:
        assert order.payment is None
    if order.awaiting_payment:
        assert order.status == Status.PENDING
    assert all(s.state == "complete" for s in order.sessions if s.payment_failed)
    assert order.status in Status.ALL


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps())
def test_any_sequence_of_gateway_news_leaves_the_order_consistent(sequence):
    run(new_order(), sequence)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps())
def test_once_paid_at_most_one_payment_is_the_order_payment(sequence):
    order = run(new_order(), sequence)
    intents = [p.payment_intent for p in order.duplicate_payments if p.payment_intent]
    sessions = [p.session_id for p in order.duplicate_payments if p.session_id]
    # A payment is never both the order's payment and a duplicate of it.
    if order.payment is not None:
        assert order.payment.session_id not in sessions
        assert order.payment.payment_intent is None or order.payment.payment_intent not in intents


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps())
def test_any_sequence_of_gateway_news_announces_at_most_one_paid_message(sequence):
    order = run(new_order(email="a@example.com"), sequence)
    notices = order.take_notices()
    assert len([n for n in notices if n.kind == Kind.PAYMENT_RECEIVED]) <= 1
    # A fact announced again (processing of one session, after a failure
    # that named no session) has the same key: the outbox keeps one message.
    by_key = {}
    for notice in notices:
        assert by_key.setdefault(notice.key, notice.kind) == notice.kind
    if any(h.to_status == Status.PAID and h.from_status in UNPAID for h in order.history):
        assert [n.kind for n in notices].count(Kind.PAYMENT_RECEIVED) == 1


# -- through the services layer ------------------------------------------------

@st.composite
def webhook_events(draw):
    """Events with ids only (webhooks), found by order id, session or intent."""
    events = []
    for n in range(draw(st.integers(1, 10))):
        e = draw(gateway_event(f"evt_{n}"))
        if e.session_id is not None and draw(st.booleans()):
            e = GatewayEvent(**{**e.__dict__, "order_id": None})
        events.append(e)
    return draw(st.permutations(events))


def deliver(sequence):
    orders, log, carts = InMemoryOrderRepository(), InMemoryEventLog(), InMemoryCarts()
    order = new_order(email="a@example.com")
    order.attach_session(CheckoutSession("cs_2", 2, T0), T0, Source.RETRY)
    order.attach_session(CheckoutSession("cs_3", 3, T0), T0, Source.RETRY)
    orders.add(order)
    carts.put("cart_1", {"mug": 2})
    outcomes = [apply_gateway_event(orders, log, e, T0, carts=carts) for e in sequence]
    return orders, log, outcomes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(webhook_events())
def test_delivering_every_event_twice_gives_the_same_order_as_delivering_it_once(sequence):
    once, once_log, _ = deliver(sequence)
    twice, twice_log, outcomes = deliver(list(sequence) + list(sequence))
    assert twice.get("ord_1") == once.get("ord_1")
    assert twice_log.records == once_log.records
    assert twice.outbox == once.outbox
    assert [n.kind for n in twice.outbox.values()].count(Kind.PAYMENT_RECEIVED) <= 1
    assert all(o.duplicate and o.outcome == "duplicate" for o in outcomes[len(sequence):])
    assert not any(o.duplicate for o in outcomes[:len(sequence)])
