"""The payment result pages: success (with landing-page healing) and cancel.

GETs change nothing, except that the success page of a still pending (or
failed) order first asks the gateway and applies the answer through the
webhook's rules (SPEC §3.6, Stripe's "fulfil on the landing page too").
"""

import logging

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ....domain.errors import GatewayError, NotFound, Refused
from ....domain.events import Source
from ....domain.order import Status
from ....ports import Carts, OrderRepository, PaymentGateway
from ....services import CheckoutSettings, cancel_order, retry_checkout, sync_session
from ..forms import text
from .common import TEMPLATES, page_values

log = logging.getLogger(__name__)


def not_found_page(request, message):
    request.response.status_int = 404
    return page_values(request, message=message)


def order_values(request, order, **values):
    return page_values(
        request, order=order, Status=Status,
        can_retry=order.status in Status.RETRYABLE and not order.awaiting_payment,
        can_cancel=order.status in Status.CANCELLABLE and not order.awaiting_payment,
        **values,
    )


@view_config(route_name="shop.success", request_method="GET",
             renderer=TEMPLATES + "success.jinja2")
def success(request):
    session_id = text(request.GET, "session_id")
    orders = request.find_service(OrderRepository)
    order = orders.by_session(session_id) if session_id else None
    if order is None:
        request.override_renderer = TEMPLATES + "not_found.jinja2"
        return not_found_page(request, "We could not find a payment with this link.")
    # A failed order asks too: a declined card leaves the session open, and
    # the next card may have paid it before its webhook arrives.
    if order.status in (Status.PENDING, Status.FAILED):
        try:
            sync_session(orders, request.find_service(PaymentGateway), order, session_id,
                         Source.LANDING_PAGE, request.now, carts=request.find_service(Carts))
        except (GatewayError, NotFound) as error:
            # The webhook or the polling below will bring the news instead.
            log.warning("landing page could not ask the gateway: %s", error.message)
    return order_values(request, order, session_id=session_id)


@view_config(route_name="shop.cancel", request_method="GET",
             renderer=TEMPLATES + "cancel.jinja2")
def cancel(request):
    order = request.find_service(OrderRepository).get(text(request.GET, "order_id"))
    if order is None:
        request.override_renderer = TEMPLATES + "not_found.jinja2"
        return not_found_page(request, "We could not find this order.")
    return order_values(request, order, error=None)


def _act_on_posted_order(request, act):
    """Run `act(orders, order)` for the order of a cancel-page form.

    A refusal or a gateway failure shows the cancel page again with the
    message; nothing was written before either is raised.
    """
    orders = request.find_service(OrderRepository)
    order = orders.get(text(request.POST, "order_id"))
    if order is None:
        request.override_renderer = TEMPLATES + "not_found.jinja2"
        return not_found_page(request, "We could not find this order.")
    try:
        return act(orders, order)
    except (Refused, GatewayError) as error:
        request.response.status_int = 409 if isinstance(error, Refused) else 502
        return order_values(request, orders.get(order.id), error=error.message)


@view_config(route_name="shop.retry", request_method="POST",
             renderer=TEMPLATES + "cancel.jinja2")
def retry(request):
    def act(orders, order):
        started = retry_checkout(orders, request.find_service(PaymentGateway),
                                 request.find_service(CheckoutSettings), order.id, request.now,
                                 carts=request.find_service(Carts))
        if started is None:
            # Paid (or processing) meanwhile: that news is committed; show it.
            return HTTPSeeOther(location=request.route_url(
                "shop.success", _query={"session_id": orders.get(order.id).session_id}))
        return HTTPSeeOther(location=started.url)

    return _act_on_posted_order(request, act)


@view_config(route_name="shop.cancel_order", request_method="POST",
             renderer=TEMPLATES + "cancel.jinja2")
def cancel_the_order(request):
    def act(orders, order):
        cancel_order(orders, request.find_service(PaymentGateway), order.id, request.now,
                     carts=request.find_service(Carts))
        return HTTPSeeOther(location=request.route_url(
            "shop.cancel", _query={"order_id": order.id}))

    return _act_on_posted_order(request, act)
