"""Pruning stale carts: the Carts.remove_stale contract over the fake and the
ZODB adapter, and orderflow-prune-carts against a real app's database."""

from datetime import datetime, timedelta, timezone

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from orderflow.adapters.scripts.common import ScriptEnv
from orderflow.adapters.scripts.prune_carts import main as prune_main
from orderflow.adapters.zodb.carts import ZodbCarts
from orderflow.adapters.zodb.evolve import bootstrap
from orderflow.adapters.zodb.root import app_root
from orderflow.domain.order import Status
from tests.functional.conftest import customer, shop  # noqa: F401  (fixtures)
from tests.integration.test_scripts import script, write_ini
from tests.unit.fakes import InMemoryCarts

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
OLD = NOW - timedelta(days=45)
CUTOFF = NOW - timedelta(days=30)


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


class MemoryStore:
    def __init__(self, tmp_path):
        self.clock = Clock()
        self.carts = InMemoryCarts(self.clock)

    def commit(self):
        pass

    def close(self):
        pass


class ZodbStore:
    """ZodbCarts on a FileStorage, one transaction open at a time."""

    def __init__(self, tmp_path):
        self.clock = Clock()
        self.db = DB(FileStorage(str(tmp_path / "Data.fs")))
        bootstrap(self.db)
        self.tm = transaction.TransactionManager()
        self.connection = self.db.open(transaction_manager=self.tm)
        self.carts = ZodbCarts(app_root(self.connection), self.clock)

    def commit(self):
        self.tm.commit()

    def close(self):
        self.tm.abort()
        self.connection.close()
        self.db.close()


@pytest.fixture(params=[MemoryStore, ZodbStore], ids=["fake", "zodb"])
def store(request, tmp_path):
    store = request.param(tmp_path)
    yield store
    store.close()


def put_at(store, when, cart_id, lines=None):
    store.clock.now = when
    store.carts.put(cart_id, lines or {"ceramic-mug": 1})


def prune_all(store, before, limit):
    """Every batch in turn, committing each: (removed, the `last` of each batch)."""
    removed, lasts, after = 0, [], None
    while True:
        count, after = store.carts.remove_stale(before, limit, after)
        store.commit()
        removed += count
        lasts.append(after)
        if after is None:
            return removed, lasts


# -- the contract, over both adapters ---------------------------------------------


def test_nothing_to_prune_in_an_empty_store(store):
    assert store.carts.remove_stale(CUTOFF, 10) == (0, None)


def test_carts_changed_before_the_cutoff_go_and_the_others_stay(store):
    put_at(store, OLD, "cart_old", {"ceramic-mug": 2})
    put_at(store, CUTOFF, "cart_at_cutoff")
    put_at(store, NOW, "cart_new", {"green-tea": 1})
    store.commit()

    assert store.carts.remove_stale(CUTOFF, 10) == (1, None)
    store.commit()

    assert store.carts.lines("cart_old") == {}
    assert store.carts.lines("cart_at_cutoff") == {"ceramic-mug": 1}
    assert store.carts.lines("cart_new") == {"green-tea": 1}


def test_batches_walk_in_cart_id_order_and_remove_exactly_the_stale_carts(store):
    for cart_id, when in (("cart_c", OLD), ("cart_a", OLD), ("cart_e", NOW),
                          ("cart_b", NOW), ("cart_d", OLD)):
        put_at(store, when, cart_id)
    store.commit()

    removed, lasts = prune_all(store, CUTOFF, limit=2)

    assert removed == 3
    assert lasts == ["cart_b", "cart_d", None]
    left = [c for c in ("cart_a", "cart_b", "cart_c", "cart_d", "cart_e") if store.carts.lines(c)]
    assert left == ["cart_b", "cart_e"]


def test_a_batch_that_ends_on_the_last_cart_says_the_walk_is_over(store):
    for cart_id in ("cart_a", "cart_b", "cart_c", "cart_d"):
        put_at(store, OLD, cart_id)
    store.commit()
    assert prune_all(store, CUTOFF, limit=2) == (4, ["cart_b", None])


def test_a_later_batch_starts_after_the_given_cart_id(store):
    for cart_id in ("cart_a", "cart_b", "cart_c"):
        put_at(store, OLD, cart_id)
    store.commit()
    assert store.carts.remove_stale(CUTOFF, 10, after="cart_a") == (2, None)
    assert store.carts.lines("cart_a") == {"ceramic-mug": 1}


def test_changing_the_lines_keeps_a_cart_but_storing_the_same_lines_does_not(store):
    put_at(store, OLD, "cart_changed", {"ceramic-mug": 1})
    put_at(store, OLD, "cart_same", {"ceramic-mug": 1})
    put_at(store, NOW, "cart_changed", {"ceramic-mug": 2})
    put_at(store, NOW, "cart_same", {"ceramic-mug": 1})
    store.commit()
    assert store.carts.remove_stale(CUTOFF, 10) == (1, None)
    assert store.carts.lines("cart_changed") == {"ceramic-mug": 2}
    assert store.carts.lines("cart_same") == {}


def test_removing_ordered_lines_counts_as_a_change(store):
    from tests.integration.conftest import MUG, make_order

    put_at(store, OLD, "cart_paid", {"ceramic-mug": 3})
    store.clock.now = NOW
    store.carts.remove_lines("cart_paid", make_order(((MUG, 1),)).items)
    store.commit()
    assert store.carts.remove_stale(CUTOFF, 10) == (0, None)
    assert store.carts.lines("cart_paid") == {"ceramic-mug": 2}


def test_removing_lines_of_a_pruned_cart_changes_nothing(store):
    from tests.integration.conftest import MUG, make_order

    put_at(store, OLD, "cart_gone", {"ceramic-mug": 3})
    store.commit()
    store.carts.remove_stale(CUTOFF, 10)
    store.commit()
    store.carts.remove_lines("cart_gone", make_order(((MUG, 1),)).items)
    store.commit()
    assert store.carts.lines("cart_gone") == {}
    assert store.carts.remove_stale(NOW + timedelta(days=1), 10) == (0, None)


def test_a_batch_size_below_one_is_refused(store):
    with pytest.raises(ValueError):
        store.carts.remove_stale(CUTOFF, 0)


# -- ZODB: a cart refreshed while it is being pruned -------------------------------


def test_a_cart_refreshed_during_a_prune_makes_the_prune_conflict_instead_of_removing_it(
        tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    bootstrap(db)
    pruner_tm, customer_tm = transaction.TransactionManager(), transaction.TransactionManager()
    setup_tm = transaction.TransactionManager()
    setup = db.open(transaction_manager=setup_tm)
    ZodbCarts(app_root(setup), Clock(OLD)).put("cart_a", {"ceramic-mug": 1})
    setup_tm.commit()
    setup.close()
    pruning = db.open(transaction_manager=pruner_tm)
    browsing = db.open(transaction_manager=customer_tm)
    try:
        pruner = ZodbCarts(app_root(pruning))
        assert pruner.remove_stale(CUTOFF, 10) == (1, None)
        # Meanwhile the customer comes back and changes the cart.
        ZodbCarts(app_root(browsing), Clock(NOW)).put("cart_a", {"ceramic-mug": 2})
        customer_tm.commit()

        with pytest.raises(ConflictError):
            pruner_tm.commit()
        pruner_tm.abort()
        assert pruner.remove_stale(CUTOFF, 10) == (0, None)  # the retry
        pruner_tm.commit()
        assert pruner.lines("cart_a") == {"ceramic-mug": 2}
    finally:
        pruning.close()
        browsing.close()
        db.close()


# -- the console script on a running app's database --------------------------------


class CountingEnv(ScriptEnv):
    """The script's env on the test app, counting its transactions."""

    def __init__(self, registry):
        super().__init__(registry)
        self.transactions = 0

    def run(self, work, attempts=5):
        self.transactions += 1
        return super().run(work, attempts)


def seed(shop, *carts):
    """(cart id, updated_at) pairs, stored as the app stores carts."""
    with shop.storage() as repos:
        for cart_id, when in carts:
            ZodbCarts(repos.root, Clock(when)).put(cart_id, {"ceramic-mug": 1})


def stored_cart_ids(shop):
    with shop.storage() as repos:
        return list(repos.root.carts.keys())


def prune(shop, *args):
    env = CountingEnv(shop.app.registry)
    try:
        code = prune_main(["unused.ini", *args], env=env, clock=lambda: NOW)
    finally:
        env.close()
    return code, env.transactions


def test_the_script_removes_stale_carts_and_keeps_fresh_ones(shop, capsys):
    seed(shop, ("cart_a", OLD), ("cart_b", NOW - timedelta(days=2)),
         ("cart_c", NOW - timedelta(days=31)))

    assert prune(shop) == (0, 1)

    assert capsys.readouterr().out == "removed 2 of 3 carts not changed for 30 days\n"
    assert stored_cart_ids(shop) == ["cart_b"]


def test_the_script_prunes_in_batches_of_one_transaction_each(shop, capsys):
    seed(shop, ("cart_a", OLD), ("cart_b", NOW), ("cart_c", OLD), ("cart_d", NOW),
         ("cart_e", OLD))

    assert prune(shop, "--batch", "2") == (0, 3)

    assert capsys.readouterr().out == "removed 3 of 5 carts not changed for 30 days\n"
    assert stored_cart_ids(shop) == ["cart_b", "cart_d"]


def test_the_script_takes_the_age_in_days(shop, capsys):
    seed(shop, ("cart_a", NOW - timedelta(days=3)), ("cart_b", NOW - timedelta(hours=12)))
    prune(shop, "--older-than-days", "1")
    assert capsys.readouterr().out == "removed 1 of 2 carts not changed for 1 day\n"
    assert stored_cart_ids(shop) == ["cart_b"]


@pytest.mark.parametrize("option", ["--older-than-days", "--batch"])
@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_the_script_refuses_a_value_below_one_and_names_the_option(shop, capsys, option, value):
    seed(shop, ("cart_a", OLD))
    with pytest.raises(SystemExit) as exit:
        prune(shop, option, value)
    assert exit.value.code == 2
    assert f"argument {option}:" in capsys.readouterr().err
    assert stored_cart_ids(shop) == ["cart_a"]


def test_an_order_whose_cart_was_pruned_is_still_paid_and_leaves_no_cart_behind(
        shop, customer, capsys):
    customer.add("ceramic-mug", 2)
    order, session_id = customer.checkout()
    assert stored_cart_ids(shop) == [order.cart_id]

    # 31 days on, the customer never came back: the cart goes, the order stays.
    env = ScriptEnv(shop.app.registry)
    try:
        prune_main(["unused.ini"], env=env,
                   clock=lambda: datetime.now(timezone.utc) + timedelta(days=31))
    finally:
        env.close()
    assert capsys.readouterr().out == "removed 1 of 1 carts not changed for 30 days\n"
    assert stored_cart_ids(shop) == []

    # Paying clears the ordered lines of a cart that no longer exists: nothing.
    shop.deliver_all(shop.gateway.pay(session_id))
    paid = shop.order(order.id)
    assert paid.status == Status.PAID and paid.items == order.items
    assert stored_cart_ids(shop) == []
    assert customer.cart_lines() == {}
    customer.add("milk-jug")  # the same browser starts a cart again
    assert customer.cart_lines() == {"milk-jug": 1}


def test_the_console_script_is_installed_and_runs_on_an_ini(tmp_path):
    done = script("prune-carts", write_ini(tmp_path), "--batch", "5")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "removed 0 of 0 carts not changed for 30 days\n"
