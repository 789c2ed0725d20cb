"""The log of received webhook events, newest first."""

from pyramid.view import view_config

from ....ports import EventLog
from ....ports.deliveries import DuplicateNotes
from ....ports.listings import EventListing
from ....services.deliveries import event_page
from ..forms import text
from .helpers import page
from .security import PERMISSION

# Repeat deliveries ("duplicate") write nothing (SPEC §3.3): they are noted
# in the memory of the process that answered them (services/deliveries.py).
OUTCOMES = ("applied", "duplicate", "ignored", "unmatched")
KNOWN_TYPES = (
    "checkout.session.completed", "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed", "checkout.session.expired",
    "payment_intent.payment_failed", "charge.refunded", "charge.dispute.created",
)


@view_config(route_name="admin.events", request_method="GET", permission=PERMISSION,
             renderer="orderflow:adapters/web/templates/admin/events.jinja2")
def events_log(request):
    outcome = text(request.params, "outcome")
    outcome = outcome if outcome in OUTCOMES else ""
    event_type = text(request.params, "type").strip()[:100]
    cursor = text(request.params, "cursor")[:200]
    found = event_page(
        request.find_service(EventListing), request.find_service(EventLog),
        request.find_service(DuplicateNotes),
        outcome=outcome or None, type=event_type or None, cursor=cursor or None,
    )
    return page(request, events=found.items, next_cursor=found.next_cursor,
                outcome=outcome, type=event_type, outcomes=OUTCOMES, types=KNOWN_TYPES)
