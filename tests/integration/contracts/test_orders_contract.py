"""The OrderRepository contract, over the in-memory fake and ZODB."""

import pytest

from orderflow.domain.order import Status

from .builders import at, cancel, fail, new_order, pay, retry


def stored(world, *orders):
    for order in orders:
        world.orders.add(order)
    world.commit()


def ids(orders):
    return [order.id for order in orders]


def test_an_added_order_is_found_by_its_id_and_its_session(world):
    order = new_order("ord_a", email="a@example.com")
    stored(world, order)
    found = world.orders.get("ord_a")
    assert (found.id, found.status, found.email, found.total) == (
        "ord_a", Status.PENDING, "a@example.com", order.total)
    assert world.orders.by_session("cs_ord_a").id == "ord_a"


@pytest.mark.parametrize("unknown", ["ord_missing", None, 42])
def test_an_unknown_order_id_or_session_finds_nothing(world, unknown):
    stored(world, new_order("ord_a"))
    assert world.orders.get(unknown) is None
    assert world.orders.by_session(unknown) is None
    assert world.orders.by_payment_intent(unknown) is None


def test_adding_an_order_id_twice_is_refused(world):
    stored(world, new_order("ord_a"))
    with pytest.raises(KeyError):
        world.orders.add(new_order("ord_a"))


def test_saving_an_order_that_was_never_added_is_refused(world):
    with pytest.raises(KeyError):
        world.orders.save(new_order("ord_never"))


def test_a_change_to_an_order_is_stored_only_when_saved(world):
    stored(world, new_order("ord_a"))
    cancel(world.orders.get("ord_a"), 5)
    world.commit()
    assert world.orders.get("ord_a").status == Status.PENDING
    order = world.orders.get("ord_a")
    cancel(order, 6)
    world.orders.save(order)
    world.commit()
    assert world.orders.get("ord_a").status == Status.CANCELLED


def test_every_session_ever_attached_keeps_finding_the_order(world):
    stored(world, new_order("ord_a"))
    order = world.orders.get("ord_a")
    retry(order, "cs_second", 5)
    world.orders.save(order)
    world.commit()
    assert world.orders.by_session("cs_ord_a").id == "ord_a"
    assert world.orders.by_session("cs_second").session_id == "cs_second"


def test_a_payment_intent_finds_the_order_it_paid_and_a_duplicate_payment_too(world):
    stored(world, new_order("ord_a"))
    order = world.orders.get("ord_a")
    pay(order, 5, intent="pi_first")
    world.orders.save(order)
    world.commit()
    order = world.orders.get("ord_a")
    pay(order, 6, intent="pi_second", session_id="cs_elsewhere")
    world.orders.save(order)
    world.commit()
    assert world.orders.get("ord_a").status == Status.PAID
    assert world.orders.by_payment_intent("pi_first").id == "ord_a"
    assert world.orders.by_payment_intent("pi_second").id == "ord_a"


def changed(world, order_id, change, minutes, *args):
    """Get, change through the domain at `minutes`, save."""
    order = world.orders.get(order_id)
    change(order, *args, minutes) if args else change(order, minutes)
    world.orders.save(order)


def shop(world):
    """ord_a made first but failed last; ord_b pending since; ord_c paid;
    ord_d cancelled; ord_e cancelled then retried, the latest change."""
    stored(world, new_order("ord_a", 0), new_order("ord_b", 1), new_order("ord_c", 2),
           new_order("ord_d", 3), new_order("ord_e", 4))
    changed(world, "ord_c", pay, 5)
    changed(world, "ord_d", cancel, 6)
    changed(world, "ord_a", fail, 10)
    changed(world, "ord_e", cancel, 11)
    changed(world, "ord_e", retry, 12, "cs_e2")
    world.commit()


def test_unsettled_orders_are_the_pending_and_failed_ones_oldest_change_first(world):
    shop(world)
    assert ids(world.orders.unsettled()) == ["ord_b", "ord_a", "ord_e"]


def test_unsettled_older_than_goes_by_the_last_change_not_by_creation(world):
    shop(world)
    # ord_a was made before the bound but changed after it: not yet due.
    assert ids(world.orders.unsettled(older_than=at(5))) == ["ord_b"]
    assert ids(world.orders.unsettled(older_than=at(11))) == ["ord_b", "ord_a"]


def test_unsettled_older_than_leaves_out_an_order_changed_at_that_very_moment(world):
    shop(world)
    assert ids(world.orders.unsettled(older_than=at(10))) == ["ord_b"]
    assert ids(world.orders.unsettled(older_than=at(1))) == []


def test_unsettled_with_a_limit_gives_the_oldest_changes(world):
    shop(world)
    assert ids(world.orders.unsettled(limit=2)) == ["ord_b", "ord_a"]
    assert ids(world.orders.unsettled(older_than=at(11), limit=1)) == ["ord_b"]
    assert ids(world.orders.unsettled(limit=0)) == []


def test_an_order_leaves_the_unsettled_ones_when_paid_and_moves_when_changed(world):
    shop(world)
    changed(world, "ord_b", pay, 20)
    changed(world, "ord_a", retry, 21, "cs_a2")
    world.commit()
    assert ids(world.orders.unsettled()) == ["ord_e", "ord_a"]


def test_unsettled_orders_changed_at_the_same_moment_come_by_id(world):
    stored(world, new_order("ord_y", 3), new_order("ord_x", 3), new_order("ord_z", 3))
    assert ids(world.orders.unsettled()) == ["ord_x", "ord_y", "ord_z"]
