"""The browser shop: catalog, cart, checkout and the payment result pages."""


def includeme(config):
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
