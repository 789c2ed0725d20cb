"""Use cases: plain values and ports in, a small result out. They never commit."""

from .checkout import CheckoutSettings, CheckoutStarted, cancel_order, retry_checkout, start_checkout
from .payments import EventOutcome, apply_gateway_event, sync_session
from .queries import get_order, get_order_by_session

__all__ = [
    "CheckoutSettings", "CheckoutStarted", "EventOutcome", "apply_gateway_event",
    "cancel_order", "get_order", "get_order_by_session", "retry_checkout",
    "start_checkout", "sync_session",
]
