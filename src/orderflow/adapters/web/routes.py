"""Every route of the app, in one place."""


def includeme(config):
    config.add_route("api.products", "/api/products")
    config.add_route("api.checkout", "/api/payments/create-checkout-session")
    config.add_route("api.webhook", "/api/payments/webhook")
    config.add_route("api.order_by_session", "/api/orders/by-session/{session_id}")
    config.add_route("api.order", "/api/orders/{order_id}")
    config.add_route("api.retry", "/api/orders/{order_id}/retry-session")
