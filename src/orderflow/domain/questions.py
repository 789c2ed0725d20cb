"""The questions that pages, views and scripts ask an order.

Can it be retried, cancelled, refunded (and for how much); should a page
keep polling; what does a customer see; which actions does an admin get.
Adapters ask these, never compare statuses, so that a rule changed here
changes every page that depends on it. A mixin of `Order` (domain/order.py).
"""

from . import refunds
from .errors import CancelRefused, RetryRefused
from .order_parts import AdminAction, CustomerView, SessionStatus, Status

PROCESSING = "a payment for this order is already processing"


class OrderQuestions:
    @property
    def unsettled(self):
        """Not paid yet and not closed: the gateway may know more than we do."""
        return self.status in Status.UNSETTLED

    @property
    def settled(self):
        """Money has arrived: nothing takes the order back to unpaid."""
        return self.status in Status.SETTLED

    @property
    def needs_review(self):
        return self.status == Status.NEEDS_REVIEW or self.review_reason is not None

    def retry_refusal(self):
        """Why no new checkout session may be opened (a RetryRefused), or None."""
        if self.awaiting_payment:
            return RetryRefused(PROCESSING)
        if self.status not in Status.RETRYABLE:
            return RetryRefused(self._paid_reason())
        return None

    @property
    def can_retry(self):
        return self.retry_refusal() is None

    def check_can_retry(self):
        refusal = self.retry_refusal()
        if refusal is not None:
            raise refusal

    def cancel_refusal(self):
        """Why a cancel is refused (a CancelRefused), or None.

        None for an expired order too: nothing can pay it any more, which is
        what a cancel wants (a cancel re-run after its own session's expiry
        webhook committed first, say), so the cancel answers as done.
        """
        if self.awaiting_payment:
            return CancelRefused(PROCESSING)
        if self.status in Status.SETTLED:
            return CancelRefused(self._paid_reason())
        if self.status == Status.CANCELLED:
            return CancelRefused("the order is cancelled already")
        return None

    @property
    def can_cancel(self):
        """Whether to offer "cancel": an order that a payment could still reach."""
        return self.status in Status.CANCELLABLE and self.cancel_refusal() is None

    @property
    def refundable_amount(self):
        """What may still go back to the customer, in minor units; 0 if none.
        Refunds still pending at the gateway count as gone."""
        payment = self.refundable_payment()
        return refunds.refundable(payment) if payment is not None else 0

    def refundable_payment(self, payment_intent=None):
        """The payment an admin may refund: the duplicate payment that
        `payment_intent` names, or else the order's own payment while the
        order is paid or partly refunded; None if there is none."""
        own = self.payment
        if payment_intent and (own is None or payment_intent != own.payment_intent):
            return next((p for p in self.duplicate_payments
                         if p.payment_intent == payment_intent), None)
        return own if self.status in Status.REFUNDABLE else None

    @property
    def duplicates_to_refund(self):
        """The duplicate payments with money still to give back."""
        return tuple(p for p in self.duplicate_payments if refunds.refundable(p) > 0)

    @property
    def admin_actions(self):
        """The AdminAction values the order page offers."""
        actions = [AdminAction.RECONCILE]
        if self.can_cancel:
            actions.append(AdminAction.CANCEL)
        if self.refundable_amount or self.duplicates_to_refund:
            actions.append(AdminAction.REFUND)
        return tuple(actions)

    @property
    def customer_view(self):
        """What a customer page says about the payment (a CustomerView)."""
        if self.status == Status.NEEDS_REVIEW:
            return CustomerView.IN_REVIEW
        if self.status in Status.RECEIVED:
            return CustomerView.PAID
        return {
            Status.FAILED: CustomerView.FAILED,
            Status.CANCELLED: CustomerView.CANCELLED,
            Status.EXPIRED: CustomerView.EXPIRED,
        }.get(self.status, CustomerView.CONFIRMING)

    def keep_polling(self, session_id, gateway_state=None):
        """Should the success page of `session_id` say "confirming" and poll?

        `gateway_state` is what the gateway said about that session just
        now (None: it could not be asked). The gateway sends the customer
        to the success page only once the session is complete, so a failed
        order whose current session completed with a payment (paid or
        processing) is being paid, whatever an earlier decline said: the
        page polls until a webhook or the gateway settles it. A failure is
        final only while the session is still open (the customer may pay
        again on the same page) or once it can no longer be paid (SPEC §11).
        """
        if self.status == Status.PENDING:
            return True
        if self.status != Status.FAILED or session_id != self.session_id:
            return False
        current = self.current_session
        if current.payment_failed or current.state == SessionStatus.EXPIRED:
            return False
        if gateway_state is None:
            # Not known, and the customer came back from the payment page:
            # the payment may well have gone through.
            return True
        return gateway_state.completed_with_payment

    def landing_view(self, session_id, gateway_state=None):
        """The CustomerView of the success page (see keep_polling)."""
        if self.keep_polling(session_id, gateway_state):
            return CustomerView.CONFIRMING
        return self.customer_view

    def _paid_reason(self):
        if self.status == Status.NEEDS_REVIEW:
            return "a payment for this order was received and is under review"
        words = self.status.replace("_", " ")
        return f"a payment for this order is already completed: the order is {words}"
