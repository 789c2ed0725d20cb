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

from pyramid_zodbconn import get_connection

from ...services.alerts import alert_webhook_refused
from ...settings import staff_emails
from ..zodb.root import app_root, run_in_transaction
from .outbox import ZodbOutbox

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


def alert_refused_webhook(request, reason):
    settings = request.registry.settings
    if not staff_emails(settings):
        return  # nobody to tell
    minutes = int(settings["orderflow.alert_interval_minutes"])
    limit = request.registry.get("orderflow.refusal_limit")
    if limit is None:
        limit = request.registry["orderflow.refusal_limit"] = ProcessLimit(60 * minutes)
    if not limit.allow():
        return
    now = request.now

    def work(connection):
        return alert_webhook_refused(ZodbOutbox(app_root(connection)), reason, now,
                                     timedelta(minutes=minutes))

    try:
        run_in_transaction(get_connection(request).db(), work, attempts=3)
    except Exception:
        # The refusal is answered whatever happens to its alert.
        log.exception("could not queue the refused-webhook alert")
