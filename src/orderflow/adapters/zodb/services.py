"""The ZODB adapter's wiring: a per-request service for every storage port,
the process's database, and what its transient errors become past the last retry."""

import logging
import sys

from pyramid_zodbconn import get_connection
from ZODB.POSException import ConflictError

from ...ports import Carts, Catalog, EventLog, OrderRepository, SharedCommit
from ...ports.audit import AuditLog
from ...ports.errors import StorageBusy, StorageUnavailable
from ...ports.listings import EventListing, OrderListing
from ...ports.users import AdminUsers
from .audit import ZodbAuditLog
from .carts import ZodbCarts
from .catalog import ZodbCatalog
from .database import unavailable_errors
from .events import ZodbEventLog
from .group_commit import GroupCommit
from .listing import ZodbEventListing, ZodbOrderListing
from .orders import ZodbOrderRepository
from .root import app_root
from .users import ZodbAdminUsers

log = logging.getLogger(__name__)


def database(registry):
    """The app's ZODB database, as pyramid_zodbconn opened it from `zodbconn.uri`.

    pyramid_zodbconn keeps it under a private registry attribute and offers
    only get_connection(request) in public; this is the one place that
    reads it (the composition root, console scripts and tests call this).
    """
    return registry._zodb_databases[""]


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


def _answer_as(port_error, message, level):
    """An exception view that answers a ZODB error as the port's error.

    The inbound adapter's views for `port_error` write the answer (JSON
    under /api, a page elsewhere), so it needs to know nothing of ZODB.
    """
    def view(exc, request):
        log.log(level, "%s on %s: %s", message, request.path, exc)
        try:
            raise port_error(message) from exc
        except port_error:
            return request.invoke_exception_view(sys.exc_info())

    return view


def includeme(config):
    for adapter, port in (
        (ZodbOrderRepository, OrderRepository),
        (ZodbEventLog, EventLog),
        (ZodbCatalog, Catalog),
        (ZodbCarts, Carts),
        (ZodbAdminUsers, AdminUsers),
        (ZodbOrderListing, OrderListing),
        (ZodbEventListing, EventListing),
        (ZodbAuditLog, AuditLog),
    ):
        config.register_service_factory(per_request(adapter), port)
    config.register_service_factory(group_commit, SharedCommit)
    # Transient errors: pyramid_retry re-runs the request while attempts
    # remain (retryable_error=False keeps these views out of its way); past
    # the last one they are answered 503. The ZEO server (or PostgreSQL)
    # away or restarting, and conflicts that outlasted every attempt:
    unavailable = _answer_as(StorageUnavailable, "database unavailable", logging.ERROR)
    for error in unavailable_errors():
        config.add_exception_view(unavailable, error, retryable_error=False)
    busy = _answer_as(StorageBusy, "giving up after repeated conflicts", logging.WARNING)
    config.add_exception_view(busy, ConflictError, retryable_error=False)
