"""The development hosted-checkout page (mounted only with the fake gateway)."""


def includeme(config):
    pass
