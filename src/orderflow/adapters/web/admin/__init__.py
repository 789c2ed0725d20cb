"""The admin panel: orders, their payment story, events, catalog, reconciliation."""


def includeme(config):
    pass
