"""Use cases: plain values and ports in, a small result out. They never commit."""

from .checkout import (
    Cancellation, CheckoutSettings, CheckoutStarted, Retry, cancel_order, retry_checkout,
    start_checkout,
)
from .payments import EventOutcome, Landing, apply_gateway_event, land, sync_session
from .queries import get_order, get_order_by_session

__all__ = [
    "Cancellation", "CheckoutSettings", "CheckoutStarted", "EventOutcome", "Landing", "Retry",
    "apply_gateway_event", "cancel_order", "get_order", "get_order_by_session", "land",
    "retry_checkout", "start_checkout", "sync_session",
]
