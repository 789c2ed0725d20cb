"""The browser shop: catalog, cart, checkout and the payment result pages
(their routes are in ../routes.py)."""


def includeme(config):
    config.scan(".views")
    config.scan(".results")
