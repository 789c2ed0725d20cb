"""Registers the ZODB adapters as per-request services (pyramid_services)."""

from pyramid_zodbconn import get_connection

from ...ports import Catalog, EventLog, OrderRepository
from .catalog import ZodbCatalog
from .events import ZodbEventLog
from .orders import ZodbOrderRepository
from .root import app_root


def _factory(adapter):
    def factory(context, request):
        return adapter(app_root(get_connection(request)))

    return factory


def includeme(config):
    config.register_service_factory(_factory(ZodbOrderRepository), OrderRepository)
    config.register_service_factory(_factory(ZodbEventLog), EventLog)
    config.register_service_factory(_factory(ZodbCatalog), Catalog)
