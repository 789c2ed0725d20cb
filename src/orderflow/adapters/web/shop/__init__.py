"""The browser shop: catalog, cart, checkout and the payment result pages."""

from pyramid_zodbconn import get_connection

from ....ports import Carts
from ...zodb.carts import ZodbCarts
from ...zodb.root import app_root


def carts_factory(context, request):
    return ZodbCarts(app_root(get_connection(request)))


def includeme(config):
    config.register_service_factory(carts_factory, Carts)
    config.add_route("shop.catalog", "/")
    config.add_route("shop.cart", "/cart")
    config.add_route("shop.cart_add", "/cart/add")
    config.add_route("shop.cart_update", "/cart/update")
    config.add_route("shop.cart_remove", "/cart/remove")
    config.add_route("shop.checkout", "/cart/checkout")
    config.add_route("shop.success", "/checkout/success")
    config.add_route("shop.cancel", "/checkout/cancel")
    config.add_route("shop.retry", "/checkout/retry")
    config.add_route("shop.cancel_order", "/checkout/cancel-order")
    config.scan(".views")
    config.scan(".results")
