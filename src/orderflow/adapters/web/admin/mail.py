"""An order's messages on its admin page, and "send again" for a failed one."""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ....ports.mail import Outbox
from ....services.alerts import retry_message
from ..forms import text
from .security import PERMISSION


def order_mail(request, order_id):
    """The order's messages for its page, oldest first."""
    return request.find_service(Outbox).of_order(order_id)


@view_config(route_name="admin.order_mail_retry", request_method="POST", permission=PERMISSION)
def order_mail_retry(request):
    order_id = request.matchdict["order_id"]
    key = text(request.POST, "key")
    outbox = request.find_service(Outbox)
    found = outbox.get(key)
    if found is None or found[0].order_id != order_id:
        raise HTTPNotFound("no such message for this order")
    if retry_message(outbox, key, request.now):
        request.session.flash(f"The {found[0].kind.replace('_', ' ')} message is queued again.")
    else:
        request.session.flash(f"Not queued again: the message is {found[0].state}.")
    return HTTPSeeOther(request.route_url("admin.order", order_id=order_id))
