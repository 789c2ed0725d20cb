"""A lease kept in the database: which process does a periodic job now.

Several app processes on one ZEO or RelStorage database each run the
scheduled reconciliation (SPEC §10); the lease lets one of them do each
round. Taking it writes one key of the `leases` BTree: two processes taking
it at the same moment conflict on that key, and the loser's re-run finds it
held. The value is a plain tuple, so no class of ours is stored for it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Lease:
    holder: str
    expires: float  # unix seconds
    round: int  # how many times the lease was taken, by anyone


def read_lease(root, name):
    value = root.leases.get(name)
    return Lease(*value) if value is not None else None


def take_lease(root, name, holder, now, seconds):
    """The new Lease if `holder` may do the job now, else None.

    Free, expired or already `holder`'s: taken (or renewed) for `seconds`
    from `now` (unix seconds), and its round counted. Held by another
    process and not expired: None, and nothing is written.
    """
    current = read_lease(root, name)
    if current is not None and current.holder != holder and current.expires > now:
        return None
    taken = Lease(holder, now + seconds, (current.round if current else 0) + 1)
    root.leases[name] = (taken.holder, taken.expires, taken.round)
    return taken
