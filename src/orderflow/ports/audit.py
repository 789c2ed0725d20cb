"""The audit log port: who did what in the admin, newest first (SPEC §10)."""

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    admin: str
    action: str  # an AuditAction value (services/audit.py)
    what: str  # what it was done to: an order id, a product id, an event id
    note: str = ""


class AuditLog(abc.ABC):
    @abc.abstractmethod
    def append(self, entry):
        """Keep one AuditEntry; entries are never changed or removed."""

    @abc.abstractmethod
    def page(self, cursor=None, limit=50):
        """Entries newest first (ties in any fixed order), after `cursor`,
        as a ports.listings.Page; the cost is that of one page, whatever
        the log's length."""
