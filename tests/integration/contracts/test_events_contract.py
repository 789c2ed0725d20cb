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


def test_a_payload_is_kept_byte_for_byte_and_only_with_its_event(world):
    body = b'{\n   "id": "evt_1",  "object": "event"}'
    world.events.record(record("evt_1"), body)
    world.events.record(record("evt_2"))
    world.commit()
    assert world.events.payload("evt_1") == body
    assert world.events.payload("evt_2") is None
    assert world.events.payload("evt_other") is None
    assert world.events.payload(42) is None


def test_amending_an_event_changes_its_outcome_and_keeps_its_time_and_payload(world):
    world.events.record(record("evt_1", outcome="unmatched", order_id=None, note=""), b"{}")
    world.commit()
    world.events.amend(record("evt_1", minutes=30, outcome="applied", note="applied again"))
    world.commit()
    assert world.events.get("evt_1") == record("evt_1", outcome="applied", note="applied again")
    assert world.events.payload("evt_1") == b"{}"
    with pytest.raises(KeyError):
        world.events.amend(record("evt_never"))


def test_pruning_drops_payloads_received_before_the_cutoff_in_batches_and_keeps_the_records(world):
    for n, minutes in enumerate([0, 10, 20, 30]):
        world.events.record(record(f"evt_{n}", minutes=minutes), b"{}")
    world.commit()
    assert world.events.prune_payloads(at(20), 1) == 1
    world.commit()
    assert world.events.prune_payloads(at(20), 5) == 1  # the one at 20 stays
    world.commit()
    assert [world.events.payload(f"evt_{n}") for n in range(4)] == [None, None, b"{}", b"{}"]
    assert all(world.events.seen(f"evt_{n}") for n in range(4))
