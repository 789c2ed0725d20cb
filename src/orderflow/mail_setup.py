"""The composition root's mail part (app.py includes it): the Outbox and
WebhookAlerts ports, the renderer, the SMTP transport and, unless
`orderflow.mail_sender = external`, the background sender of this process.
Here because it joins two adapters (mail renders and sends, zodb keeps the
outbox), which only a composition root may do."""

import atexit
from datetime import timedelta
import logging

from .adapters.mail.render import Renderer
from .adapters.mail.smtp import SmtpTransport
from .adapters.zodb.alerts import ZodbWebhookAlerts
from .adapters.zodb.mail_sender import BackgroundSender, MailSender
from .adapters.zodb.outbox import ZodbOutbox
from .adapters.zodb.services import per_request
from .ports.mail import Outbox, WebhookAlerts
from .settings import as_bool, staff_emails

log = logging.getLogger(__name__)


def renderer(settings):
    return Renderer(settings["orderflow.public_origin"], settings["mail.default_sender"],
                    staff_emails(settings), settings["orderflow.locale"])


def transport(settings):
    return SmtpTransport(
        settings["mail.host"], settings["mail.port"],
        username=settings["mail.username"], password=settings["mail.password"],
        tls=as_bool(settings["mail.tls"]), use_ssl=as_bool(settings["mail.ssl"]),
    )


def mail_sender(registry, db):
    """The MailSender for this app's settings, or None when mail stays in the outbox."""
    settings = registry.settings
    if settings["orderflow.mail"] != "smtp":
        return None
    return MailSender(db, transport(settings), registry["orderflow.mail_renderer"],
                      first_wait=timedelta(seconds=float(settings["orderflow.mail_retry_seconds"])))


def includeme(config):
    config.registry["orderflow.mail_renderer"] = renderer(config.get_settings())
    config.register_service_factory(per_request(ZodbOutbox), Outbox)
    # Made once the database is open (start_background_sender).
    config.register_service_factory(
        lambda request: request.registry["orderflow.webhook_alerts"], WebhookAlerts)


def start_background_sender(registry, db, console=False):
    """In an app process with `orderflow.mail = smtp` and the default sender;
    never in a console script (it would stop mid-send when the script ends)."""
    settings = registry.settings
    registry["orderflow.webhook_alerts"] = ZodbWebhookAlerts(
        db, int(settings["orderflow.alert_interval_minutes"]),
        enabled=bool(staff_emails(settings)))
    sender = mail_sender(registry, db)
    if sender is None or console or settings["orderflow.mail_sender"] == "external":
        return None
    background = BackgroundSender(sender, float(settings["orderflow.mail_poll_seconds"]))
    registry["orderflow.background_mail"] = background.start()
    # Registered after the database's close_at_exit, so it runs first: the
    # thread stops (finishing the message in hand) before the database closes.
    atexit.register(background.stop)
    log.info("sending mail through %s:%s", settings["mail.host"], settings["mail.port"])
    return background
