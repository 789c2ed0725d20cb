"""Orders: the list, one order's whole payment story, "check with Stripe now", cancel.

Every action goes through services/audit.py, which records the admin's name."""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from ....domain.errors import GatewayError
from ....domain.order import AdminAction, Status
from ....ports import Carts, OrderRepository, PaymentGateway
from ....ports.listings import OrderListing
from ....ports.audit import AuditLog
from ....services import audit
from ..forms import text
from ..money import money_text
from .export import ClosingChunks
from .helpers import REASONS, page, refund_choices
from .mail import order_mail
from .security import PERMISSION

PAGE_SIZE = 25
TEMPLATES = "orderflow:adapters/web/templates/admin/"


def _filters(request):
    status = text(request.params, "status")
    status = status if Status.known(status) else ""
    return status, text(request.params, "q").strip()[:200]


@view_config(route_name="admin.orders", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATES + "orders.jinja2")
def orders_list(request):
    listing = request.find_service(OrderListing)
    status, query = _filters(request)
    cursor = text(request.params, "cursor")[:200]
    if query:
        found = listing.search(query, cursor=cursor or None, limit=PAGE_SIZE)
    else:
        found = listing.page(status=status or None, cursor=cursor or None, limit=PAGE_SIZE)
    orders, next_cursor = found.items, found.next_cursor
    counts = listing.status_counts()
    return page(
        request, orders=orders, status=status, query=query, cursor=cursor,
        next_cursor=next_cursor, counts=[(s, counts.get(s, 0)) for s in Status.ALL],
        total=sum(counts.values()),
    )


@view_config(route_name="admin.orders_csv", request_method="GET", permission=PERMISSION)
def orders_csv(request):
    """The filtered list as CSV (SPEC §10), streamed: rows are made while the
    server sends them, from a stream with its own database connection."""
    status, query = _filters(request)
    orders = request.find_service(OrderListing).stream(status=status or None,
                                                      query=query or None)
    return Response(
        app_iter=ClosingChunks(orders, money_text(request)), content_type="text/csv", charset="utf-8",
        content_disposition='attachment; filename="orders.csv"',
        cache_control="no-store",
    )


def find_order(request):
    order = request.find_service(OrderRepository).get(request.matchdict["order_id"])
    if order is None:
        raise HTTPNotFound("no such order")
    return order


@view_config(route_name="admin.order", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATES + "order.jinja2")
def order_detail(request):
    return detail_values(request, find_order(request))


def detail_values(request, order, error=None, refund_error=None, refund_form=None):
    actions = order.admin_actions
    return page(
        request, order=order, history=list(reversed(order.history)), error=error,
        can_cancel=AdminAction.CANCEL in actions,
        refund_choices=refund_choices(order) if AdminAction.REFUND in actions else [],
        reasons=REASONS, refund_error=refund_error, refund_form=refund_form or {},
        refunds=[(p, r) for p in (order.payment, *order.duplicate_payments) if p
                 for r in p.refunds],
        mail=order_mail(request, order.id),
    )


@view_config(route_name="admin.order_reconcile", request_method="POST", permission=PERMISSION)
def order_reconcile(request):
    order = find_order(request)
    try:
        result = audit.check_with_gateway(
            request.find_service(OrderRepository), request.find_service(PaymentGateway),
            request.find_service(AuditLog), order.id, request.authenticated_userid,
            request.now, carts=request.find_service(Carts),
        )
    except GatewayError as error:
        request.session.flash(f"Could not reach the payment gateway: {error.message}")
    else:
        if result.applied:
            message = f"Checked with the gateway: {result.from_status} → {result.to_status}."
        else:
            message = f"Checked with the gateway: nothing new, the order is {result.to_status}."
        details = "; ".join(money_text(request).note(n, order.currency) for n in result.notes)
        request.session.flash(message + (f" ({details})" if details else ""))
    return HTTPSeeOther(request.route_url("admin.order", order_id=order.id))


@view_config(route_name="admin.order_cancel", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATES + "order_cancel.jinja2")
def order_cancel_confirm(request):
    """The confirmation step before a cancel (SPEC §11): a page, no script."""
    order = find_order(request)
    if AdminAction.CANCEL not in order.admin_actions:
        request.session.flash(f"The order is {order.status} and cannot be cancelled.")
        return HTTPSeeOther(request.route_url("admin.order", order_id=order.id))
    return page(request, order=order, error=None)


@view_config(route_name="admin.order_cancel", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATES + "order.jinja2")
def order_cancel(request):
    """SPEC §2: an unpaid (pending or failed) order may be cancelled by the admin."""
    orders = request.find_service(OrderRepository)
    order = find_order(request)
    try:
        result = audit.cancel(orders, request.find_service(PaymentGateway),
                              request.find_service(AuditLog), order.id,
                              request.authenticated_userid, request.now,
                              carts=request.find_service(Carts))
    except GatewayError as error:
        request.response.status_int = 502
        return detail_values(request, orders.get(order.id), error=error.message)
    if result.refused:
        # Perhaps paid meanwhile, as the gateway just showed: that news is kept.
        request.session.flash(f"Not cancelled: {result.refused.reason}.")
    elif result.cancelled:
        request.session.flash("The order is cancelled.")
    else:
        request.session.flash(f"Nothing to cancel: {result.outcome.note}.")
    return HTTPSeeOther(request.route_url("admin.order", order_id=order.id))
