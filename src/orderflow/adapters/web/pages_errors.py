"""HTML error pages for everything outside /api/.

The JSON API keeps its own answers (errors.py, matched by path_info ^/api/);
these views match only paths that do not start with /api/. They render a
plain page from templates/error.jinja2, which extends base.jinja2 rather
than shop_base.jinja2: an error page must not read the database (it may be
the very thing that failed).
"""

import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPException
from pyramid.view import exception_view_config, notfound_view_config

from ...domain.errors import DomainError, GatewayError, NotFound, Refused, ValidationFailed
from ...ports.errors import StorageBusy, StorageUnavailable

log = logging.getLogger(__name__)

TEMPLATE = "orderflow:adapters/web/templates/error.jinja2"
# Any path but /api/...: a negative lookahead keeps the API's JSON views alone.
PAGES = r"^/(?!api/)"


def error_page(request, status, title, message, retry_hint=False):
    request.response.status_int = status
    request.response.content_type = "text/html"
    return {"status": status, "title": title, "message": message, "retry_hint": retry_hint}


@exception_view_config(BadCSRFToken, path_info=PAGES, renderer=TEMPLATE)
def form_expired(exc, request):
    return error_page(
        request, 400, "Your form expired",
        "Your form expired; go back, reload and try again. "
        "(Its security token, the CSRF token, was missing or out of date.)",
    )


# A rule's refusal that a page did not handle itself: its message is ours
# and safe to show (escaped, like all text).
DOMAIN_ERRORS = {
    ValidationFailed: (400, "Please check your input"),
    NotFound: (404, "Not found"),
    Refused: (409, "That cannot be done now"),
    GatewayError: (502, "The payment service is not answering"),
}


@exception_view_config(DomainError, path_info=PAGES, renderer=TEMPLATE)
def domain_error(exc, request):
    status, title = next((answer for kind, answer in DOMAIN_ERRORS.items()
                          if isinstance(exc, kind)), (400, "That did not work"))
    return error_page(request, status, title, getattr(exc, "message", str(exc)),
                      retry_hint=status == 502)


@notfound_view_config(path_info=PAGES, renderer=TEMPLATE)
def page_not_found(request):
    return error_page(request, 404, "Page not found",
                      "There is no page at this address. Please check the link you followed.")


# Past the last retry (the storage adapter logs the cause).


@exception_view_config(StorageBusy, path_info=PAGES, renderer=TEMPLATE)
def busy(exc, request):
    return error_page(request, 503, "The shop is busy",
                      "The shop is very busy right now and could not finish your request. "
                      "Nothing was charged. Please try again in a moment.", retry_hint=True)


@exception_view_config(StorageUnavailable, path_info=PAGES, renderer=TEMPLATE)
def unavailable(exc, request):
    return error_page(request, 503, "Temporarily unavailable",
                      "The shop is temporarily unavailable. "
                      "Nothing was charged. Please try again in a moment.", retry_hint=True)


# retryable_error=False: while pyramid_retry has attempts left, a transient
# error (a conflict, a lost database) must reach it unrendered, so that it
# re-runs the request.
@exception_view_config(Exception, path_info=PAGES, retryable_error=False, renderer=TEMPLATE)
def crash(exc, request):
    if isinstance(exc, HTTPException):
        # A raised redirect, 403 and the like is an answer, not a crash.
        return exc
    log.exception("unexpected error on %s", request.path)
    return error_page(request, 500, "Something went wrong",
                      "Something went wrong on our side and your request was not completed. "
                      "Please try again; if it keeps happening, come back a little later.",
                      retry_hint=True)
