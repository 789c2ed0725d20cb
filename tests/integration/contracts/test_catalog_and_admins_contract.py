"""The Catalog and AdminUsers contracts, over the in-memory fakes and ZODB."""

from dataclasses import replace

import pytest

from orderflow.domain.admins import AdminUser
from orderflow.domain.catalog import Product

TEA = Product("tea", "Tea", "Loose leaf.", 500, "eur")
MUG = Product("mug", "Mug", "", 1250, "eur")
BOWL = Product("bowl", "Bowl", "", 900, "eur", active=False)


def test_products_are_listed_by_id_and_the_active_ones_apart(world):
    for product in (TEA, MUG, BOWL):
        world.catalog.put(product)
    world.commit()
    assert [p.id for p in world.catalog.all()] == ["bowl", "mug", "tea"]
    assert [p.id for p in world.catalog.active()] == ["mug", "tea"]
    assert world.catalog.get("mug") == MUG


def test_putting_a_product_again_replaces_it(world):
    world.catalog.put(MUG)
    world.commit()
    world.catalog.put(replace(MUG, unit_amount=1300))
    world.commit()
    assert world.catalog.get("mug").unit_amount == 1300
    assert len(world.catalog.all()) == 1


@pytest.mark.parametrize("unknown", ["spoon", None, 42])
def test_an_unknown_product_is_none(world, unknown):
    world.catalog.put(MUG)
    assert world.catalog.get(unknown) is None


def test_admin_users_are_stored_replaced_and_named_in_order(world):
    world.admins.put(AdminUser("zoe", "hash-1"))
    world.admins.put(AdminUser("alice", "hash-2"))
    world.commit()
    world.admins.put(AdminUser("zoe", "hash-3", session_nonce="n1"))
    world.commit()
    assert world.admins.names() == ["alice", "zoe"]
    assert world.admins.get("zoe") == AdminUser("zoe", "hash-3", "n1")


@pytest.mark.parametrize("unknown", ["bob", None, 42])
def test_an_unknown_admin_is_none(world, unknown):
    world.admins.put(AdminUser("alice", "hash"))
    assert world.admins.get(unknown) is None


def test_removing_an_admin_forgets_it_and_an_unknown_one_is_refused(world):
    world.admins.put(AdminUser("alice", "hash"))
    world.commit()
    world.admins.remove("alice")
    world.commit()
    assert world.admins.get("alice") is None and world.admins.names() == []
    with pytest.raises(KeyError):
        world.admins.remove("alice")
