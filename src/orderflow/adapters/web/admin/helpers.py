"""What every admin template needs: formatting, the CSRF token, flashes."""

from pyramid.csrf import get_csrf_token

from ..money import money_text

from ....domain.refunds import RefundReason, refundable


def when(moment):
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def items_summary(order):
    return ", ".join(f"{item.quantity} × {item.title}" for item in order.items)


def flags(order):
    found = []
    if order.duplicate_payments:
        found.append("duplicate payment" + (" (needs refund)" if order.needs_refund else ""))
    if order.needs_review:
        found.append("needs review")
    if order.awaiting_payment:
        found.append("awaiting payment")
    return found


REASONS = {
    RefundReason.REQUESTED_BY_CUSTOMER: "Requested by the customer",
    RefundReason.DUPLICATE: "Duplicate payment",
    RefundReason.FRAUDULENT: "Fraudulent",
}


def refund_choices(order):
    """(payment intent or "", label, payment, what remains) of each payment
    the admin may refund: the order's own, then each duplicate payment."""
    choices = []
    if order.refundable_amount:
        own = order.refundable_payment()
        choices.append(("", "the order's payment", own, order.refundable_amount))
    for duplicate in order.duplicates_to_refund:
        choices.append((duplicate.payment_intent, "the duplicate payment",
                        duplicate, refundable(duplicate)))
    return choices


def page(request, **values):
    """The template values of an admin page, with the shared helpers."""
    values.update(
        admin=request.authenticated_userid,
        csrf_token=get_csrf_token(request),
        messages=request.session.pop_flash(),
        money=money_text(request), when=when, items_summary=items_summary, flags=flags,
    )
    return values
