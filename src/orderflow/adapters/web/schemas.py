"""colander schemas for JSON input; their errors name the field."""

import colander

from ...domain.cart import MAX_LINES, MAX_QUANTITY
from ...domain.errors import ValidationFailed


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


class Item(colander.MappingSchema):
    # Anything else an item carries (a price, a title) is ignored:
    # prices come from the catalog.
    id = colander.SchemaNode(colander.String(), validator=colander.Length(1, 64))
    quantity = colander.SchemaNode(StrictInt(), validator=colander.Range(1, MAX_QUANTITY))

    def __init__(self, *args, **kw):
        super().__init__(colander.Mapping(unknown="ignore"), *args, **kw)


class Items(colander.SequenceSchema):
    item = Item()


class CheckoutRequest(colander.MappingSchema):
    items = Items(validator=colander.Length(1, MAX_LINES,
                                            min_err="at least one item",
                                            max_err=f"at most {MAX_LINES} lines"))
    email = colander.SchemaNode(
        colander.String(), validator=colander.All(colander.Length(max=254), colander.Email()),
        missing=None,
    )


def validate(schema, data):
    """The deserialized data, or ValidationFailed with every field's error."""
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", {"body": "not an object"})
    try:
        return schema.deserialize(data)
    except colander.Invalid as error:
        fields = {key or "body": text for key, text in error.asdict().items()}
        raise ValidationFailed("the request is not valid", fields) from None
