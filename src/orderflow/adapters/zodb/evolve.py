"""Evolve steps: bring a stored application root up to SCHEMA_VERSION.

As in substanced, every step runs in a transaction of its own that also
records the version it reached: a step commits whole, with its version, or
leaves nothing, and a failure in step N leaves the steps before N committed
and recorded, so the next run starts at N. Several processes starting at
once conflict on the version, and the losers' retries find the step done.

Steps run at every start-up (`bootstrap`, from app.py) and from the
console script `orderflow-evolve INI [--dry-run]`. A step rewrites what it
changes in one transaction, which suits the databases that existed before
it; a step for a large live database would need batches.

Adding a step: append a function to STEPS (SCHEMA_VERSION follows), make
it safe to run again after a failed attempt, and update
tests/integration/stored_classes.txt if it moves a stored class
(docs/architecture.md, "Stored schema").
"""

from dataclasses import replace
import json
import logging

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree

from ...domain.order import Status
from ...ports.repositories import EventRecord
from .events import hour_of, stored
from .indexes import IndexSet, IndexTree
from .keys import EPOCH, MICROSECOND, join, newest_first, prefix_range, split
from .orders import unsettled_key
from .root import ROOT_KEY, AppRoot, app_root, run_in_transaction

log = logging.getLogger(__name__)


def _time(old_key):
    # Version 1 kept times as negative microseconds since the epoch.
    return newest_first(EPOCH + (-old_key) * MICROSECOND)


def to_string_keys(root):
    """Version 1 -> 2: tuple index keys and event values become strings."""
    root.by_status = IndexSet(join(status, _time(t), order_id)
                              for status, t, order_id in root.by_status)
    root.by_created = IndexSet(join(_time(t), order_id) for t, order_id in root.by_created)
    root.events_by_time = IndexSet(join(_time(t), event_id)
                                   for t, event_id in root.events_by_time)
    root.duplicates = IndexSet(join(_time(t), nonce, event_id)
                               for t, event_id, nonce in root.duplicates)
    events = IndexTree()
    for event_id, (type_, outcome, order_id, micros, note) in root.events.items():
        events[event_id] = stored(EventRecord(
            event_id, type_, outcome, order_id, EPOCH + micros * MICROSECOND, note))
    root.events = events
    for email, order_ids in list(root.by_email.items()):
        root.by_email[email] = IndexSet(
            join(newest_first(root.orders[i].order.date_created), i) for i in order_ids)


def index_unsettled(root):
    """Version 2 -> 3: the `unsettled` index (pending and failed orders by
    last change), built from `by_status`, so only those orders are read."""
    index = IndexSet()
    for status in Status.UNSETTLED:
        low, high = prefix_range(status)
        for key in root.by_status.keys(low, high):
            record = root.orders[split(key, 3)[2]]
            record.indexed_change = unsettled_key(record.order)
            index.add(record.indexed_change)
    root.unsettled = index


def restore_admins(root):
    """Version 3 -> 4: admin users re-stored, so that their pickles name
    orderflow.domain.admins.AdminUser (they named orderflow.ports.users,
    where an alias keeps them loading), each made anew from its fields:
    `failures` and `locked_until`, no longer fields, are left behind."""
    for name, user in list(root.admins.items()):
        root.admins[name] = replace(user)


def keep_event_payloads(root):
    """Version 4 -> 5: `event_payloads`, the raw bodies of received events
    (events.py). Events received before it have none; AppRoot.ensure()
    makes the tree at start-up, this makes it when ensure() did not run."""
    if getattr(root, "event_payloads", None) is None:
        root.event_payloads = IndexTree()


def fold_event_payloads(root, savepoint_every=10000):
    """Version 5 -> 6: `events_by_time` becomes a tree "time event-id" ->
    payload record or None, replacing the set and `event_payloads`, so a
    webhook writes one index bucket for both (events.py). Every event is
    rewritten, so the step spills to the storage every `savepoint_every`
    entries rather than holding a large history in memory."""
    old = root.events_by_time
    if isinstance(old, IndexTree):  # made so by ensure() on a new root
        return
    payloads = getattr(root, "event_payloads", None) or {}
    connection = root._p_jar
    tree = root.events_by_time = IndexTree()
    for n, key in enumerate(old, 1):
        tree[key] = payloads.get(key)
        if n % savepoint_every == 0:
            connection.transaction_manager.savepoint(optimistic=True)
            connection.cacheGC()
    if hasattr(root, "event_payloads"):
        del root.event_payloads


def count_events_by_hour(root, read_between_emptying=10000):
    """Version 6 -> 7: `event_hours`, the events counted by the hour they
    came in and their outcome (events.count_event), from every stored
    event; the health panel reads them instead of walking the events, and
    they replace `event_count`."""
    counts = {}
    for n, value in enumerate(root.events.values(), 1):
        _, outcome, _, at, _ = json.loads(value)
        key = join(hour_of(EPOCH + at * MICROSECOND), outcome)
        counts[key] = counts.get(key, 0) + 1
        if n % read_between_emptying == 0:  # only read: the cache can let go
            root._p_jar.cacheGC()
    hours = root.event_hours = OOBTree()
    for key, n in counts.items():
        hours[key] = Length(n)
    # The total count, written by every webhook and read by nothing: the
    # hours' counters replace it, so a webhook writes one counter, not two.
    if getattr(root, "event_count", None) is not None:
        del root.event_count


# STEPS[n - 1] takes a root from version n to n + 1.
STEPS = (to_string_keys, index_unsettled, restore_admins, keep_event_payloads,
         fold_event_payloads, count_events_by_hour)
SCHEMA_VERSION = len(STEPS) + 1


class NewerDatabase(Exception):
    """The database was evolved by a newer release than this one."""


def due(db, steps=STEPS):
    """(the stored version, [(version, step) still to run]), the version None
    when there is no application root yet; writes nothing."""
    def read(connection):
        if ROOT_KEY not in connection.root():
            return None, []
        version = app_root(connection).schema_version
        _check(version, steps)
        return version, [(n, steps[n - 1]) for n in range(version, len(steps) + 1)]

    return run_in_transaction(db, read)


def evolve(db, steps=STEPS):
    """Run each step due, each committed with its version; the versions
    evolved from, in order."""
    done = []
    while True:
        version = run_in_transaction(db, lambda connection: _one_step(connection, steps))
        if version is None:
            return done
        log.info("evolved the database from schema version %d to %d", version, version + 1)
        done.append(version)


def _one_step(connection, steps):
    root = app_root(connection)
    version = root.schema_version
    _check(version, steps)
    if version > len(steps):
        return None
    step = steps[version - 1]
    step(root)
    root.schema_version = version + 1
    # The storage's history names each step (fsdump, the undo log).
    connection.transaction_manager.get().note(
        f"orderflow evolve {version} -> {version + 1}: {step.__name__}")
    return version


def _check(version, steps):
    if version > len(steps) + 1:
        raise NewerDatabase(
            f"the database is at schema version {version}, and this release knows "
            f"versions up to {len(steps) + 1}: run a newer release")


def bootstrap(db, steps=STEPS):
    """Create the application root, or add the containers this release
    needs and run the steps due: what every start-up does."""
    def create(connection):
        root = connection.root()
        if ROOT_KEY not in root:
            root[ROOT_KEY] = AppRoot(len(steps) + 1)
            return
        app = root[ROOT_KEY]
        # Before the steps: a step finds the containers it fills made (empty).
        if app.ensure():
            app._p_changed = True

    run_in_transaction(db, create)
    return evolve(db, steps)
