"""The two implementations of every storage port, side by side.

The ZODB world is a FileStorage in a temporary directory, made by the app's
own start-up (`bootstrap`) and used as the app does: an explicit
transaction manager, and `commit()` commits and then forgets every loaded
object, so what is read next comes from the storage, not from a cache.
"""

import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.audit import ZodbAuditLog
from orderflow.adapters.zodb.carts import ZodbCarts
from orderflow.adapters.zodb.catalog import ZodbCatalog
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.evolve import bootstrap
from orderflow.adapters.zodb.listing import ZodbEventListing, ZodbOrderListing
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.users import ZodbAdminUsers
from tests.unit.fake_listings import InMemoryEventListing, InMemoryOrderListing
from tests.unit.fakes import (
    InMemoryAdminUsers, InMemoryAuditLog, InMemoryCarts, InMemoryCatalog, InMemoryEventLog,
    InMemoryOrderRepository,
)

from .builders import T0


class MemoryWorld:
    name = "memory"

    def __init__(self):
        self.now = T0
        self.orders = InMemoryOrderRepository()
        self.events = InMemoryEventLog()
        self.catalog = InMemoryCatalog()
        self.carts = InMemoryCarts(clock=lambda: self.now)
        self.admins = InMemoryAdminUsers()
        self.order_listing = InMemoryOrderListing(self.orders)
        self.event_listing = InMemoryEventListing(self.events)
        self.audit = InMemoryAuditLog()

    def commit(self):
        """Nothing to write: the fake keeps everything as it is stored."""

    def close(self):
        pass


class ZodbWorld:
    name = "zodb"

    def __init__(self, path):
        self.now = T0
        self.db = DB(FileStorage(str(path / "Data.fs")))
        bootstrap(self.db)
        self.tm = transaction.TransactionManager(explicit=True)
        self.connection = self.db.open(transaction_manager=self.tm)
        self.tm.begin()
        root = app_root(self.connection)
        self.orders = ZodbOrderRepository(root)
        self.events = ZodbEventLog(root)
        self.catalog = ZodbCatalog(root)
        self.carts = ZodbCarts(root, clock=lambda: self.now)
        self.admins = ZodbAdminUsers(root)
        self.order_listing = ZodbOrderListing(root)
        self.event_listing = ZodbEventListing(root)
        self.audit = ZodbAuditLog(root)

    def commit(self):
        self.tm.commit()
        # Unsaved changes to loaded objects are dropped, as in a new request.
        self.connection.cacheMinimize()
        self.tm.begin()

    def close(self):
        self.tm.abort()
        self.connection.close()
        self.db.close()
