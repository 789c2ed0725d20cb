"""GET /api/openapi.json: the JSON API described in OpenAPI 3.1 (SPEC §12).

The description is a checked-in file next to this module, served as it is.
The tests keep it true: every JSON answer of the functional tests is
validated against it, and schemathesis fuzzes the running app with it.
"""

from importlib import resources

from pyramid.response import Response
from pyramid.view import view_config

# Read once: the file ships with the package and never changes at run time.
DOCUMENT = resources.files(__package__).joinpath("openapi.json").read_bytes()


@view_config(route_name="api.openapi", request_method="GET")
def openapi_document(request):
    return Response(body=DOCUMENT, content_type="application/json", charset="utf-8")
