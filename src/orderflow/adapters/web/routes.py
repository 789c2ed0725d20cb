"""The JSON API's routes (the shop and the admin add theirs in their own includeme)."""

# The methods each API route answers, for the Allow header of a 405.
API_METHODS = {
    "api.products": "GET",
    "api.checkout": "POST",
    "api.webhook": "POST",
    "api.order_by_session": "GET",
    "api.order": "GET",
    "api.retry": "POST",
}


def includeme(config):
    config.add_route("api.products", "/api/products")
    config.add_route("api.checkout", "/api/payments/create-checkout-session")
    config.add_route("api.webhook", "/api/payments/webhook")
    config.add_route("api.order_by_session", "/api/orders/by-session/{session_id}")
    config.add_route("api.order", "/api/orders/{order_id}")
    config.add_route("api.retry", "/api/orders/{order_id}/retry-session")
