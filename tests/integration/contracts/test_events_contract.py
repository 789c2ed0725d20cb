"""The EventLog contract, over the in-memory fake and ZODB."""

import pytest

from orderflow.ports.repositories import EventRecord

from .builders import at


def record(event_id, minutes=0, outcome="applied", order_id="ord_a", note="paid"):
    return EventRecord(event_id, "checkout.session.completed", outcome, order_id,
                       at(minutes), note)


def test_a_recorded_event_is_seen_and_read_back_whole(world):
    world.events.record(record("evt_1", note="paid: 12.50 EUR"))
    world.events.record(record("evt_2", outcome="unmatched", order_id=None, note=""))
    world.commit()
    assert world.events.seen("evt_1")
    assert world.events.get("evt_1") == record("evt_1", note="paid: 12.50 EUR")
    assert world.events.get("evt_2") == record("evt_2", outcome="unmatched", order_id=None,
                                                note="")


@pytest.mark.parametrize("unknown", ["evt_other", None, 42])
def test_an_event_never_recorded_is_not_seen(world, unknown):
    world.events.record(record("evt_1"))
    world.commit()
    assert not world.events.seen(unknown)
    assert world.events.get(unknown) is None


def test_recording_an_event_id_twice_is_refused_and_keeps_the_first(world):
    world.events.record(record("evt_1", note="first"))
    world.commit()
    with pytest.raises(KeyError):
        world.events.record(record("evt_1", minutes=5, note="second"))
    world.commit()
    assert world.events.get("evt_1").note == "first"
