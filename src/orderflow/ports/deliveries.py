"""Repeat deliveries of gateway events: noted, never stored with the orders."""

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RepeatDelivery:
    """One more delivery of an event that was processed before."""

    event_id: str
    type: str
    received_at: datetime


class DuplicateNotes(abc.ABC):
    """Where repeat deliveries are noted for the admin's events page.

    SPEC §3.3: the duplicate path writes nothing to shared objects, so that
    every delivery of an event racing another is answered 200 and a replay
    of a captured webhook adds no writes. An adapter therefore keeps its
    notes outside the order storage (the one orderflow ships keeps the
    latest ones in the memory of its process).
    """

    @abc.abstractmethod
    def note(self, delivery: RepeatDelivery):
        """Remember a repeat delivery; never raises for want of room."""

    @abc.abstractmethod
    def page(self, type=None, cursor=None, limit=50):
        """Repeat deliveries newest first (only of `type` if given), after
        `cursor`, as a ports.listings.Page of RepeatDelivery."""
