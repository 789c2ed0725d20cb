"""GroupCommit on a real FileStorage: shared commits, isolation, durability."""

from datetime import datetime, timezone
import threading
import time

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from orderflow.adapters.zodb.group_commit import GroupCommit, _Unit
from orderflow.adapters.zodb.evolve import bootstrap
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.warm import INDEXES
from orderflow.ports import EventRecord

TIMEOUT = 60


@pytest.fixture
def db(tmp_path):
    database = DB(FileStorage(str(tmp_path / "Data.fs")))
    bootstrap(database)
    yield database
    database.close()


def record(event_id):
    """A unit of work: log one event; its result is the event id."""
    def work(orders, events, carts):
        events.record(EventRecord(event_id, "test.event", "ignored", None,
                                  datetime.now(timezone.utc)))
        return event_id

    return work


def logged(db):
    """The event ids committed so far, read on a connection of its own."""
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    try:
        return set(app_root(connection).events.keys())
    finally:
        connection.close()


def transactions(db):
    return sum(1 for _ in db.storage.iterator())


def in_thread(function, *args):
    box = {}

    def run():
        try:
            box["result"] = function(*args)
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def wait_until(condition):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def holding_a_commit(group, then=None):
    """A caller whose unit blocks until `release` is set, so units started
    meanwhile wait for the next group; (its thread, its box, release)."""
    held, release = threading.Event(), threading.Event()

    def slow(orders, events, carts):
        held.set()
        release.wait(TIMEOUT)
        return then(orders, events, carts) if then else None

    thread, box = in_thread(group.run, slow)
    held.wait(TIMEOUT)
    return thread, box, release


def queued(group, works):
    """A caller for each of `works`, each waiting in turn; (thread, box) each."""
    callers = []
    for work in works:
        callers.append(in_thread(group.run, work))
        wait_until(lambda: len(group._waiting) == len(callers))
    return callers


def join_all(*threads):
    for thread in threads:
        thread.join(TIMEOUT)


def test_a_result_is_returned_only_once_it_is_committed(db):
    group = GroupCommit(db)
    assert group.run(record("evt_1")) == "evt_1"
    assert "evt_1" in logged(db)


def test_units_that_arrive_during_a_commit_share_the_next_one(db):
    group = GroupCommit(db)
    before = transactions(db)
    leader, leader_box, release = holding_a_commit(group, then=record("evt_first"))
    waiters = queued(group, [record(f"evt_{n}") for n in range(5)])
    release.set()
    join_all(leader, *(thread for thread, _ in waiters))
    assert leader_box == {"result": "evt_first"}
    assert [box for _, box in waiters] == [{"result": f"evt_{n}"} for n in range(5)]
    assert logged(db) == {"evt_first"} | {f"evt_{n}" for n in range(5)}
    # The leader's own commit, then one for the five that waited.
    assert transactions(db) - before == 2


def test_a_failing_unit_fails_alone_and_the_rest_of_its_group_commits(db):
    group = GroupCommit(db)

    def broken(orders, events, carts):
        record("evt_broken")(orders, events, carts)
        raise ValueError("this unit is wrong")

    leader, _, release = holding_a_commit(group)
    good, bad, other = queued(group, [record("evt_good"), broken, record("evt_other")])
    release.set()
    join_all(leader, good[0], bad[0], other[0])
    assert good[1] == {"result": "evt_good"} and other[1] == {"result": "evt_other"}
    assert isinstance(bad[1]["error"], ValueError)
    assert logged(db) == {"evt_good", "evt_other"}


def test_a_unit_that_raises_commits_nothing_and_the_next_unit_works(db):
    group = GroupCommit(db)

    def broken(orders, events, carts):
        record("evt_broken")(orders, events, carts)
        raise ValueError("no")

    with pytest.raises(ValueError):
        group.run(broken)
    assert group.run(record("evt_next")) == "evt_next"
    assert logged(db) == {"evt_next"}


def test_a_conflict_fails_the_whole_group_and_commits_nothing_of_it(db):
    # Two processes each have their own GroupCommit: here two on one
    # database. Both take their snapshot, both log the same event; the
    # second to commit must get a ConflictError, and a retry of its unit
    # finds the event already there.
    first, second = GroupCommit(db), GroupCommit(db)
    both = threading.Barrier(2)

    def log_once(event_id):
        def work(orders, events, carts):
            seen = events.seen(event_id)
            both.wait(TIMEOUT)
            if not seen:
                record(event_id)(orders, events, carts)
            return seen
        return work

    runs = [in_thread(group.run, log_once("evt_same")) for group in (first, second)]
    for thread, _ in runs:
        thread.join(TIMEOUT)
    boxes = [box for _, box in runs]
    winners = [box for box in boxes if "result" in box]
    losers = [box for box in boxes if "error" in box]
    assert winners == [{"result": False}]
    assert len(losers) == 1 and isinstance(losers[0]["error"], ConflictError)
    loser = first if "error" in boxes[0] else second
    assert loser.run(lambda orders, events, carts: events.seen("evt_same")) is True
    assert logged(db) == {"evt_same"}


@pytest.mark.parametrize("warm, status", [(True, "saved"), (False, "ghost")])
def test_start_opens_the_connection_and_warms_it_unless_told_not_to(db, warm, status):
    db.cacheMinimize()  # bootstrap's pooled connection holds the trees loaded
    group = GroupCommit(db)
    group.start(warm)
    root = app_root(group._connection)
    assert {getattr(root, name)._p_status for name in INDEXES} == {status}
    assert group.run(record("evt_after_start")) == "evt_after_start"


def test_a_caller_that_leads_a_group_without_its_own_unit_leads_again_until_it_is_done(db):
    # Right after a commit, a caller that has just arrived can take the lead
    # before the woken waiters do; it then takes the oldest units first,
    # which need not include its own. Three units still waiting from other
    # callers stand for those waiters here.
    group = GroupCommit(db, max_group=2)
    others = [_Unit(record(f"evt_{n}")) for n in range(3)]
    group._waiting.extend(others)
    before = transactions(db)
    assert group.run(record("evt_mine")) == "evt_mine"
    assert [(unit.done, unit.result) for unit in others] == [
        (True, f"evt_{n}") for n in range(3)]
    assert logged(db) == {"evt_mine"} | {f"evt_{n}" for n in range(3)}
    assert transactions(db) - before == 2  # the oldest two, then the rest


class Interrupted(BaseException):
    """Not an Exception, like KeyboardInterrupt."""


def test_an_interrupted_group_commits_nothing_and_answers_everyone(db):
    group = GroupCommit(db)

    def interrupted(orders, events, carts):
        raise Interrupted()

    leader, _, release = holding_a_commit(group)
    first, second = queued(group, [record("evt_first"), interrupted])
    release.set()
    join_all(leader, first[0], second[0])
    boxes = [first[1], second[1]]
    assert sorted(type(box["error"]).__name__ for box in boxes) == ["Interrupted", "RuntimeError"]
    assert logged(db) == set()
    assert group.run(record("evt_next")) == "evt_next"
    assert logged(db) == {"evt_next"}
