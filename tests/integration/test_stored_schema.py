"""The stored schema, made explicit: the classes a new, used database holds.

Moving or renaming one of these classes, or storing a new one, changes
what every existing database must be able to load: the test then fails and
says where to go (an alias at the old path, an evolve step).
"""

from pathlib import Path

import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.evolve import SCHEMA_VERSION, bootstrap
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.users import ZodbAdminUsers
from orderflow.domain.admins import AdminUser
from tests.functional.conftest import (  # noqa: F401  (shop is a fixture)
    Customer, add_admin_user, admin_login, put_product, shop,
)
from tests.integration.stored_classes import stored_classes

LIST = Path(__file__).with_name("stored_classes.txt")
WHERE_TO_GO = (
    "Stored class paths are the database's schema: every existing database "
    "must still load them. For a class moved or renamed, leave an alias at the "
    "old path and add an evolve step that re-stores its objects "
    "(src/orderflow/adapters/zodb/evolve.py; docs/architecture.md, \"Stored "
    "schema\"); then update {list}."
)


def use_every_part(shop):
    """What the app stores: admin, product, cart, orders paid, declined,
    retried, refunded, disputed, and the webhook events (a duplicate too)."""
    add_admin_user(shop)
    admin_login(shop.http)
    put_product(shop, "tea-pot", unit_amount=4500)
    customer = Customer(shop)
    customer.add("ceramic-mug", 2)
    customer.add("tea-pot", 1)
    _, paid = customer.checkout()
    [payment] = shop.gateway.pay(paid)
    shop.deliver(payment)
    shop.deliver(payment)  # delivered again: noted as a duplicate
    shop.deliver_all(shop.gateway.refund_in_dashboard(paid, 500))
    shop.deliver_all(shop.gateway.dispute(paid))
    declined = shop.checkout(email="ann@example.com").json
    shop.deliver_all(shop.gateway.decline(declined["sessionId"]))
    retried = shop.http.post(f"/api/orders/{declined['orderId']}/retry-session",
                             status=201).json
    shop.deliver_all(shop.gateway.pay_async(retried["sessionId"]))
    still_failed = shop.checkout().json
    shop.deliver_all(shop.gateway.decline(still_failed["sessionId"]))


def read_list():
    return [line for line in LIST.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_a_new_used_database_stores_exactly_the_listed_classes(shop):
    use_every_part(shop)
    found = stored_classes(shop.db.storage)
    expected = read_list()
    added = sorted(set(found) - set(expected))
    gone = sorted(set(expected) - set(found))
    assert not (added or gone), (
        f"stored classes changed: new {added}, no longer stored {gone}. "
        + WHERE_TO_GO.format(list=LIST.name))


def old_admin(name):
    """An AdminUser as the release that counted failed logins in it stored it."""
    user = AdminUser(name, "hash", session_nonce="n1")
    object.__setattr__(user, "failures", 2)
    object.__setattr__(user, "locked_until", None)
    return user


def test_admins_stored_under_the_old_ports_path_load_and_are_re_stored(tmp_path, monkeypatch):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        bootstrap(db)
        tm = transaction.TransactionManager()
        connection = db.open(transaction_manager=tm)
        with monkeypatch.context() as patch:
            # As the release that kept AdminUser in ports/users.py pickled it.
            patch.setattr(AdminUser, "__module__", "orderflow.ports.users")
            with tm:
                root = app_root(connection)
                ZodbAdminUsers(root).put(old_admin("alice"))
                root.schema_version = 3
        assert "orderflow.ports.users.AdminUser" in stored_classes(db.storage)
        connection.close()
        db.close()
        db = DB(FileStorage(str(tmp_path / "Data.fs")))
        assert bootstrap(db) == list(range(3, SCHEMA_VERSION))
        classes = stored_classes(db.storage)
        assert "orderflow.ports.users.AdminUser" not in classes
        assert "orderflow.domain.admins.AdminUser" in classes
        connection = db.open()
        root = app_root(connection)
        assert root.schema_version == SCHEMA_VERSION
        alice = ZodbAdminUsers(root).get("alice")
        assert alice == AdminUser("alice", "hash", session_nonce="n1")
        # Re-stored whole: the fields nothing reads any more are gone.
        assert set(vars(alice)) == {"name", "password_hash", "session_nonce"}
        connection.close()
    finally:
        db.close()
