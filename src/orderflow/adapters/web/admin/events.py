"""The log of received webhook events, newest first; one event with its
payload, and "apply again" (SPEC §10)."""

import json

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ....domain.errors import NotFound, Refused
from ....ports import Carts, EventLog, OrderRepository, PaymentGateway
from ....ports.deliveries import DuplicateNotes
from ....ports.audit import AuditLog
from ....ports.listings import EventListing
from ....services import audit
from ....services.deliveries import event_page
from ....services.replay import REPLAYABLE, apply_again
from ..forms import text
from .helpers import page
from .security import PERMISSION

TEMPLATE = "orderflow:adapters/web/templates/admin/event.jinja2"

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


def pretty(payload):
    """The stored bytes as indented JSON for reading; as text if they are not JSON.

    The template escapes it (autoescape): a payload is the gateway's text,
    and may hold anything a customer typed.
    """
    text_ = payload.decode("utf-8", "replace")
    try:
        return json.dumps(json.loads(text_), indent=2, ensure_ascii=False, sort_keys=False)
    except (ValueError, RecursionError):
        return text_


def _detail(request, error=None):
    events = request.find_service(EventLog)
    event_id = request.matchdict["event_id"]
    record = events.get(event_id)
    if record is None:
        raise HTTPNotFound()
    payload = events.payload(event_id)
    return page(request, event=record, payload=None if payload is None else pretty(payload),
                payload_size=None if payload is None else len(payload),
                can_apply_again=record.outcome in REPLAYABLE and payload is not None,
                error=error)


@view_config(route_name="admin.event", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATE)
def event_detail(request):
    return _detail(request)


@view_config(route_name="admin.event_apply_again", request_method="POST",
             permission=PERMISSION, renderer=TEMPLATE)
def event_apply_again(request):
    """SPEC §10: an unmatched or ignored event through today's rules, once."""
    try:
        replay = apply_again(
            request.find_service(OrderRepository), request.find_service(EventLog),
            request.find_service(PaymentGateway), request.matchdict["event_id"],
            request.now, request.authenticated_userid, carts=request.find_service(Carts))
    except NotFound:
        raise HTTPNotFound() from None
    except Refused as refusal:
        request.response.status_int = 409
        return _detail(request, error=f"Not applied: {refusal.reason}.")
    # In the admin log too, in the same transaction as the attempt.
    audit.record(request.find_service(AuditLog), request.now, request.authenticated_userid,
                 audit.AuditAction.APPLY_AGAIN, request.matchdict["event_id"],
                 f"{replay.outcome}" + (f", order {replay.order_id}" if replay.order_id else ""))
    if replay.applied:
        request.session.flash(f"Applied to order {replay.order_id}.")
    else:
        request.session.flash(f"Applied again: nothing changed ({replay.outcome}).")
    return HTTPSeeOther(request.route_url("admin.event", event_id=request.matchdict["event_id"]))
