"""Every route of the app, in one place: static files, the JSON API, the shop
and the admin. A new page or endpoint adds its line here.

Views attach to these names with @view_config in api.py, shop/ and admin/.
One exception: the development checkout page (`dev.checkout`) is added by
adapters/fake/web.py's includeme, which the composition root includes only
with the fake gateway: its path must be the one the fake gateway hands out
as the session's URL (fake.gateway.HOSTED_PATH), and the web adapter does
not import the fake. So are the development outbox pages (`dev.mail`,
`dev.mail_message`, adapters/fake/mail.py): development only, like it.
"""


def includeme(config):
    config.add_static_view("static", "orderflow:adapters/web/static/", cache_max_age=3600)

    # The JSON API (SPEC §3).
    config.add_route("api.products", "/api/products")
    config.add_route("api.checkout", "/api/payments/create-checkout-session")
    config.add_route("api.webhook", "/api/payments/webhook")
    config.add_route("api.order_by_session", "/api/orders/by-session/{session_id}")
    config.add_route("api.order", "/api/orders/{order_id}")
    config.add_route("api.retry", "/api/orders/{order_id}/retry-session")
    config.add_route("api.openapi", "/api/openapi.json")

    # The shop: catalog, cart, checkout and the payment result pages.
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

    # The admin panel.
    config.add_route("admin.home", "/admin")
    config.add_route("admin.login", "/admin/login")
    config.add_route("admin.logout", "/admin/logout")
    config.add_route("admin.orders", "/admin/orders")
    config.add_route("admin.orders_csv", "/admin/orders.csv")
    config.add_route("admin.order", "/admin/orders/{order_id}")
    config.add_route("admin.order_reconcile", "/admin/orders/{order_id}/reconcile")
    config.add_route("admin.order_cancel", "/admin/orders/{order_id}/cancel")
    config.add_route("admin.order_refund_confirm", "/admin/orders/{order_id}/refund/confirm")
    config.add_route("admin.order_refund", "/admin/orders/{order_id}/refund")
    config.add_route("admin.audit", "/admin/audit")
    config.add_route("admin.order_mail_retry", "/admin/orders/{order_id}/mail/retry")
    config.add_route("admin.events", "/admin/events")
    config.add_route("admin.event", "/admin/events/{event_id}")
    config.add_route("admin.event_apply_again", "/admin/events/{event_id}/apply-again")
    config.add_route("admin.products", "/admin/products")
    config.add_route("admin.product_new", "/admin/products/new")
    config.add_route("admin.product_edit", "/admin/products/{product_id}/edit")
    config.add_route("admin.product_active", "/admin/products/{product_id}/active")


def allowed_methods(registry, route_name):
    """The methods the views of a route answer, sorted: the Allow header of a 405.

    Read from Pyramid's introspector (what @view_config registered), so it
    cannot drift from the views; computed once per route and kept.
    """
    known = registry.setdefault("orderflow.allowed_methods", {})
    if route_name not in known:
        introspector = registry.introspector
        route = introspector.get("routes", route_name)
        views = introspector.related(route) if route is not None else []
        methods = set()
        for view in views:
            if view.category_name == "views" and view["request_methods"]:
                methods.update(_as_tuple(view["request_methods"]))
        known[route_name] = sorted(methods)
    return known[route_name]


def _as_tuple(methods):
    return (methods,) if isinstance(methods, str) else tuple(methods)
