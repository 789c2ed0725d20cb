"""Composition root: the one place that knows every adapter."""

import atexit
import json
import logging
import os
import urllib.parse
from importlib import resources

from pyramid.config import Configurator

from .adapters.memory.duplicates import MemoryDuplicateNotes
from .adapters.passwords import Argon2Hasher
from .adapters.web.presenters import catalog_from_json
from .adapters.zodb.catalog import ZodbCatalog
from .adapters.zodb.database import close_at_exit, read_your_writes
from .adapters.zodb.evolve import bootstrap
from .adapters.zodb.reconciler import Reconciler
from .adapters.zodb.root import app_root, run_in_transaction
from .adapters.zodb.services import database, start_group_commit
from .adapters.zodb.warm import warm
from .collector import tune_after_start
from .mail_setup import start_background_sender
from .ports import PaymentGateway
from .ports.deliveries import DuplicateNotes
from .ports.users import PasswordHasher
from .services.catalog import import_catalog
from .services.checkout import CheckoutSettings
from .settings import as_bool, resolve

log = logging.getLogger(__name__)


def make_gateway(settings):
    secrets = settings["orderflow.webhook_secret"]
    tolerance = int(settings["orderflow.webhook_tolerance"])
    if settings["orderflow.gateway"] == "stripe":
        from .adapters.stripe.gateway import StripeGateway

        return StripeGateway(
            settings["orderflow.stripe_secret_key"], secrets,
            api_base=settings["orderflow.stripe_api_base"] or None, tolerance=tolerance,
        )
    from .adapters.fake.gateway import FakeGateway

    state_file = settings.get("orderflow.dev_gateway_file", "").strip()
    if state_file:
        # Development keeps the fake's sessions across restarts, as Stripe does.
        from .adapters.fake.persistence import FileBackedFakeGateway

        return FileBackedFakeGateway(secrets, settings["orderflow.public_origin"], state_file,
                                     tolerance=tolerance)
    return FakeGateway(secrets, settings["orderflow.public_origin"], tolerance=tolerance)


def main(global_config, **settings):
    settings = resolve(settings)
    # Explicit transaction managers: no thread-local state shared by accident.
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    settings.setdefault("retry.attempts", "10")
    make_storage_directory(settings["zodbconn.uri"])
    with Configurator(settings=settings) as config:
        config.include("pyramid_tm")
        config.include("pyramid_retry")
        config.include("pyramid_zodbconn")
        config.include(".adapters.web.services")
        config.include("pyramid_jinja2")
        # Process-wide adapters; console scripts and tests reach them with
        # adapters.web.services.process_service(registry, Port).
        gateway = make_gateway(settings)
        config.register_service(gateway, PaymentGateway)
        config.register_service(Argon2Hasher(), PasswordHasher)
        config.register_service(MemoryDuplicateNotes(), DuplicateNotes)
        config.register_service(CheckoutSettings(
            public_origin=settings["orderflow.public_origin"],
            session_ttl_seconds=60 * int(settings["orderflow.session_ttl_minutes"]),
        ), CheckoutSettings)
        config.include(".adapters.zodb.services")
        config.include(".mail_setup")
        config.include(".adapters.web")
        if settings["orderflow.gateway"] == "fake":
            # Plays Stripe's hosted checkout and shows the outbox (/dev/mail);
            # never mounted in production.
            config.include(".adapters.fake.web")
            config.include(".adapters.fake.mail")
        app = config.make_wsgi_app()
    db = database(config.registry)
    close_at_exit(db)
    read_your_writes(db)
    bootstrap(db)
    warm_connections = int(settings["orderflow.warm_connections"])
    # Before warm(): the webhooks' connection is held open, outside the pool.
    start_group_commit(config.registry, db, warm=warm_connections > 0)
    if as_bool(settings["orderflow.seed_catalog"]):
        seed_catalog(db)
    warm(db, warm_connections)
    start_reconciler(config.registry, db, gateway, settings)
    start_background_sender(config.registry, db,
                            console=as_bool((global_config or {}).get("orderflow.console")))
    if settings["orderflow.gc"] == "tuned":
        tune_after_start()  # last: what start-up made is frozen
    log.info("orderflow started with the %s gateway", settings["orderflow.gateway"])
    return app


def start_reconciler(registry, db, gateway, settings):
    """The scheduled reconciliation thread, unless turned off (SPEC §10)."""
    every = 60 * float(settings["orderflow.reconcile_every_minutes"])
    if not every:
        return
    reconciler = Reconciler(db, gateway, every,
                            60 * float(settings["orderflow.reconcile_after_minutes"]))
    registry["orderflow.reconciler"] = reconciler
    # Registered after close_at_exit, so it runs first: the thread stops
    # before the database closes under it.
    atexit.register(reconciler.stop)
    reconciler.start()


def seed_catalog(db):
    """Load the demo catalog into an empty catalog (development only)."""
    def seed(connection):
        catalog = ZodbCatalog(app_root(connection))
        if not catalog.all():
            text = resources.files("orderflow").joinpath("seed/catalog.json").read_text()
            import_catalog(catalog, catalog_from_json(json.loads(text)))

    run_in_transaction(db, seed)


def make_storage_directory(uri):
    """FileStorage needs its directory: a fresh clone has no var/."""
    if uri.startswith("file://"):
        path = urllib.parse.urlsplit(uri).path
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
