"""Disputes to their end (SPEC §8): opened, funds moved, closed won or lost.

An inquiry (`warning_needs_response`) is a dispute too. A dispute closed won
(or an inquiry closed without a chargeback, `warning_closed`) gives the
order back the status its refunds imply (what it had before the dispute,
unless a refund landed meanwhile); a lost one ends in `dispute_lost`, with
the disputed amount and the reason kept. Fund movements and other updates
go into the history only.
"""

from dataclasses import dataclass, replace

from .order_parts import Status
from .refunds import payment_of, status_for


class DisputeStatus:
    WON = "won"
    LOST = "lost"
    WARNING_CLOSED = "warning_closed"
    # An inquiry, and the open states of a chargeback.
    WARNING_NEEDS_RESPONSE = "warning_needs_response"
    WARNING_UNDER_REVIEW = "warning_under_review"
    NEEDS_RESPONSE = "needs_response"
    UNDER_REVIEW = "under_review"

    CLOSED_IN_OUR_FAVOUR = (WON, WARNING_CLOSED)


@dataclass(frozen=True)
class DisputeNews:
    id: str
    amount: int | None = None
    reason: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Dispute:
    """A dispute of the order's payment, kept on the order."""

    id: str
    amount: int | None
    reason: str | None
    status: str | None
    # The order's status when the dispute opened.
    status_before: str | None = None
    closed: bool = False


def find(order, dispute_id):
    return next((d for d in order.disputes if d.id == dispute_id), None)


def keep(order, dispute):
    order.disputes = tuple(d for d in order.disputes if d.id != dispute.id) + (dispute,)


def _disputed_payment(order, event):
    """(news, payment) of a dispute event, or (None, why it is ignored)."""
    if event.dispute is None:
        return None, "ignored: the event names no dispute"
    payment = payment_of(order, event.payment_intent)
    if payment is None:
        return None, "ignored: not a payment of this order"
    return event.dispute, payment


def opened(order, event, now=None):
    news, payment = _disputed_payment(order, event)
    if news is None:
        return False, payment
    if find(order, news.id) is not None:
        return False, "ignored: dispute already recorded"
    keep(order, Dispute(news.id, news.amount, news.reason, news.status,
                        status_before=order.status))
    if payment is not order.payment:
        return True, "dispute opened on the duplicate payment"
    if order.status not in Status.REFUNDABLE:
        return True, f"dispute {news.id} recorded; the order stays {order.status}"
    order.status = Status.DISPUTED
    order.dispute_reason = news.reason
    return True, f"dispute opened ({news.reason or 'no reason given'})"


def updated(order, event, now=None):
    """Fund movements and other updates: the history only."""
    news = event.dispute
    dispute = find(order, news.id) if news else None
    if dispute is not None and news.status and not dispute.closed:
        keep(order, replace(dispute, status=news.status))
    what = event.type.rsplit(".", 1)[-1].replace("_", " ")
    amount = f" {news.amount} {order.currency}" if news and news.amount is not None else ""
    return True, f"dispute {what}{amount}"


def closed(order, event, now=None):
    news, payment = _disputed_payment(order, event)
    if news is None:
        return False, payment
    dispute = find(order, news.id)
    if dispute is not None and dispute.closed:
        return False, "ignored: dispute already closed"
    if dispute is None:
        # Its opening news never came (or comes later): known from now on.
        dispute = Dispute(news.id, news.amount, news.reason, news.status,
                          status_before=order.status)
    keep(order, replace(dispute, status=news.status, closed=True,
                        amount=news.amount if news.amount is not None else dispute.amount,
                        reason=news.reason or dispute.reason))
    won = news.status in DisputeStatus.CLOSED_IN_OUR_FAVOUR
    if payment is not order.payment:
        return True, f"dispute of the duplicate payment closed: {news.status}"
    if won:
        if order.status == Status.DISPUTED:
            order.status = status_for(payment)
        return True, "dispute won" if news.status == DisputeStatus.WON else "inquiry closed"
    if news.status == DisputeStatus.LOST:
        if order.status == Status.DISPUTED or order.status in Status.REFUNDABLE:
            order.status = Status.DISPUTE_LOST
        order.dispute_reason = news.reason or order.dispute_reason
        amount = f"{news.amount} {order.currency}" if news.amount is not None else "the amount"
        return True, f"dispute lost: {amount} ({news.reason or 'no reason given'})"
    return True, f"dispute closed: {news.status}"
