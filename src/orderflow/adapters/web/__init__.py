"""Inbound web adapter: JSON API, shop pages and admin views."""

from datetime import datetime, timezone

from pyramid.session import SignedCookieSessionFactory
from pyramid.tweens import INGRESS

from ...settings import ConfigurationError, as_bool
from .forms import TextOnlyCSRFPolicy
from .refusals import RefusalRecorder


def request_now(request):
    """One 'now' per request, kept across conflict retries of that request."""
    return request.environ.setdefault("orderflow.now", datetime.now(timezone.utc))


def includeme(config):
    settings = config.get_settings()
    secret = settings.get("orderflow.session_secret")
    if not secret:
        # Checked here, not in settings.resolve: orderflow-send-event resolves
        # settings without building the app and signs no cookie. The console
        # scripts that build the app need it too. The production check names
        # the variable with the Stripe ones (settings.REQUIRED_FOR_STRIPE).
        raise ConfigurationError(
            "no session secret: set orderflow.session_secret or ORDERFLOW_SESSION_SECRET")
    secure = as_bool(settings["orderflow.secure_cookies"])
    config.set_session_factory(SignedCookieSessionFactory(
        secret, cookie_name="orderflow_session",
        httponly=True, samesite="Lax", secure=secure, timeout=8 * 3600,
    ))
    # CSRF is checked on every unsafe request unless a view opts out: only
    # the JSON API and the webhook do, as they act on no browser session.
    config.set_default_csrf_options(require_csrf=True)
    config.set_csrf_storage_policy(TextOnlyCSRFPolicy())
    config.add_request_method(request_now, "now", reify=True)
    # One per process: refused webhooks are counted in memory (refusals.py).
    config.register_service(RefusalRecorder(datetime.now(timezone.utc)), RefusalRecorder)
    # Above every other tween (pyramid_tm's too): an address that is not UTF-8
    # is refused before anything reads it (addresses.py).
    config.add_tween("orderflow.adapters.web.addresses.undecodable_address_tween_factory",
                     under=INGRESS)
    config.include(".headers")
    config.include(".ratelimit")
    # Bodies over the cap are refused before anything reads them (limits.py).
    config.include(".limits")
    config.include(".money")
    config.include(".routes")
    config.include(".retry")
    config.scan(".errors")
    config.scan(".api")
    config.scan(".openapi")
    config.scan(".pages_errors")
    config.include(".shop")
    config.include(".admin")
