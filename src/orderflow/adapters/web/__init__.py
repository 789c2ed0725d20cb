"""Inbound web adapter: JSON API, shop pages and admin views."""

from datetime import datetime, timezone

from pyramid.session import SignedCookieSessionFactory

from ...settings import as_bool


def request_now(request):
    """One 'now' per request, kept across conflict retries of that request."""
    return request.environ.setdefault("orderflow.now", datetime.now(timezone.utc))


def includeme(config):
    settings = config.get_settings()
    secure = as_bool(settings["orderflow.secure_cookies"])
    config.set_session_factory(SignedCookieSessionFactory(
        settings["orderflow.session_secret"], cookie_name="orderflow_session",
        httponly=True, samesite="Lax", secure=secure, timeout=8 * 3600,
    ))
    # CSRF is checked on every unsafe request unless a view opts out: only
    # the JSON API and the webhook do, as they act on no browser session.
    config.set_default_csrf_options(require_csrf=True)
    config.add_request_method(request_now, "now", reify=True)
    config.add_static_view("static", "orderflow:adapters/web/static/", cache_max_age=3600)
    config.include(".routes")
    config.include(".retry")
    config.scan(".errors")
    config.scan(".api")
    config.scan(".pages_errors")
    config.include(".shop")
    config.include(".admin")
