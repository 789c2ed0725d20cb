"""The refused-webhook alert, written beside the refusal.

A refused delivery changes nothing (its request's transaction is aborted);
the alert is the one write, in a small transaction of its own, and at most
one per `orderflow.alert_interval_minutes`: first checked in this process's
memory (a flood of forged deliveries costs no database write), then by the
time of the last alert in the database (several processes send one).
"""

from datetime import timedelta
import logging
import threading
import time

from ...ports.mail import WebhookAlerts
from ...services.alerts import alert_webhook_refused
from .outbox import ZodbOutbox
from .root import app_root, run_in_transaction

log = logging.getLogger(__name__)


class ProcessLimit:
    """At most one call per `interval` seconds in this process."""

    def __init__(self, interval):
        self.interval = interval
        self._last = None
        self._lock = threading.Lock()

    def allow(self):
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last < self.interval:
                return False
            self._last = now
            return True


class ZodbWebhookAlerts(WebhookAlerts):
    """One per process (the composition root makes it); does nothing when
    no staff address is configured."""

    def __init__(self, db, interval_minutes, enabled=True):
        self.db, self.enabled = db, enabled
        self.interval = timedelta(minutes=interval_minutes)
        self.limit = ProcessLimit(60 * interval_minutes)

    def refused(self, reason, now):
        if not self.enabled or not self.limit.allow():
            return

        def work(connection):
            return alert_webhook_refused(ZodbOutbox(app_root(connection)), reason, now,
                                         self.interval)

        try:
            run_in_transaction(self.db, work, attempts=3)
        except Exception:
            # The refusal is answered whatever happens to its alert.
            log.exception("could not queue the refused-webhook alert")
