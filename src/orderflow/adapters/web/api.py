"""The JSON API of SPEC §3.1-3.5."""

import json
import logging

from pyramid.view import view_config

from ...domain.catalog import Line
from ...domain.errors import ValidationFailed
from ...domain.order import new_order_id
from ...ports import Carts, Catalog, OrderRepository, PaymentGateway, SharedCommit
from ...ports.deliveries import DuplicateNotes
from ...services import (
    CheckoutSettings, get_order, get_order_by_session, retry_checkout, start_checkout,
)
from ...services.deliveries import receive_event
from .errors import json_error
from .limits import MAX_BODY_BYTES, MESSAGE as TOO_LARGE
from .presenters import order_json, product_json, started_json
from .schemas import CheckoutRequest, validate

log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    pass


def json_body(request):
    if request.content_type != "application/json":
        raise UnsupportedMediaType()
    body = read_limited(request, MAX_BODY_BYTES)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        # RecursionError: nested deeper than the parser can follow.
        raise ValidationFailed("the body is not JSON", {"body": "not JSON"}) from None


class UnsupportedMediaType(Exception):
    pass


@view_config(context=UnsupportedMediaType, path_info=r"^/api/")
def unsupported_media_type(exc, request):
    return json_error(request, 415, "unsupported_media_type", "send application/json")


@view_config(context=BodyTooLarge)
def body_too_large(exc, request):
    return json_error(request, 413, "too_large", TOO_LARGE)


@view_config(route_name="api.products", request_method="GET", renderer="json")
def products(request):
    catalog = request.find_service(Catalog)
    return {"products": [product_json(p) for p in sorted(catalog.active(), key=lambda p: p.id)]}


@view_config(route_name="api.checkout", request_method="POST", renderer="json",
             require_csrf=False)
def create_checkout_session(request):
    data = json_body(request)
    if isinstance(data, dict) and data.get("email") is None:
        data.pop("email", None)
    valid = validate(CheckoutRequest(), data)
    started = start_checkout(
        request.find_service(Catalog),
        request.find_service(OrderRepository),
        request.find_service(PaymentGateway),
        request.find_service(CheckoutSettings),
        # Kept in the environ so a retry after a conflict reuses the id, and
        # so the gateway's idempotency key, instead of opening a new session.
        request.environ.setdefault("orderflow.order_id", new_order_id()),
        [Line(item["id"], item["quantity"]) for item in valid["items"]],
        valid["email"],
        request.now,
    )
    request.response.status_int = 201
    return started_json(started)


def read_limited(request, limit):
    # A body announced as larger, or found larger while it was copied, was
    # refused before this view, unread (limits.py); this check keeps the
    # view honest without that tween. request.body (not body_file) rewinds
    # the seekable copy that pyramid_retry keeps, so a retried request reads
    # the whole body again.
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge()
    body = request.body
    if len(body) > limit:
        raise BodyTooLarge()
    return body


@view_config(route_name="api.webhook", request_method="POST", renderer="json",
             require_csrf=False)
def webhook(request):
    body = read_limited(request, MAX_BODY_BYTES)
    gateway = request.find_service(PaymentGateway)
    event = gateway.parse_webhook(body, request.headers.get("Stripe-Signature"))
    # Webhooks arriving together share one commit (adapters/zodb/group_commit.py);
    # the outcome is returned once it is committed. A repeat delivery writes
    # nothing: it is only noted (DuplicateNotes, in memory).
    outcome = receive_event(request.find_service(SharedCommit),
                            request.find_service(DuplicateNotes), event, request.now,
                            payload=body)
    log.info("webhook %s %s: %s %s", event.id, event.type, outcome.outcome,
             outcome.order_id or "")
    return {"received": True, "duplicate": outcome.duplicate}


@view_config(route_name="api.order_by_session", request_method="GET", renderer="json")
def order_by_session(request):
    order = get_order_by_session(request.find_service(OrderRepository),
                                 request.matchdict["session_id"])
    return order_json(order)


@view_config(route_name="api.order", request_method="GET", renderer="json")
def order(request):
    return order_json(get_order(request.find_service(OrderRepository),
                                request.matchdict["order_id"]))


@view_config(route_name="api.retry", request_method="POST", renderer="json",
             require_csrf=False)
def retry_session(request):
    result = retry_checkout(
        request.find_service(OrderRepository), request.find_service(PaymentGateway),
        request.find_service(CheckoutSettings), request.matchdict["order_id"], request.now,
        carts=request.find_service(Carts),
    )
    if result.refused:
        # Answered, not raised: what the gateway showed on the way (the old
        # session paid or processing) is committed with the refusal.
        return json_error(request, 409, result.refused.code, result.refused.reason)
    request.response.status_int = 201
    return started_json(result.started)
