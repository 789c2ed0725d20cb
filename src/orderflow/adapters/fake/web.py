"""The development hosted-checkout page (mounted only with the fake gateway).

It plays Stripe Checkout for a person at a browser: pay, a declined card,
an async bank transfer that succeeds or fails later, or back. Every outcome
reaches the app as signed Stripe-shaped webhooks posted by the Courier.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ...ports import OrderRepository, PaymentGateway
from ..web.forms import text
from ..web.money import money_text
from ..web.services import process_service
from .courier import Courier
from .gateway import HOSTED_PATH

TEMPLATE = "orderflow:adapters/fake/templates/checkout.jinja2"
ACTIONS = ("pay", "decline", "bank_transfer", "async_fails", "back")


def includeme(config):
    settings = config.get_settings()
    origin = settings["orderflow.public_origin"].rstrip("/")
    courier = config.registry["orderflow.dev_courier"] = Courier(
        f"{origin}/api/payments/webhook", float(settings["orderflow.dev_delivery_delay"]),
    )

    def wire_courier():
        # What the app itself asks of the gateway (a refund) reaches the
        # webhook as Stripe's events would, after the same delay. An action,
        # so that it runs once the composition root's registration of the
        # gateway (itself an action) has.
        gateway = process_service(config.registry, PaymentGateway)
        gateway.deliver_to = lambda deliveries: courier.later(lambda: deliveries)

    config.action(None, wire_courier, order=1)
    config.add_route("dev.checkout", HOSTED_PATH + "{session_id}")
    config.scan(__name__)


def _page(request, session, status=200, notice=None):
    order = request.find_service(OrderRepository).by_session(session["id"])
    request.response.status_int = status
    return {"session": session, "order": order, "notice": notice, "money": money_text(request)}


def _session(request):
    # The FakeGateway itself, as registered for the port (this page plays it).
    gateway = request.find_service(PaymentGateway)
    return gateway.sessions.get(request.matchdict["session_id"])


def _no_session(request):
    # An unknown link, or a session the in-memory gateway (the tests') forgot
    # at a restart; development keeps them in a file (persistence.py).
    request.response.status_int = 404
    return {"session": None, "order": None, "notice": None, "money": money_text(request)}


def _success_url(session):
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])


@view_config(route_name="dev.checkout", request_method="GET", renderer=TEMPLATE)
def hosted_checkout(request):
    session = _session(request)
    if session is None:
        return _no_session(request)
    notice = None
    if text(request.GET, "declined"):
        notice = "Your card was declined. Try again, or use another payment method."
    return _page(request, session, notice=notice)


@view_config(route_name="dev.checkout", request_method="POST", renderer=TEMPLATE)
def hosted_checkout_action(request):
    session = _session(request)
    if session is None:
        return _no_session(request)
    action = text(request.POST, "action")
    if action == "back":
        return HTTPSeeOther(location=session["cancel_url"])
    if action not in ACTIONS or session["status"] != "open":
        return _page(request, session, status=409,
                     notice=f"This checkout session is {session['status']}; it cannot be paid here.")
    gateway = request.find_service(PaymentGateway)
    courier = request.registry["orderflow.dev_courier"]
    sid = session["id"]
    if action == "pay":
        # As at Stripe, the session is complete (and paid) before the
        # customer is sent to the success page, which can learn it there;
        # only the webhook comes a moment later.
        deliveries = gateway.pay(sid)
        courier.later(lambda: deliveries)
    elif action == "decline":
        deliveries = gateway.decline(sid)
        courier.later(lambda: deliveries)
        return HTTPSeeOther(location=request.route_url(
            "dev.checkout", session_id=sid, _query={"declined": "1"}))
    else:
        deliveries = gateway.pay_async(sid)
        courier.later(lambda: deliveries)
        succeeded = action == "bank_transfer"
        courier.later(lambda: gateway.settle_async(sid, succeeded=succeeded))
    return HTTPSeeOther(location=_success_url(session))
