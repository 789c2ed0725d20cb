"""A request whose address is not UTF-8 gets a 400 before anything reads it.

WebOb decodes the path and the query string as UTF-8 when something first
reads them: a route, a view, or the path_info predicate of an exception
view. A byte that does not decode (`/%ff`, `?q=%ff`) raised there, and
again in every error view that looked at the path, so the request ended as
the server's bare text 500. This tween, above all others, answers first:
JSON under /api/ like every API error (errors.py), a plain HTML page
elsewhere. Neither touches the database.
"""

from urllib.parse import unquote_to_bytes

from pyramid.renderers import render_to_response

from .errors import json_error
from .pages_errors import TEMPLATE, error_page

MESSAGE = "the address is not valid UTF-8"


def decodes(environ):
    """Whether PATH_INFO and the query string decode as WebOb will decode them."""
    try:
        # PEP 3333: the server hands over the bytes as latin-1 text.
        environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        query = environ.get("QUERY_STRING", "").encode("latin-1")
        unquote_to_bytes(query.replace(b"+", b" ")).decode("utf-8")
    except UnicodeError:
        return False
    return True


def refusal(request):
    if request.environ.get("PATH_INFO", "").startswith("/api/"):
        return json_error(request, 400, "invalid", MESSAGE)
    values = error_page(request, 400, "This address is not valid",
                        "Part of this address cannot be read (it is not valid UTF-8). "
                        "Please check the link you followed.")
    return render_to_response(TEMPLATE, values, request=request, response=request.response)


def undecodable_address_tween_factory(handler, registry):
    def tween(request):
        if not decodes(request.environ):
            return refusal(request)
        return handler(request)

    return tween
