"""The Carts contract, over the in-memory fake and ZODB."""

import pytest

from orderflow.domain.order import OrderItem

from .builders import at


def item(product_id, quantity):
    return OrderItem(product_id, product_id.title(), 100, quantity)


def put_at(world, minutes, cart_id, lines):
    world.now = at(minutes)
    world.carts.put(cart_id, lines)
    world.commit()


@pytest.mark.parametrize("unknown", ["cart_missing", None, 42])
def test_an_unknown_cart_has_no_lines(world, unknown):
    assert world.carts.lines(unknown) == {}
    world.carts.remove_lines(unknown, [item("mug", 1)])
    world.carts.keep(unknown)
    world.commit()
    assert world.carts.lines(unknown) == {}


def test_a_cart_keeps_its_lines_in_the_order_added(world):
    put_at(world, 0, "cart_1", {"tea": 1, "mug": 2, "bowl": 3})
    assert list(world.carts.lines("cart_1").items()) == [("tea", 1), ("mug", 2), ("bowl", 3)]


def test_the_lines_read_are_a_copy(world):
    put_at(world, 0, "cart_1", {"mug": 2})
    world.carts.lines("cart_1")["mug"] = 99
    world.commit()
    assert world.carts.lines("cart_1") == {"mug": 2}


def test_removing_ordered_items_takes_their_quantities_out(world):
    put_at(world, 0, "cart_1", {"mug": 2, "tea": 1, "bowl": 1})
    world.carts.remove_lines("cart_1", [item("mug", 1), item("tea", 1), item("spoon", 4)])
    world.commit()
    assert world.carts.lines("cart_1") == {"mug": 1, "bowl": 1}


def test_an_empty_cart_never_stored_leaves_nothing_to_prune(world):
    put_at(world, 0, "cart_empty", {})
    assert world.carts.remove_stale(at(60), limit=10) == (0, None)


def test_carts_last_changed_before_the_bound_are_pruned(world):
    put_at(world, 0, "cart_old", {"mug": 1})
    put_at(world, 10, "cart_new", {"mug": 1})
    assert world.carts.remove_stale(at(5), limit=10) == (1, None)
    world.commit()
    assert world.carts.lines("cart_old") == {}
    assert world.carts.lines("cart_new") == {"mug": 1}


def test_storing_the_same_lines_again_is_not_a_change(world):
    put_at(world, 0, "cart_1", {"mug": 1})
    put_at(world, 10, "cart_1", {"mug": 1})
    assert world.carts.remove_stale(at(5), limit=10) == (1, None)


def test_a_kept_cart_counts_its_age_from_the_checkout(world):
    put_at(world, 0, "cart_1", {"mug": 1})
    world.now = at(10)
    world.carts.keep("cart_1")
    world.commit()
    assert world.carts.remove_stale(at(5), limit=10) == (0, None)
    assert world.carts.lines("cart_1") == {"mug": 1}


def test_pruning_walks_carts_in_id_order_in_batches(world):
    for cart_id in ("cart_d", "cart_b", "cart_a", "cart_c", "cart_e"):
        put_at(world, 0, cart_id, {"mug": 1})
    put_at(world, 10, "cart_b", {"mug": 2})
    assert world.carts.remove_stale(at(5), limit=2) == (1, "cart_b")
    world.commit()
    assert world.carts.remove_stale(at(5), limit=2, after="cart_b") == (2, "cart_d")
    world.commit()
    assert world.carts.remove_stale(at(5), limit=2, after="cart_d") == (1, None)
    world.commit()
    assert [c for c in ("cart_a", "cart_b", "cart_c", "cart_d", "cart_e")
            if world.carts.lines(c)] == ["cart_b"]


def test_pruning_refuses_a_batch_of_nothing(world):
    with pytest.raises(ValueError):
        world.carts.remove_stale(at(5), limit=0)
