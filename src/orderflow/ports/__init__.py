"""Ports: what the use cases need from the world, as abstract classes."""

from .gateway import CreatedSession, PaymentGateway
from .repositories import (
    Carts, Catalog, EventLog, EventRecord, OrderRepository, SharedCommit,
)

__all__ = [
    "Carts", "Catalog", "CreatedSession", "EventLog", "EventRecord",
    "OrderRepository", "PaymentGateway", "SharedCommit",
]
