"""The failure rules (SPEC §2): a payment that fails, a session that expires.

A failure concerns only the attempt in progress: news of an earlier
session, or from before the current one began, changes nothing.
"""

from .order_parts import Failure, SessionStatus, Status


def payment_failed(order, event, now):
    session = order.session(event.session_id) if event.session_id else None
    if session is not None:
        # A failure naming a session (async_payment_failed, or the gateway
        # asked now) is that completed session's final word.
        if session.payment_failed:
            return False, "ignored: this session's failure is already recorded"
        session.payment_failed = True
        session.state = SessionStatus.COMPLETE
    if order.status not in Status.UNSETTLED:
        return False, f"ignored: no regression, the order is {order.status}"
    stale = stale_failure(order, event, session)
    if stale:
        return False, f"ignored: {stale}"
    order.stop_awaiting()
    order.status = Status.FAILED
    order.failure = Failure(
        code=event.failure_code or "payment_failed",
        reason=event.failure_reason or "The payment was not completed.",
    )
    return True, f"failed: {order.failure.reason}"


def session_expired(order, event, now):
    current = order.session_id
    order.mark_session(event.session_id, SessionStatus.EXPIRED)
    if event.session_id != current:
        return False, "ignored: an earlier session expired"
    if order.status not in Status.UNSETTLED or order.awaiting_payment:
        return False, f"ignored: no regression, the order is {order.status}"
    order.status = Status.EXPIRED
    return True, "expired"


def stale_failure(order, event, session):
    """Why a failure does not concern the attempt in progress, or None."""
    current = order.current_session
    if session is not None and session is not current:
        return "an earlier session's payment failed"
    # payment_intent.payment_failed names no session: its time places it.
    # Stripe's times are whole seconds, ours are not, hence the rounding.
    if event.session_id is None and event.created is not None:
        if current is not None and event.created < int(current.created_at.timestamp()):
            return "a failure from before the current session"
        if (order.awaiting_payment and order.awaiting_since is not None
                and event.created <= order.awaiting_since):
            # A card declined before the customer switched to an async
            # method in the same session (same intent). In the same second
            # too: switching takes longer, and a real failure of the
            # processing payment also comes as async_payment_failed.
            return "a decline from before the payment started processing"
    if (order.awaiting_payment and order.awaiting_intent and event.payment_intent
            and event.payment_intent != order.awaiting_intent):
        return "an earlier attempt failed; a payment is still processing"
    return None
