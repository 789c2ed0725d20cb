"""The admin panel: orders, their payment story, events, catalog, reconciliation."""

from ....ports.users import PasswordHasher
from ....services.admins import LoginThrottle
from ...passwords import Argon2Hasher
from .security import AdminSecurityPolicy


def includeme(config):
    # The shop needs no identity, so one policy for the whole app is enough:
    # it only ever grants the "admin" permission to a logged-in admin.
    config.set_security_policy(AdminSecurityPolicy())
    config.register_service(Argon2Hasher(), PasswordHasher)
    # One per process: failed logins are counted in memory (services/admins.py).
    config.register_service(LoginThrottle(), LoginThrottle)

    config.add_route("admin.home", "/admin")
    config.add_route("admin.login", "/admin/login")
    config.add_route("admin.logout", "/admin/logout")
    config.add_route("admin.orders", "/admin/orders")
    config.add_route("admin.order", "/admin/orders/{order_id}")
    config.add_route("admin.order_reconcile", "/admin/orders/{order_id}/reconcile")
    config.add_route("admin.order_cancel", "/admin/orders/{order_id}/cancel")
    config.add_route("admin.events", "/admin/events")
    config.add_route("admin.products", "/admin/products")
    config.add_route("admin.product_new", "/admin/products/new")
    config.add_route("admin.product_edit", "/admin/products/{product_id}/edit")
    config.add_route("admin.product_active", "/admin/products/{product_id}/active")
    config.scan(".")
