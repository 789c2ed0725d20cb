"""Refused webhook deliveries, counted in the memory of this process.

SPEC §3.3 and §10: a refused delivery stores nothing, so the webhook health
panel cannot read refusals from the database. Each process keeps the last
few (time and reason, never the body) and counts by reason since it
started; with several processes each panel shows its own process's share.
A staff alert about refusals (at most one per interval) can read the same
recorder: it is registered as a process-wide service under its own class.
"""

from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime
import threading

KEEP = 50


@dataclass(frozen=True)
class Refusal:
    at: datetime
    reason: str


@dataclass(frozen=True)
class RefusalSummary:
    total: int
    by_reason: dict  # reason -> count since the process started
    latest: list  # Refusals, newest first
    since: datetime  # when this process started counting


class RefusalRecorder:
    """Thread-safe and bounded: KEEP refusals and one counter per reason."""

    def __init__(self, started_at, keep=KEEP):
        self._lock = threading.Lock()
        self._latest = deque(maxlen=keep)
        self._by_reason = Counter()
        self._started_at = started_at

    def note(self, at, reason):
        # Reasons are our own InvalidWebhook messages, a handful of texts,
        # so the counter stays small; cut anyway, in case one grows a detail.
        reason = reason[:200]
        with self._lock:
            self._latest.append(Refusal(at, reason))
            self._by_reason[reason] += 1

    def summary(self):
        with self._lock:
            return RefusalSummary(
                total=sum(self._by_reason.values()), by_reason=dict(self._by_reason),
                latest=list(reversed(self._latest)), since=self._started_at)
