"""Read-only use cases."""

from ..domain.errors import NotFound


def get_order(orders, order_id):
    order = orders.get(order_id)
    if order is None:
        raise NotFound("no such order")
    return order


def get_order_by_session(orders, session_id):
    order = orders.by_session(session_id)
    if order is None:
        raise NotFound("no order has this checkout session")
    return order
