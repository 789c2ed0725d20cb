"""The customers' short order references: `by_reference`, reference -> order id.

A reference is checked free when the order is made (domain.unique_reference
asks `reference_taken`); two orders made at once with the same one insert
the same key, ZODB refuses the second commit and its retry draws another.
Orders stored before references existed have none and are not indexed: the
admin finds them by their id.
"""

from ...domain.order_parts import REFERENCE_LENGTH

# Past every reference character: the end of a prefix range.
_AFTER = "\uffff"


def index_reference(root, order):
    if order.reference:
        root.by_reference[order.reference] = order.id


def reference_taken(root, reference):
    return isinstance(reference, str) and reference in root.by_reference


def order_ids_by_reference_prefix(root, prefix, limit):
    """Up to `limit` order ids whose reference starts with `prefix`, in
    reference order (a range of the BTree's keys: no scan of all orders)."""
    if len(prefix) == REFERENCE_LENGTH:
        order_id = root.by_reference.get(prefix)
        return [order_id] if order_id else []
    found = []
    for reference in root.by_reference.keys(min=prefix, max=prefix + _AFTER):
        if len(found) == limit:
            break
        found.append(root.by_reference[reference])
    return found


def order_ids_by_id_prefix(root, prefix, limit):
    """Up to `limit` order ids starting with `prefix` (ids are the keys of `orders`)."""
    found = []
    for order_id in root.orders.keys(min=prefix, max=prefix + _AFTER):
        if len(found) == limit:
            break
        found.append(order_id)
    return found
