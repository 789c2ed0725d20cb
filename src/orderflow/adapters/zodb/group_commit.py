"""Group commit: units of work that arrive together share one transaction.

Paying an order writes about nine objects (the order, a bucket each of the
event log, its time index and `by_intent`, two of `by_status`, counters),
and storing them is most of a webhook's cost. Webhooks that arrive at the
same moment write the same hot buckets (the newest end of every
time-ordered index), so committing them together writes those buckets once
for the group instead of once each. One writer per process also means the
webhooks of one process no longer conflict with each other.

The first caller to find no commit running becomes the leader: it takes
every unit waiting (its own included), runs them one after the other on the
committer's own connection, commits once, and hands each caller its result.
Callers that arrive meanwhile wait and form the next group. No result is
handed out before the commit that holds it, so a caller that answers 200
after `run` returns has its change on disk.

If a unit raises (other than a transient error), the group is aborted and
each of its units runs again in a transaction of its own, so one failing
unit cannot take the others down. A conflict or a lost database, while
running or at commit, is raised to every caller of the group, with nothing
committed: each caller retries as it would any transient error.
"""

import threading

import transaction
from transaction.interfaces import TransientError

from ...ports.repositories import SharedCommit
from .carts import ZodbCarts
from .events import ZodbEventLog
from .orders import ZodbOrderRepository
from .root import app_root
from .warm import warm_connection

MAX_GROUP = 64


class _Unit:
    __slots__ = ("work", "done", "result", "error")

    def __init__(self, work):
        self.work, self.done, self.result, self.error = work, False, None, None


class GroupCommit(SharedCommit):
    def __init__(self, db, max_group=MAX_GROUP):
        self.db, self.max_group = db, max_group
        self._lock = threading.Lock()
        self._turn = threading.Condition(self._lock)
        self._waiting = []
        self._leading = False
        self._tm = transaction.TransactionManager()
        self._connection = None

    def start(self, warm=True):
        """Open the committer's connection now, and warm its cache like the
        pooled connections' (warm.py): every webhook runs on it. It is held
        open, so it is not one of the pool's."""
        with self._lock:
            fresh = self._connection is None
            connection = self._open()
            if fresh and warm:
                try:
                    warm_connection(connection)
                finally:
                    self._tm.abort()

    def _open(self):
        """The committer's connection, opened on first use (if `start` was not
        called); only the caller holding the lead (or `start`) uses it."""
        if self._connection is None:
            self._connection = self.db.open(transaction_manager=self._tm)
        return self._connection

    def run(self, work):
        unit = _Unit(work)
        with self._lock:
            self._waiting.append(unit)
        # Lead groups (oldest units first) until one of them holds ours, or
        # wait while another caller leads: it may commit ours.
        while True:
            with self._lock:
                while self._leading and not unit.done:
                    self._turn.wait()
                if unit.done:
                    break
                self._leading = True
                group = self._waiting[:self.max_group]
                del self._waiting[:self.max_group]
            try:
                self._commit_group(group)
            finally:
                with self._lock:
                    self._leading = False
                    self._turn.notify_all()
        if unit.error is not None:
            raise unit.error
        return unit.result

    def _commit_group(self, group):
        try:
            if not self._attempt(group):
                for unit in group:
                    self._attempt([unit])
        finally:
            for unit in group:
                if not unit.done:  # interrupted (KeyboardInterrupt): nothing committed
                    unit.error = RuntimeError("the group commit was interrupted")
                    unit.done = True

    def _attempt(self, group):
        """Run and commit `group`; False if a unit of a larger group raised
        (then nothing is committed and nobody has an answer yet)."""
        results = []
        try:
            connection = self._open()
            self._tm.begin()
            root = app_root(connection)
            orders, events, carts = ZodbOrderRepository(root), ZodbEventLog(root), ZodbCarts(root)
            for unit in group:
                try:
                    results.append(unit.work(orders, events, carts))
                except TransientError:
                    raise
                except Exception:
                    if len(group) > 1:
                        self._tm.abort()
                        return False
                    raise
            self._tm.commit()
        except Exception as error:
            self._tm.abort()
            for unit in group:
                unit.error, unit.done = error, True
            return True
        for unit, result in zip(group, results):
            unit.result, unit.done = result, True
        return True
