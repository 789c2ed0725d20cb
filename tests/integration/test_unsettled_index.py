"""The ZODB `unsettled` index: read with the limit applied, and built by evolve."""

from orderflow.adapters.zodb.evolve import SCHEMA_VERSION, bootstrap
from orderflow.adapters.zodb.orders import OrderRecord
from tests.integration.contracts.builders import at, fail, new_order, pay
from tests.integration.contracts.worlds import ZodbWorld


def loaded_orders(world):
    """How many order records the connection holds loaded (not ghosts)."""
    return sum(1 for record in world.orders.root.orders.values()
               if record._p_status != "ghost")


def test_unsettled_with_a_limit_loads_only_the_orders_it_returns(tmp_path):
    world = ZodbWorld(tmp_path)
    try:
        for n in range(40):
            world.orders.add(new_order(f"ord_{n:02d}", n))
        world.commit()
        assert loaded_orders(world) == 0
        found = world.orders.unsettled(older_than=at(30), limit=3)
        assert [o.id for o in found] == ["ord_00", "ord_01", "ord_02"]
        assert loaded_orders(world) == 3
    finally:
        world.close()


def as_version_2(world):
    """Take away what version 3 added, as a database written before it."""
    root = world.orders.root
    del root.unsettled
    for record in root.orders.values():
        record.__dict__.pop("indexed_change", None)
        record._p_changed = True
    root.schema_version = 2
    world.commit()


def test_evolve_builds_the_unsettled_index_of_an_existing_database(tmp_path):
    world = ZodbWorld(tmp_path)
    try:
        for n in range(4):
            world.orders.add(new_order(f"ord_{n}", n))
        world.commit()
        for order_id, change in (("ord_0", fail), ("ord_2", pay)):
            order = world.orders.get(order_id)
            change(order, 10)
            world.orders.save(order)
        world.commit()
        as_version_2(world)
        assert OrderRecord.indexed_change is None
        world.tm.abort()
        bootstrap(world.db)
        world.tm.begin()
        root = world.orders.root
        assert root.schema_version == SCHEMA_VERSION
        assert [o.id for o in world.orders.unsettled()] == ["ord_1", "ord_3", "ord_0"]
        # The records know their keys again: paying one takes it out.
        order = world.orders.get("ord_1")
        pay(order, 20)
        world.orders.save(order)
        world.commit()
        assert [o.id for o in world.orders.unsettled()] == ["ord_3", "ord_0"]
        assert len(root.unsettled) == 2
    finally:
        world.close()
