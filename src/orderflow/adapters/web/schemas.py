"""colander schemas for JSON input; their errors name the field.

The work a request causes stays bounded: a list's length is checked before
any of its entries is looked at, and every message is fixed text (colander's
own messages quote the value, which may be most of a mebibyte).
"""

import re

import colander

from ...domain.cart import MAX_LINES, MAX_QUANTITY
from ...domain.errors import ValidationFailed

MAX_ID = 64
MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321 with its errata)
# colander's pattern, matched whole: its trailing "$" also accepts a final
# newline, which would reach Stripe (and a mail header) as part of the address.
_EMAIL = re.compile(colander.EMAIL_RE)


class StrictInt(colander.SchemaType):
    """A JSON integer, nothing else: no "2", no 2.5, no true."""

    def serialize(self, node, appstruct):
        return colander.null if appstruct is colander.null else appstruct

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if type(cstruct) is not int:
            raise colander.Invalid(node, "must be an integer")
        return cstruct


class Text(colander.String):
    """A JSON string, nothing else ("" counts as missing, as with colander.String)."""

    def deserialize(self, node, cstruct):
        if cstruct is not colander.null and not isinstance(cstruct, str):
            raise colander.Invalid(node, "must be a string")
        return super().deserialize(node, cstruct)


class Object(colander.Mapping):
    """A JSON object; keys the schema does not name are ignored."""

    def __init__(self):
        super().__init__(unknown="ignore")

    def deserialize(self, node, cstruct):
        if cstruct is not colander.null and not isinstance(cstruct, dict):
            raise colander.Invalid(node, "must be an object")
        return super().deserialize(node, cstruct)


class BoundedList(colander.Sequence):
    """A JSON array of `least`..`most` entries, counted before any is read."""

    def __init__(self, least, most, too_few, too_many):
        super().__init__()
        self.least, self.most = least, most
        self.too_few, self.too_many = too_few, too_many

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, list):
            raise colander.Invalid(node, "must be a list")
        if len(cstruct) < self.least:
            raise colander.Invalid(node, self.too_few)
        if len(cstruct) > self.most:
            raise colander.Invalid(node, self.too_many)
        return super().deserialize(node, cstruct)


def quantity(node, value):
    if not 1 <= value <= MAX_QUANTITY:
        raise colander.Invalid(node, f"a whole number from 1 to {MAX_QUANTITY}")


def email_address(node, value):
    """An address Stripe and a mail header can carry: no CR, LF or trailing newline."""
    if len(value) > MAX_EMAIL:
        raise colander.Invalid(node, f"at most {MAX_EMAIL} characters")
    if not _EMAIL.fullmatch(value):
        raise colander.Invalid(node, "not an email address")


def without_spaces_around(value):
    # Surrounding spaces (a pasted address) are dropped; any other blank
    # (CR, LF, a tab) is left for email_address to refuse.
    return value.strip(" ") if isinstance(value, str) else value


class Item(colander.MappingSchema):
    # Anything else an item carries (a price, a title) is ignored:
    # prices come from the catalog.
    id = colander.SchemaNode(Text(), validator=colander.Length(1, MAX_ID))
    quantity = colander.SchemaNode(StrictInt(), validator=quantity)

    def __init__(self, *args, **kw):
        super().__init__(Object(), *args, **kw)


class Items(colander.SequenceSchema):
    item = Item()

    def __init__(self, *args, **kw):
        super().__init__(BoundedList(1, MAX_LINES, "at least one item",
                                     f"at most {MAX_LINES} lines"), *args, **kw)


class CheckoutRequest(colander.MappingSchema):
    items = Items()
    email = colander.SchemaNode(Text(), preparer=without_spaces_around,
                                validator=email_address, missing=None)


def validate(schema, data):
    """The deserialized data, or ValidationFailed with every field's error."""
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", {"body": "not an object"})
    try:
        return schema.deserialize(data)
    except colander.Invalid as error:
        fields = {key or "body": text for key, text in error.asdict().items()}
        raise ValidationFailed("the request is not valid", fields) from None
