"""Scheduled reconciliation inside the app (SPEC §10), and the per-order
loop that the console script shares with it.

A thread of the app process wakes every `orderflow.reconcile_every_minutes`,
takes the database lease (lease.py) so that one process of several does the
round, and asks the gateway about every order left unsettled for longer
than `orderflow.reconcile_after_minutes`. Each order is reconciled in a
transaction of its own, so a webhook for one order conflicts with (and
re-runs) that order only, and the order rules record each payment once
whichever path brings it first.
"""

from datetime import datetime, timedelta, timezone
import logging
import os
import secrets
import socket
import threading

from ...domain.errors import GatewayError
from ...services.reconcile import Reconciled, ReconcileSummary, reconcile_order
from .carts import ZodbCarts
from .lease import take_lease
from .orders import ZodbOrderRepository
from .root import app_root, run_in_transaction

log = logging.getLogger(__name__)

LEASE = "reconcile"


def utcnow():
    return datetime.now(timezone.utc)


def reconcile_unsettled(run, gateway, cutoff, clock=utcnow):
    """Reconcile each order unsettled since before `cutoff` (None: all).

    `run(work)` runs `work(root)` in a transaction of its own, re-running it
    on a conflict, and returns its result. A gateway failure for one order
    is counted and the others go on.
    """
    summary = ReconcileSummary()
    ids = run(lambda root: [o.id for o in ZodbOrderRepository(root).unsettled(cutoff)])
    for order_id in ids:
        summary.add(_one(run, gateway, order_id, clock()))
    return summary


def _one(run, gateway, order_id, now):
    def work(root):
        orders = ZodbOrderRepository(root)
        return reconcile_order(orders, gateway, orders.get(order_id), now,
                               carts=ZodbCarts(root))

    try:
        return run(work)
    except GatewayError as error:
        return Reconciled(order_id, "?", "?", False, error=error.message)


class Reconciler:
    """The app's reconciliation thread; `run_round()` is one round."""

    def __init__(self, db, gateway, every_seconds, after_seconds, clock=utcnow):
        self.db = db
        self.gateway = gateway
        self.every = every_seconds
        self.after = after_seconds
        self.clock = clock
        # Unique per process start: a restarted process does not inherit the
        # lease of its previous life.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._loop, name="reconciler", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout=30):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self):
        while not self._stop.wait(self.every):
            try:
                self.run_round()
            except Exception:
                # The thread must outlive a bad round (a database that is
                # away, say): the next round tries again.
                log.exception("reconciliation round failed")

    def run_round(self):
        """Reconcile once if this process holds the lease: the summary, or
        None when another process has the round."""
        now = self.clock()
        # Held for two intervals and renewed every round: the holder keeps
        # it while it lives, even when a round runs late; if it dies,
        # another process takes over within two intervals.
        lease = self._run(lambda root: take_lease(
            root, LEASE, self.holder, now.timestamp(), 2 * self.every))
        if lease is None:
            return None
        summary = reconcile_unsettled(self._run, self.gateway,
                                      now - timedelta(seconds=self.after), self.clock)
        log.info("reconciliation round %d: %s", lease.round, summary.text())
        return summary

    def _run(self, work):
        return run_in_transaction(self.db, lambda connection: work(app_root(connection)))
