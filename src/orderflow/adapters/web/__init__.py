"""Inbound web adapter: JSON API, shop pages and admin views."""

from datetime import datetime, timezone


def request_now(request):
    """One 'now' per request, kept across conflict retries of that request."""
    return request.environ.setdefault("orderflow.now", datetime.now(timezone.utc))


def includeme(config):
    config.add_request_method(request_now, "now", reify=True)
    config.include(".routes")
    config.scan(".errors")
    config.scan(".api")
