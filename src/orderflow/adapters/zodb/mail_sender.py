"""The sender: after commit, claim what is due in the outbox and send it.

Each message is claimed in a transaction of its own (status "sending", due
again after a lease): when two processes (or threads) claim the same
message, ZODB refuses the second commit with a ConflictError and that
sender skips it, so a message goes out once. The result is then written in
another transaction: sent; or, for a server down or a 4xx, queued again
after a back-off; or, for a 5xx, failed (kept, shown to admins, retryable).
"""

from datetime import datetime, timedelta, timezone
import logging
import threading

import transaction
from ZODB.POSException import ConflictError

from ...ports.mail import PermanentFailure, TemporaryFailure
from .outbox import ZodbOutbox, listen, unlisten
from .root import app_root, retrying

log = logging.getLogger(__name__)

# Back-off after a temporary failure: 30 s, 1, 2, 4 ... minutes, at most an
# hour; after this many attempts a message fails for good (about a day and a
# half of outage) and waits for an admin's retry.
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 40


def backoff(attempts, first=FIRST_WAIT):
    return min(first * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def utcnow():
    return datetime.now(timezone.utc)


class MailSender:
    """Sends through a `Transport` port what a renderer (adapters/mail/render.py,
    given by the composition root) makes of each notice."""

    def __init__(self, db, transport, renderer, clock=utcnow, first_wait=FIRST_WAIT):
        self.db, self.transport, self.renderer = db, transport, renderer
        self.clock, self.first_wait = clock, first_wait

    def send_due(self, limit=100):
        """Send every message due now; {"sent": n, "delayed": n, "failed": n}."""
        counts = {"sent": 0, "delayed": 0, "failed": 0}
        tm = transaction.TransactionManager(explicit=True)
        connection = self.db.open(transaction_manager=tm)
        try:
            with tm:
                keys = ZodbOutbox(app_root(connection)).due(self.clock(), limit)
            for key in keys:
                outcome = self._send_one(tm, connection, key)
                if outcome:
                    counts[outcome] += 1
        finally:
            connection.close()
        return counts

    def _send_one(self, tm, connection, key):
        try:
            with tm:
                notice = ZodbOutbox(app_root(connection)).claim(key, self.clock())
        except ConflictError:
            # Another sender claimed it first. A commit that failed leaves
            # its transaction open: end it before the next one begins.
            tm.abort()
            return None
        if notice is None:
            return None
        recipients = self.renderer.recipients(notice)
        try:
            if not recipients:
                raise PermanentFailure("no recipient: set orderflow.staff_emails"
                                       if notice.audience == "staff" else "no recipient")
            message = self.renderer.message(notice, recipients)
            note = self.transport.send(message, self.renderer.sender, recipients)
        except TemporaryFailure as error:
            return self._record(tm, connection, key, "delayed", str(error))
        except PermanentFailure as error:
            return self._record(tm, connection, key, "failed", str(error))
        except Exception as error:
            # A template or address that cannot be rendered: kept, visible.
            log.exception("mail %s could not be built", key)
            return self._record(tm, connection, key, "failed", f"not sendable: {error}")
        return self._record(tm, connection, key, "sent", note)

    def _record(self, tm, connection, key, outcome, note):
        def write():
            outbox, now = ZodbOutbox(app_root(connection)), self.clock()
            if outcome == "sent":
                outbox.sent(key, now, note)
                return outcome
            attempts = app_root(connection).mail[key].attempts
            if outcome == "failed" or attempts >= MAX_ATTEMPTS:
                outbox.fail(key, now, note)
                return "failed"
            outbox.delay(key, now, note, backoff(attempts, self.first_wait))
            return "delayed"

        result = retrying(tm, write, 5)
        if result != "sent":
            log.warning("mail %s %s: %s", key, result, note)
        return result


class BackgroundSender:
    """A daemon thread of the app process: sends after every commit that
    queued mail (woken by the outbox), and every `poll` seconds for retries
    that fall due and mail queued by other processes."""

    def __init__(self, sender, poll=10.0):
        self.sender, self.poll = sender, poll
        self._stop = threading.Event()
        self._wake = listen()
        self._thread = threading.Thread(target=self._run, name="orderflow-mail", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout=10):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        unlisten(self._wake)

    def _run(self):
        while not self._stop.is_set():
            self._wake.clear()
            try:
                while sum(self.sender.send_due().values()) and not self._stop.is_set():
                    pass  # more may have come due meanwhile
            except Exception:
                if "close" in vars(self.sender.db):
                    # DB.close() replaces its own `close` with a no-op: the
                    # app is shut down (a test's, say), and so is its sender.
                    return
                # The database away (ZEO restarting): try again next turn.
                log.exception("the mail sender could not run")
            self._wake.wait(self.poll)

