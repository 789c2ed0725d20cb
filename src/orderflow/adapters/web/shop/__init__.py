"""The browser shop: catalog, cart, checkout and the payment result pages."""


def includeme(config):
    pass
