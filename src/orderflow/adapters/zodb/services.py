"""Registers every ZODB adapter as a per-request service (`request.find_service`)."""

from pyramid_zodbconn import get_connection

from ...ports import Carts, Catalog, EventLog, OrderRepository, SharedCommit
from ...ports.listings import EventListing, OrderListing
from ...ports.users import AdminUsers
from .carts import ZodbCarts
from .catalog import ZodbCatalog
from .events import ZodbEventLog
from .group_commit import GroupCommit
from .listing import ZodbEventListing, ZodbOrderListing
from .orders import ZodbOrderRepository
from .root import app_root
from .users import ZodbAdminUsers


def per_request(adapter):
    """A service factory: `adapter` on the root of the request's connection."""
    def factory(request):
        return adapter(app_root(get_connection(request)))

    return factory


def group_commit(request):
    """The process's one GroupCommit, made by `start_group_commit`."""
    return request.registry["orderflow.group_commit"]


def start_group_commit(registry, db, warm=True):
    """Called once the database is open (the composition root does)."""
    group = GroupCommit(db)
    group.start(warm)
    registry["orderflow.group_commit"] = group


def includeme(config):
    for adapter, port in (
        (ZodbOrderRepository, OrderRepository),
        (ZodbEventLog, EventLog),
        (ZodbCatalog, Catalog),
        (ZodbCarts, Carts),
        (ZodbAdminUsers, AdminUsers),
        (ZodbOrderListing, OrderListing),
        (ZodbEventListing, EventListing),
    ):
        config.register_service_factory(per_request(adapter), port)
    config.register_service_factory(group_commit, SharedCommit)
