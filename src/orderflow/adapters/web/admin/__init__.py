"""The admin panel: orders, their payment story, events, catalog, reconciliation
(routes in ../routes.py; the PasswordHasher is registered by the composition root)."""

from ....services.admins import LoginThrottle
from .security import AdminSecurityPolicy


def includeme(config):
    # The shop needs no identity, so one policy for the whole app is enough:
    # it only ever grants the "admin" permission to a logged-in admin.
    config.set_security_policy(AdminSecurityPolicy())
    # One per process: failed logins are counted in memory (services/admins.py).
    config.register_service(LoginThrottle(), LoginThrottle)
    config.scan(".")
