"""Property tests for SPEC §8: refunds and disputes in any order, duplicated.

A story is made first: refunds, each with an amount and a life (pending,
then succeeded, maybe failed later; or pending, then failed or cancelled),
some made in the gateway's dashboard (known only from the charge's total),
and the charge's refunded total at several moments, the last one after
everything. Every piece of news of the story is then delivered, shuffled
and partly twice: whatever the order, each refund counts once and the
status matches the refunds that succeeded.
"""

from hypothesis import HealthCheck, given, settings, strategies as st

from orderflow.domain.order import Status
from orderflow.domain.refunds import refundable

from .orders import TOTAL, apply, dispute, dispute_closed, new_order, paid, refund, refunded

LIVES = [("pending", "succeeded"), ("pending", "succeeded", "failed"),
         ("pending", "failed"), ("pending", "canceled"), ("succeeded",), ("pending",)]


@st.composite
def stories(draw):
    clock = iter(range(1000, 100000, 7))  # distinct gateway seconds
    refunds, dashboard = [], []
    budget = TOTAL
    for n in range(draw(st.integers(0, 4))):
        amount = draw(st.sampled_from([100, 500, 1000]))
        if amount > budget:
            break
        budget -= amount
        if draw(st.integers(0, 3)) == 0:
            dashboard.append((amount, next(clock)))  # succeeded, never known by id
            continue
        life = draw(st.sampled_from(LIVES))
        created = next(clock)
        steps = [(status, created if i == 0 else next(clock)) for i, status in enumerate(life)]
        refunds.append((f"re_{n}", amount, created, steps))
    return refunds, dashboard


def charge_total(story, at):
    """What the gateway's charge shows as refunded at second `at`."""
    refunds, dashboard = story
    total = sum(amount for amount, created in dashboard if created <= at)
    for _, amount, created, steps in refunds:
        status = None
        for s, t in steps:
            if t <= at:
                status = s
        if created <= at and status in ("pending", "succeeded"):
            total += amount
    return total


@st.composite
def deliveries(draw):
    story = draw(stories())
    refunds, dashboard = story
    news = []
    for refund_id, amount, created, steps in refunds:
        news += [refund(refund_id, amount, status, created=created, at=t)
                 for status, t in steps]
    moments = sorted({t for *_, steps in refunds for _, t in steps}
                     | {t for _, t in dashboard})
    last = (moments[-1] if moments else 1000) + 1
    for at in draw(st.lists(st.sampled_from(moments), max_size=3)) if moments else []:
        news.append(refunded(charge_total(story, at), created=at))
    news.append(refunded(charge_total(story, last), created=last))
    extra = draw(st.lists(st.sampled_from(news), max_size=4))
    return story, draw(st.permutations(news + extra))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deliveries())
def test_any_order_of_refund_news_counts_each_refund_once(delivery):
    (refunds, dashboard), sequence = delivery
    order = new_order()
    apply(order, paid())
    for minute, event in enumerate(sequence, start=2):
        apply(order, event, minutes=minute)
        assert 0 <= order.payment.amount_refunded <= TOTAL
        assert 0 <= refundable(order.payment) <= TOTAL - order.payment.amount_refunded
    succeeded = sum(amount for _, amount, _, steps in refunds if steps[-1][0] == "succeeded")
    expected = succeeded + sum(amount for amount, _ in dashboard)
    assert order.payment.amount_refunded == expected
    assert len({r.id for r in order.payment.refunds}) == len(order.payment.refunds)
    if expected == 0:
        assert order.status == Status.PAID
    elif expected < TOTAL:
        assert order.status == Status.PARTIALLY_REFUNDED
    else:
        assert order.status == Status.REFUNDED


OPENED, WON = dispute(), dispute_closed("won")
REFUND = refund("re_1", 500, "succeeded", created=1000, at=1000)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations([OPENED, WON, REFUND]), st.booleans())
def test_a_dispute_won_in_any_order_ends_with_the_status_the_refunds_imply(sequence, twice):
    order = new_order()
    apply(order, paid())
    for minute, event in enumerate(sequence + (sequence if twice else []), start=2):
        apply(order, event, minutes=minute)
    # A close that comes before the opening makes the opening old news.
    assert order.status == Status.PARTIALLY_REFUNDED
    assert [d.closed for d in order.disputes] == [True]
