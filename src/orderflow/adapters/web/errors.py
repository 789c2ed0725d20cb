"""Exceptions raised under /api become their JSON answers here.

Under /api every error is JSON: {"error": {"code", "message", "fields"}}.
Elsewhere pages_errors.py answers the same exceptions with HTML pages.
Besides these two modules, api.py answers the errors of its own body
reading (413, 415) and addresses.py an undecodable address; the storage
adapter turns its own transient errors into ports.errors' StorageBusy and
StorageUnavailable (adapters/zodb/services.py), answered here.
"""

import itertools
import logging

from pyramid.exceptions import PredicateMismatch
from pyramid.httpexceptions import HTTPException
from pyramid.view import exception_view_config, notfound_view_config

from ...domain.errors import (
    GatewayError, InvalidWebhook, NotFound, Refused, ValidationFailed,
)
from ...ports.errors import StorageBusy, StorageUnavailable
from ...ports.mail import WebhookAlerts
from .refusals import RefusalRecorder
from .routes import allowed_methods

log = logging.getLogger(__name__)

API = r"^/api/"  # pages elsewhere get HTML errors (pages_errors.py)


# An answer names at most this many fields: a request with thousands of
# wrong entries gets a short answer, as cheap to send as to read.
MAX_FIELDS = 20


def first_fields(message, fields):
    """(message, fields) with at most MAX_FIELDS fields, the message saying so."""
    if len(fields) <= MAX_FIELDS:
        return message, fields
    shown = dict(itertools.islice(fields.items(), MAX_FIELDS))
    return f"{message} (the first {MAX_FIELDS} of {len(fields)} problems)", shown


def json_error(request, status, code, message, fields=None):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    request.response.status_int = status
    request.response.content_type = "application/json"
    request.response.json_body = {"error": body}
    return request.response


@exception_view_config(ValidationFailed, path_info=API)
def validation_failed(exc, request):
    return json_error(request, 400, "invalid", *first_fields(exc.message, exc.fields))


@exception_view_config(InvalidWebhook, path_info=API)
def invalid_webhook(exc, request):
    log.warning("webhook refused: %s", exc.message)
    request.find_service(WebhookAlerts).refused(exc.message, request.now)
    # For the webhook health panel; nothing is written to the database.
    request.find_service(RefusalRecorder).note(request.now, exc.message)
    return json_error(request, 400, "invalid_webhook", exc.message)


@exception_view_config(NotFound, path_info=API)
def not_found(exc, request):
    return json_error(request, 404, "not_found", exc.message)


@exception_view_config(Refused, path_info=API)
def refused(exc, request):
    return json_error(request, 409, "conflict", exc.message)


@exception_view_config(GatewayError, path_info=API)
def gateway_error(exc, request):
    return json_error(request, 502, "gateway_error", exc.message)


# Past the last retry (the storage adapter logs the cause).


@exception_view_config(StorageBusy, path_info=API)
def busy(exc, request):
    return json_error(request, 503, "busy", "the server is busy; try again")


@exception_view_config(StorageUnavailable, path_info=API)
def database_unavailable(exc, request):
    return json_error(request, 503, "unavailable", "the database is unavailable; try again")


@notfound_view_config(path_info=r"^/api/")
def api_not_found(request):
    route = request.matched_route
    if isinstance(request.exception, PredicateMismatch) and route is not None:
        # The path exists; the method does not (e.g. a GET of the webhook).
        answer = json_error(request, 405, "method_not_allowed",
                            f"{request.method} is not allowed here")
        answer.headers["Allow"] = ", ".join(allowed_methods(request.registry, route.name))
        return answer
    return json_error(request, 404, "not_found", "no such resource")


@exception_view_config(HTTPException, path_info=r"^/api/")
def api_http_exception(exc, request):
    return json_error(request, exc.status_int, exc.title.lower().replace(" ", "_"),
                      exc.detail or exc.explanation or exc.title)


# retryable_error=False: while pyramid_retry has attempts left, a transient
# error (a conflict, a lost database) must reach it unrendered, so that it
# re-runs the request.
@exception_view_config(Exception, path_info=r"^/api/", retryable_error=False)
def api_crash(exc, request):
    log.exception("unexpected error on %s", request.path)
    return json_error(request, 500, "internal", "internal error")
