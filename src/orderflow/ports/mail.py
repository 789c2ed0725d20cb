"""The outbox: messages queued in the transaction that announces them (SPEC §9).

The order repository's `save` queues the notices an order announced
(`Order.take_notices`), so every path that changes an order, webhook,
landing page, reconciliation, retry or cancel, queues its messages in the
same transaction as the change. This port is for everything else: alerts
that no order change makes, the admin's view of an order's messages, and a
retry of a message that failed.
"""

import abc
from dataclasses import dataclass
from datetime import datetime

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True)
class MailStatus:
    key: str
    kind: str
    order_id: str | None
    recipient: str  # the customer's address, or "staff"
    state: str  # queued, sending, sent, failed
    queued_at: datetime
    changed_at: datetime
    attempts: int = 0
    error: str | None = None


class TemporaryFailure(Exception):
    """Try again later: the mail server could not be reached, or answered 4xx."""


class PermanentFailure(Exception):
    """The mail server refused the message for good (5xx)."""


class Transport(abc.ABC):
    @abc.abstractmethod
    def send(self, message, sender, recipients):
        """Send one message; a note of recipients refused while others were
        accepted, or None. Raises TemporaryFailure or PermanentFailure."""


class WebhookAlerts(abc.ABC):
    @abc.abstractmethod
    def refused(self, reason, now):
        """A webhook delivery was refused: alert the staff, rate-limited."""


class Outbox(abc.ABC):
    @abc.abstractmethod
    def queue(self, notice):
        """Queue a message for `notice`; False if one with its key exists."""

    @abc.abstractmethod
    def get(self, key):
        """(MailStatus, Notice) of one message, or None."""

    @abc.abstractmethod
    def of_order(self, order_id):
        """The MailStatus of every message about this order, oldest first."""

    @abc.abstractmethod
    def recent(self, limit=100):
        """The newest messages' MailStatus, newest first."""

    @abc.abstractmethod
    def retry(self, key, now):
        """Queue a failed message again; False if it is not failed."""

    @abc.abstractmethod
    def take_alert_slot(self, kind, now, interval):
        """True, and remember `now`, if no alert of `kind` was queued in the
        last `interval` (a timedelta): the shared rate limit of alerts."""
