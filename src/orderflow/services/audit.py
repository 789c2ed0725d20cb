"""Admin actions with their audit entry (SPEC §10): each runs one use case
and records who did it, in the audit log and, for an order, in its history.

The views call these instead of the bare use cases, so no admin action can
forget its entry. The entry is written in the same transaction as the
action: a request that rolls back leaves neither.
"""

from ..domain.events import Source
from ..ports.audit import AuditEntry
from .checkout import cancel_order
from .reconcile import reconcile_order
from .refunds import request_refund


class AuditAction:
    CANCEL = "order.cancel"
    REFUND = "order.refund"
    CHECK = "order.check_with_stripe"
    APPLY_AGAIN = "event.apply_again"
    PRODUCT_ADD = "product.add"
    PRODUCT_EDIT = "product.edit"
    PRODUCT_ACTIVATE = "product.activate"
    PRODUCT_DEACTIVATE = "product.deactivate"


def record(audit, now, admin, action, what, note=""):
    """One entry in the audit log (for actions that have no use case here,
    such as applying a stored event again)."""
    audit.append(AuditEntry(now, admin, action, what, note))


def refund(orders, gateway, audit, order_id, amount, reason, admin, now, payment_intent=None):
    """request_refund (which names the admin in the order's history), audited.
    Its refusals raise before anything is recorded."""
    outcome = request_refund(orders, gateway, order_id, amount, reason, admin, now,
                             payment_intent=payment_intent)
    order = orders.get(order_id)
    paid = order.refundable_payment(payment_intent) or order.payment
    # Amounts in notes are data ("1250 eur"): pages format them (SPEC §11).
    money = f"{amount} {paid.currency}"
    record(audit, now, admin, AuditAction.REFUND, order_id,
           f"{money} of {paid.payment_intent} ({reason}): {outcome.note}")
    return outcome


def cancel(orders, gateway, audit, order_id, admin, now, carts=None):
    """cancel_order as the admin `admin`, audited whatever it answers."""
    result = cancel_order(orders, gateway, order_id, now, source=Source.ADMIN,
                          carts=carts, actor=admin)
    if result.refused:
        note = f"not cancelled: {result.refused.reason}"
    elif result.cancelled:
        note = "cancelled"
    else:
        note = f"nothing to cancel: {result.outcome.note}"
    record(audit, now, admin, AuditAction.CANCEL, order_id, note)
    return result


def check_with_gateway(orders, gateway, audit, order_id, admin, now, carts=None):
    """reconcile_order on the admin's demand; the order's history says who
    asked, whatever the gateway's answers changed. GatewayError propagates."""
    order = orders.get(order_id)
    result = reconcile_order(orders, gateway, order, now, carts=carts)
    order = orders.get(order_id)
    if result.applied:
        summary = f"{result.from_status} → {result.to_status}"
    else:
        summary = f"nothing new, the order is {result.to_status}"
    order.record_admin_action(now, "admin.check_with_stripe", order.status, False,
                              f"checked with Stripe by {admin}: {summary}", actor=admin)
    orders.save(order)
    record(audit, now, admin, AuditAction.CHECK, order_id, summary)
    return result


def product_changed(audit, product, admin, now, action):
    """Record a product added, edited, activated or deactivated (`action`
    says which) by services/catalog.py, with its new state."""
    record(audit, now, admin, action, product.id,
           f"{product.title}, {product.unit_amount} {product.currency}"
           f"{'' if product.active else ', inactive'}")
