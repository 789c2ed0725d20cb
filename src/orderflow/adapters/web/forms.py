"""Reading browser forms: text fields only.

A multipart form can send any field as a file upload, and WebOb then hands
out a FieldStorage where the views expect text. Every form is read through
these helpers, so such a field counts as missing (a refused login, a
required field named in a 400) or, where a schema reads the form, as
invalid with the field named: never a 500.
"""

import colander
from pyramid.csrf import LegacySessionCSRFStoragePolicy

from ...domain.errors import ValidationFailed
from .errors import first_fields

NOT_TEXT = "text expected, not a file"


def text(params, name, default=""):
    """The text of one form or query field; `default` when missing or a file."""
    value = params.get(name, default)
    return value if isinstance(value, str) else default


def read_form(schema, request):
    """The posted form through a colander schema, or ValidationFailed naming the fields.

    Only the fields the schema names are read. Surrounding spaces are
    dropped, and an empty field is missing (so the schema's default applies),
    except a quantity: an empty one is an error to show. Other blanks stay
    for the schema to judge: a browser sends no newline in a one-line field,
    and an email address ending in one must be refused, not repaired.
    """
    names = {child.name for child in schema.children}
    files = {name: NOT_TEXT for name in names
             if name in request.POST and not isinstance(request.POST[name], str)}
    if files:
        raise ValidationFailed("the form is not valid", files)
    data = {name: request.POST[name].strip(" ") for name in names if name in request.POST}
    data = {k: v for k, v in data.items() if v != "" or k == "quantity"}
    try:
        return schema.deserialize(data)
    except colander.Invalid as error:
        raise ValidationFailed(*first_fields("the form is not valid", error.asdict())) from None


class TextOnlyCSRFPolicy(LegacySessionCSRFStoragePolicy):
    """Pyramid's default CSRF storage (the token in the session), refusing a
    token sent as a file: Pyramid's own check fails on one with a 500."""

    def check_csrf_token(self, request, supplied_token):
        if not isinstance(supplied_token, (str, bytes)):
            return False
        return super().check_csrf_token(request, supplied_token)
