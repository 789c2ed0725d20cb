"""Stripe's refund and dispute events, translated into the domain's words
(SPEC §8): refunds by id, a charge's refunded total, disputes to their end.

Every field is read type-safely: a signed event of the wrong shape is
translated into less news (or none), never into an exception.
"""

from ...domain.disputes import DisputeNews
from ...domain.events import EventKind
from ...domain.money import is_currency
from ...domain.refunds import RefundNews, RefundStatus


def _int(value):
    # Amounts and times are never negative; bool is not an int here.
    return value if type(value) is int and value >= 0 else None


def _currency(value):
    return value if is_currency(value) else None


def _str(value):
    return value if isinstance(value, str) and value else None


def _id(value):
    return _str(value.get("id") if isinstance(value, dict) else value)


def _order_id(obj):
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        return _str(metadata.get("order_id"))
    return None


def refund_news(obj):
    """A RefundNews from a Stripe Refund (a dict), or None if it is not one."""
    if not isinstance(obj, dict):
        return None
    refund_id, amount, status = _id(obj.get("id")), _int(obj.get("amount")), obj.get("status")
    if refund_id is None or amount is None or status not in RefundStatus.ALL:
        return None
    return RefundNews(refund_id, amount, status, created=_int(obj.get("created")),
                      reason=_str(obj.get("reason")),
                      failure_reason=_str(obj.get("failure_reason")))


def _charge_refunds(obj):
    """A charge's `refunds` list, when Stripe sent it (older API versions,
    or expanded)."""
    refunds = obj.get("refunds")
    data = refunds.get("data") if isinstance(refunds, dict) else None
    if not isinstance(data, list):
        return ()
    return tuple(news for news in map(refund_news, data) if news is not None)


def charge_refunded(obj):
    return EventKind.REFUNDED, dict(
        order_id=_order_id(obj),
        payment_intent=_id(obj.get("payment_intent")),
        amount=_int(obj.get("amount")),
        currency=_currency(obj.get("currency")),
        amount_refunded=_int(obj.get("amount_refunded")),
        refunds=_charge_refunds(obj),
    )


def refund_changed(obj):
    news = refund_news(obj)
    if news is None:
        return EventKind.UNHANDLED, dict(order_id=_order_id(obj))
    return EventKind.REFUND_CHANGED, dict(
        order_id=_order_id(obj),
        payment_intent=_id(obj.get("payment_intent")),
        currency=_currency(obj.get("currency")),
        refunds=(news,),
    )


def _dispute(kind):
    def translate(obj):
        dispute_id = _id(obj.get("id"))
        if dispute_id is None:
            return EventKind.UNHANDLED, dict(order_id=_order_id(obj))
        return kind, dict(
            order_id=_order_id(obj),
            payment_intent=_id(obj.get("payment_intent")),
            amount=_int(obj.get("amount")),
            currency=_currency(obj.get("currency")),
            failure_reason=_str(obj.get("reason")),
            dispute=DisputeNews(dispute_id, _int(obj.get("amount")), _str(obj.get("reason")),
                                _str(obj.get("status"))),
        )
    return translate


TRANSLATORS = {
    "charge.refunded": charge_refunded,
    "refund.created": refund_changed,
    "refund.updated": refund_changed,
    "refund.failed": refund_changed,
    "charge.refund.updated": refund_changed,
    "charge.dispute.created": _dispute(EventKind.DISPUTE_OPENED),
    "charge.dispute.updated": _dispute(EventKind.DISPUTE_UPDATED),
    "charge.dispute.funds_withdrawn": _dispute(EventKind.DISPUTE_UPDATED),
    "charge.dispute.funds_reinstated": _dispute(EventKind.DISPUTE_UPDATED),
    "charge.dispute.closed": _dispute(EventKind.DISPUTE_CLOSED),
}
