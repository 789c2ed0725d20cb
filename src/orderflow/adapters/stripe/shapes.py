"""Typed reads from a signed Stripe event's JSON.

A signature proves who sent a body, not that it is shaped as Stripe shapes
its events. Every field the translator reads goes through a Fields reader:
null or absent is None, a value of the expected kind is returned, and
anything else refuses the delivery (400, nothing stored) naming the field,
instead of failing further in with a 500 that Stripe would retry for days.
"""

from ...domain.errors import InvalidWebhook
from ...domain.money import is_currency

# Stripe's own limit for a metadata value; its ids are shorter. This keeps
# a megabyte-long "id" out of the indexes and the event log.
MAX_ID = 500
# Texts kept for people (a decline message, a dispute reason) are cut here.
MAX_TEXT = 500
# Amounts and times are integers; Stripe's fit in 64 bits.
MAX_INT = 2 ** 63 - 1


def not_an_event(path, what):
    return InvalidWebhook(f"the body is not a Stripe event: {path} is not {what}")


def _is_id(value):
    return isinstance(value, str) and len(value) <= MAX_ID


def _is_count(value):
    # bool is an int subclass; true is not an amount.
    return type(value) is int and 0 <= value <= MAX_INT


class Fields:
    """One JSON object of an event, `path` naming it in refusals."""

    def __init__(self, obj, path):
        self.obj, self.path = obj, path

    def _read(self, name, fits, what):
        value = self.obj.get(name)
        if value is None or fits(value):
            return value
        raise not_an_event(f"{self.path}.{name}", what)

    def id(self, name):
        return self._read(name, _is_id, f"an id of at most {MAX_ID} characters")

    def text(self, name):
        value = self._read(name, lambda v: isinstance(v, str), "a string")
        return None if value is None else value[:MAX_TEXT]

    def count(self, name):
        return self._read(name, _is_count, "a non-negative integer")

    def flag(self, name):
        return self._read(name, lambda v: isinstance(v, bool), "true or false")

    def currency(self, name):
        return self._read(name, is_currency, "a lower-case currency code")

    def object(self, name):
        """The nested object as Fields, or None."""
        value = self._read(name, lambda v: isinstance(v, dict), "an object")
        return None if value is None else Fields(value, f"{self.path}.{name}")

    def reference(self, name):
        """The id of a field that holds an id or the expanded object."""
        value = self.obj.get(name)
        if isinstance(value, dict):
            return Fields(value, f"{self.path}.{name}").id("id")
        return self.id(name)

    def kind(self, expected):
        """Refuses an object whose `object` names another kind than expected."""
        value = self.obj.get("object")
        if value is not None and value != expected:
            raise not_an_event(f"{self.path}.object", f'"{expected}"')

    def order_id(self):
        """metadata.order_id, else client_reference_id (SPEC §3.3)."""
        metadata = self.object("metadata")
        return (metadata.id("order_id") if metadata else None) or self.id("client_reference_id")
