"""Request bodies are capped before anything reads them (SPEC §12).

pyramid_retry copies the whole body of every request before its first
attempt (a request re-run after a conflict needs it again), and that copy
happens before any tween or view runs. Its activate hook runs earlier
still, so that is where the cap starts:

- a body announced (Content-Length) as larger than the cap gets one
  attempt, so it is never copied, and the tween below answers 413 without
  reading a byte of it;
- a body without a length (chunked) is read through a reader that stops
  one byte past the cap, so no copy grows beyond it, and the tween refuses
  it by the length it turned out to have.

The cap is the same for the JSON API and the shop and admin forms: it is
checked before a form is parsed, before the CSRF check (which parses it)
too. A form's fields are counted (a byte count, no parse) before WebOb
parses them: a mebibyte of "a=1&a=2&..." takes WebOb most of a second,
and no form here has more than a dozen fields. waitress refuses larger bodies first (max_request_body_size in the
inis), and does so before reading them.
"""

import re

from pyramid.renderers import render_to_response

from .errors import json_error
from .pages_errors import TEMPLATE, error_page

# For every body: a webhook event, a checkout (fifty lines are a few KiB),
# a form (an admin's product description is the largest).
MAX_BODY_BYTES = 1024 * 1024
MESSAGE = "the body is larger than 1 MiB"
MAX_FORM_FIELDS = 100
_BOUNDARY = re.compile(r'boundary="?([^";,]+)', re.IGNORECASE)


class AtMost:
    """A WSGI input that ends after `limit` bytes, whatever is left of it."""

    def __init__(self, stream, limit):
        self.stream, self.left = stream, limit

    def read(self, size=-1):
        if size is None or size < 0 or size > self.left:
            size = self.left
        data = self.stream.read(size) if size else b""
        self.left -= len(data)
        return data


def before_the_body_is_read(request):
    """pyramid_retry's activate hook: the attempts for this request (None: as set)."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        # One attempt: pyramid_retry copies no body for it.
        return 1
    if length is None and request.is_body_readable:
        request.environ["wsgi.input"] = AtMost(request.environ["wsgi.input"],
                                               MAX_BODY_BYTES + 1)
    return None


def too_large(request):
    if request.path_info.startswith("/api/"):
        return json_error(request, 413, "too_large", MESSAGE)
    values = error_page(request, 413, "This form is too large",
                        "What you sent is larger than 1 MiB, so it was not read. "
                        "Please go back and send less.")
    return render_to_response(TEMPLATE, values, request=request, response=request.response)


def form_fields(request):
    """How many fields a form body holds, at most (0 for any other body)."""
    if request.path_info.startswith("/api/") or not request.content_length:
        return 0
    if request.content_type == "application/x-www-form-urlencoded":
        return request.body.count(b"&") + 1
    if request.content_type == "multipart/form-data":
        boundary = _BOUNDARY.search(request.headers.get("Content-Type", ""))
        return request.body.count(b"--" + boundary.group(1).encode()) if boundary else 0
    return 0


def too_many_fields(request):
    values = error_page(request, 400, "This form has too many fields",
                        f"A form here has at most {MAX_FORM_FIELDS} fields; what you sent "
                        "has more, so it was not read. Please go back and try again.")
    return render_to_response(TEMPLATE, values, request=request, response=request.response)


def body_cap_tween_factory(handler, registry):
    def tween(request):
        if request.content_length is None and request.is_body_readable:
            # A body without a length that pyramid_retry did not copy: copy it
            # now, through AtMost, so that it has one.
            request.make_body_seekable()
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return too_large(request)
        if form_fields(request) > MAX_FORM_FIELDS:
            return too_many_fields(request)
        return handler(request)

    return tween


def includeme(config):
    # pyramid_retry reads this setting when the configuration is committed,
    # after every includeme has run.
    config.get_settings()["retry.activate_hook"] = before_the_body_is_read
    # Below the undecodable-address tween (an answer here reads the path),
    # above the transaction: a refusal opens nothing.
    config.add_tween("orderflow.adapters.web.limits.body_cap_tween_factory",
                     under="orderflow.adapters.web.addresses.undecodable_address_tween_factory",
                     over="pyramid_tm.tm_tween_factory")
