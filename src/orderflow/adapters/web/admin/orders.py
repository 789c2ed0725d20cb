"""Orders: the list, one order's whole payment story, "check with Stripe now", cancel."""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ....domain.errors import GatewayError
from ....domain.events import Source
from ....domain.order import AdminAction, Status
from ....ports import Carts, OrderRepository, PaymentGateway
from ....ports.listings import OrderListing
from ....services import cancel_order
from ....services.reconcile import reconcile_order
from ..forms import text
from ..money import money_text
from .helpers import page
from .mail import order_mail
from .security import PERMISSION

PAGE_SIZE = 25
TEMPLATES = "orderflow:adapters/web/templates/admin/"


@view_config(route_name="admin.orders", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATES + "orders.jinja2")
def orders_list(request):
    listing = request.find_service(OrderListing)
    status = text(request.params, "status")
    status = status if Status.known(status) else ""
    query = text(request.params, "q").strip()[:200]
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


def _order(request):
    order = request.find_service(OrderRepository).get(request.matchdict["order_id"])
    if order is None:
        raise HTTPNotFound("no such order")
    return order


@view_config(route_name="admin.order", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATES + "order.jinja2")
def order_detail(request):
    return detail_values(request, _order(request))


def detail_values(request, order, error=None):
    return page(
        request, order=order, history=list(reversed(order.history)), error=error,
        can_cancel=AdminAction.CANCEL in order.admin_actions,
        mail=order_mail(request, order.id),
    )


@view_config(route_name="admin.order_reconcile", request_method="POST", permission=PERMISSION)
def order_reconcile(request):
    order = _order(request)
    try:
        result = reconcile_order(
            request.find_service(OrderRepository), request.find_service(PaymentGateway),
            order, request.now, carts=request.find_service(Carts),
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
    order = _order(request)
    if AdminAction.CANCEL not in order.admin_actions:
        request.session.flash(f"The order is {order.status} and cannot be cancelled.")
        return HTTPSeeOther(request.route_url("admin.order", order_id=order.id))
    return page(request, order=order, error=None)


@view_config(route_name="admin.order_cancel", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATES + "order.jinja2")
def order_cancel(request):
    """SPEC §2: an unpaid (pending or failed) order may be cancelled by the admin."""
    orders = request.find_service(OrderRepository)
    order = _order(request)
    try:
        result = cancel_order(orders, request.find_service(PaymentGateway), order.id,
                              request.now, source=Source.ADMIN,
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
