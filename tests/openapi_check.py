"""Answers under /api checked against /api/openapi.json with openapi-core.

Every answer must be one the description documents for its operation
(status, content type, body, headers). A request the app accepted (2xx)
must be one the description allows too, so the description never refuses
what the app takes. A path or method it does not document must answer a
JSON error (UNDOCUMENTED_STATUSES).
"""

import json
import threading
from urllib.parse import parse_qsl, urlsplit

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_schema_validator import OAS31Validator
import webtest
from werkzeug.datastructures import Headers, ImmutableMultiDict

from orderflow.adapters.web.openapi import DOCUMENT

DESCRIPTION = json.loads(DOCUMENT)
API = OpenAPI.from_dict(DESCRIPTION)
ERROR = OAS31Validator(DESCRIPTION["components"]["schemas"]["Error"])
# The tests of concurrency check answers from several threads at once.
_lock = threading.Lock()


class OpenAPIMismatch(AssertionError):
    pass


class _Request:
    host_url = "http://localhost"

    def __init__(self, method, path, query, headers, body):
        self.method = method.lower()
        self.path = path
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(query, keep_blank_values=True, errors="replace")),
            header=Headers(list(headers)))
        self.body = body or None
        self.content_type = Headers(list(headers)).get("Content-Type", "")


class _Response:
    def __init__(self, status, headers, data):
        self.status_code = status
        self.headers = Headers(list(headers))
        self.content_type = self.headers.get("Content-Type", "")
        self.data = data


def check_exchange(method, path, query, request_headers, request_body,
                   status, response_headers, response_body):
    """Raise OpenAPIMismatch when an exchange under /api breaks the description.

    query is the raw query string; headers are (name, value) pairs; bodies are bytes.
    """
    if not path.startswith("/api/"):
        return
    request = _Request(method, path, query, request_headers, request_body)
    response = _Response(status, response_headers, response_body)
    exchange = f"{method} {path} -> {status} {response_body[:300]!r}"
    with _lock:
        try:
            API.validate_response(request, response)
        except (PathNotFound, OperationNotFound):
            _check_undocumented(exchange, response)
            return
        except Exception as error:
            raise OpenAPIMismatch(f"answer not as described: {exchange}: {error!r}"
                                  f"{_details(error)}") from error
        if 200 <= status < 300:
            try:
                API.validate_request(request)
            except Exception as error:
                raise OpenAPIMismatch(
                    f"the app accepted a request the description refuses: {exchange}: "
                    f"{error!r}{_details(error)}") from error


# What an address without an operation may answer, before or at routing: an
# address that is not UTF-8, no such path, another method, a body over the cap.
UNDOCUMENTED_STATUSES = (400, 404, 405, 413)


def _check_undocumented(exchange, response):
    if response.status_code not in UNDOCUMENTED_STATUSES:
        raise OpenAPIMismatch(f"an undocumented operation answered: {exchange}")
    if not response.content_type.startswith("application/json"):
        raise OpenAPIMismatch(f"not a JSON error: {exchange}")
    errors = list(ERROR.iter_errors(json.loads(response.data)))
    if errors:
        raise OpenAPIMismatch(f"not the JSON error shape: {exchange}: {errors[0].message}")


def _details(error):
    # openapi-core keeps the schema errors that say which field is wrong in
    # the exception's cause.
    cause = error.__cause__
    inner = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    if inner:
        return "; " + "; ".join(e.message for e in inner)
    return f"; {cause!r}" if cause is not None else ""


class CheckedTestApp(webtest.TestApp):
    """WebTest whose every answer under /api is checked against the description."""

    def do_request(self, req, status=None, expect_errors=None):
        # Read before the app does: WebTest's body is in memory and rewound.
        body = req.body
        # The environ's own strings: a path that is not UTF-8 is one to check too.
        environ = req.environ
        path = environ.get("SCRIPT_NAME", "") + environ["PATH_INFO"]
        query, headers = environ.get("QUERY_STRING", ""), list(req.headers.items())
        answer = super().do_request(req, status=status, expect_errors=expect_errors)
        check_exchange(req.method, path, query, headers, body,
                       answer.status_int, answer.headerlist, answer.body)
        return answer


def check_url_exchange(method, url, request_headers, request_body,
                       status, response_headers, response_body):
    """check_exchange for an exchange over HTTP (a served app)."""
    parts = urlsplit(url)
    check_exchange(method, parts.path, parts.query, list(request_headers.items()), request_body,
                   status, list(response_headers.items()), response_body)
