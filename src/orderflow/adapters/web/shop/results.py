"""The payment result pages: success (with landing-page healing) and cancel.

GETs change nothing, except that the success page of a still pending (or
failed) order first asks the gateway and applies the answer through the
webhook's rules (SPEC §3.6, Stripe's "fulfil on the landing page too").
What a page says and offers is the order's answer (domain/questions.py).
"""

import logging

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ....domain.errors import GatewayError, NotFound
from ....domain.order import CustomerView
from ....ports import Carts, OrderRepository, PaymentGateway
from ....services import CheckoutSettings, cancel_order, land, retry_checkout
from ..forms import text
from .common import TEMPLATES, page_values

log = logging.getLogger(__name__)


def not_found_page(request, message):
    request.response.status_int = 404
    return page_values(request, message=message)


def order_values(request, order, **values):
    values.setdefault("view", order.customer_view)
    return page_values(
        request, order=order, View=CustomerView,
        can_retry=order.can_retry, can_cancel=order.can_cancel, **values,
    )


@view_config(route_name="shop.success", request_method="GET",
             renderer=TEMPLATES + "success.jinja2")
def success(request):
    session_id = text(request.GET, "session_id")
    try:
        landing = land(request.find_service(OrderRepository),
                       request.find_service(PaymentGateway), session_id, request.now,
                       carts=request.find_service(Carts))
    except NotFound:
        request.override_renderer = TEMPLATES + "not_found.jinja2"
        return not_found_page(request, "We could not find a payment with this link.")
    if landing.gateway_error:
        log.warning("landing page could not ask the gateway: %s", landing.gateway_error)
    return order_values(request, landing.order, session_id=session_id, view=landing.view,
                        keep_polling=landing.keep_polling)


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

    A gateway failure shows the cancel page again with the message; nothing
    was written before it is raised.
    """
    orders = request.find_service(OrderRepository)
    order = orders.get(text(request.POST, "order_id"))
    if order is None:
        request.override_renderer = TEMPLATES + "not_found.jinja2"
        return not_found_page(request, "We could not find this order.")
    try:
        return act(orders, order)
    except GatewayError as error:
        request.response.status_int = 502
        return order_values(request, orders.get(order.id), error=error.message)


def refused_page(request, result):
    """409: the cancel page, telling the order as it is now and why not."""
    request.override_renderer = TEMPLATES + "cancel.jinja2"
    request.response.status_int = 409
    return order_values(request, result.order, error=result.refused.reason)


@view_config(route_name="shop.retry", request_method="POST",
             renderer=TEMPLATES + "cancel.jinja2")
def retry(request):
    def act(orders, order):
        result = retry_checkout(orders, request.find_service(PaymentGateway),
                                request.find_service(CheckoutSettings), order.id, request.now,
                                carts=request.find_service(Carts))
        if result.refused:
            # Paid or processing (perhaps learnt just now, and committed).
            return refused_page(request, result)
        return HTTPSeeOther(location=result.started.url)

    return _act_on_posted_order(request, act)


@view_config(route_name="shop.cancel_order", request_method="POST",
             renderer=TEMPLATES + "cancel.jinja2")
def cancel_the_order(request):
    def act(orders, order):
        result = cancel_order(orders, request.find_service(PaymentGateway), order.id,
                              request.now, carts=request.find_service(Carts))
        if result.refused:
            return refused_page(request, result)
        return HTTPSeeOther(location=request.route_url(
            "shop.cancel", _query={"order_id": order.id}))

    return _act_on_posted_order(request, act)
