"""The admin's refund (SPEC §10): a form on the order page, a confirmation
page that restates it, and the POST that asks the gateway.

The form and the confirmation both POST with the CSRF token and need no
JavaScript. The amount is typed in major units ("12.50") and read without
floats; the use case refuses more than what remains refundable (pending
refunds count), and the refund stays pending until the gateway confirms.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ....domain.errors import GatewayError, NotFound, Refused, ValidationFailed
from ....ports import OrderRepository, PaymentGateway
from ....ports.audit import AuditLog
from ....services import audit
from ..forms import text
from ..money import money_text
from .helpers import REASONS, page, refund_choices
from .orders import TEMPLATES, detail_values, find_order
from .security import PERMISSION


def _asked(request, order):
    """The refund the form asks for: (choice, amount in minor units, reason),
    or ValidationFailed naming the fields in plain words."""
    intent = text(request.POST, "payment_intent")
    choice = next((c for c in refund_choices(order) if c[0] == intent), None)
    if choice is None:
        raise ValidationFailed("there is nothing left to refund on that payment",
                               {"payment_intent": "nothing left to refund"})
    currency = choice[2].currency
    amount = money_text(request).parse(text(request.POST, "amount"), currency)
    reason = text(request.POST, "reason")
    fields = {}
    if amount is None or amount <= 0:
        fields["amount"] = ("an amount such as 12.50, more than nothing, with no more "
                            "decimals than the currency has")
    if reason not in REASONS:
        fields["reason"] = "choose a reason"
    if fields:
        raise ValidationFailed("the refund is not valid: " + "; ".join(fields.values()), fields)
    return choice, amount, reason


def _refused(request, order, message, status=400):
    request.response.status_int = status
    return detail_values(request, order, refund_error=message,
                         refund_form=dict(request.POST))


@view_config(route_name="admin.order_refund_confirm", request_method="POST",
             permission=PERMISSION, renderer=TEMPLATES + "refund_confirm.jinja2")
def refund_confirm(request):
    """Restate the refund; nothing is sent or written until Confirm."""
    order = find_order(request)
    try:
        (intent, label, payment, remaining), amount, reason = _asked(request, order)
    except ValidationFailed as error:
        request.override_renderer = TEMPLATES + "order.jinja2"
        return _refused(request, order, error.message)
    if amount > remaining:
        # Told now, not after a confirmation; the use case checks it again.
        request.override_renderer = TEMPLATES + "order.jinja2"
        return _refused(request, order, "That is more than what remains refundable "
                        f"({money_text(request)(remaining, payment.currency)}).")
    return page(request, order=order, payment=payment, label=label, payment_intent=intent,
                amount=amount, amount_text=text(request.POST, "amount").strip(),
                remaining=remaining, reason=reason, reason_label=REASONS[reason])


@view_config(route_name="admin.order_refund", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATES + "order.jinja2")
def refund(request):
    order = find_order(request)
    try:
        (intent, _, payment, _), amount, reason = _asked(request, order)
        audit.refund(request.find_service(OrderRepository),
                     request.find_service(PaymentGateway), request.find_service(AuditLog),
                     order.id, amount, reason, request.authenticated_userid, request.now,
                     payment_intent=intent or None)
    except ValidationFailed as error:
        return _refused(request, order, f"Not refunded: {error.message}.")
    except (Refused, NotFound) as error:
        # A rule refused it (more than remains, no payment to refund): 409.
        message = money_text(request).note(error.message)
        return _refused(request, order, f"Not refunded: {message}.", status=409)
    except GatewayError as error:
        request.response.status_int = 502
        return detail_values(request, order, refund_error=(
            f"Not refunded: the payment gateway refused or could not be reached "
            f"({error.message})."))
    shown = money_text(request)(amount, payment.currency)
    request.session.flash(f"Refund of {shown} requested: pending until Stripe confirms.")
    return HTTPSeeOther(request.route_url("admin.order", order_id=order.id))
