"""Apply again (services/replay.py) with the in-memory fakes and the working
FakeGateway: an event a past release ignored is applied by today's rules."""

from datetime import timedelta

import pytest

from orderflow.domain.errors import NotFound, Refused
from orderflow.domain.order import Status
from orderflow.ports.repositories import EventRecord
from orderflow.services.replay import apply_again

from .test_services import T0, World


@pytest.fixture
def world():
    return World()


def received_by_an_older_release(world, delivery):
    """The delivery recorded as an older release did: verified, kept, ignored."""
    event = world.gateway.parse_webhook(delivery.body, delivery.header)
    world.events.record(EventRecord(event.id, event.type, "ignored", None, T0,
                                    "event type not handled"), delivery.body)
    return event.id


def test_an_event_an_older_release_ignored_is_applied_by_todays_rules(world):
    started = world.checkout()
    [delivery] = world.gateway.pay(started.session_id)
    event_id = received_by_an_older_release(world, delivery)

    replay = apply_again(world.orders, world.events, world.gateway, event_id,
                         T0 + timedelta(hours=1), "alice", carts=world.carts)

    assert (replay.applied, replay.outcome, replay.order_id) == (True, "applied", "ord_1")
    assert world.orders.get("ord_1").status == Status.PAID
    record = world.events.get(event_id)
    assert record.outcome == "applied" and "applied again by alice" in record.note
    assert record.received_at == T0  # when it came, not when it was applied
    with pytest.raises(Refused):
        apply_again(world.orders, world.events, world.gateway, event_id, T0, "bob")
    assert len([h for h in world.orders.get("ord_1").history if h.event_id == event_id]) == 1


def test_an_event_whose_payload_was_pruned_cannot_be_applied_again(world):
    started = world.checkout()
    [delivery] = world.gateway.pay(started.session_id)
    event_id = received_by_an_older_release(world, delivery)
    world.events.prune_payloads(T0 + timedelta(days=1), 10)
    with pytest.raises(Refused, match="no longer kept"):
        apply_again(world.orders, world.events, world.gateway, event_id, T0, "alice")
    assert world.orders.get("ord_1").status == Status.PENDING


def test_an_unknown_event_is_not_found(world):
    with pytest.raises(NotFound):
        apply_again(world.orders, world.events, world.gateway, "evt_nope", T0, "alice")
