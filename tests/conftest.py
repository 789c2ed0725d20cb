"""Fixtures shared by every tier."""

import pytest

WEBHOOK_SECRET = "whsec_test_secret_for_the_test_suite"


def app_settings(tmp_path, **overrides):
    settings = {
        "orderflow.gateway": "fake",
        "orderflow.public_origin": "http://shop.test",
        "orderflow.webhook_secret": WEBHOOK_SECRET,
        "orderflow.session_secret": "test-session-secret",
        "orderflow.seed_catalog": "true",
        "orderflow.dev_delivery_delay": "0",
        "zodbconn.uri": f"file://{tmp_path}/Data.fs",
        "retry.attempts": "10",
        # No reconciliation thread per test app; its own tests turn it on.
        "orderflow.reconcile_every_minutes": "0",
        # Every test client has one address (WebTest sends none, the browser
        # 127.0.0.1): limits far above what any test does, so that the
        # limiter still runs on every request. tests/functional/
        # test_rate_limits.py sets the real ones.
        "orderflow.rate_limit.checkout": "10000/60",
        "orderflow.rate_limit.login": "10000/60",
    }
    settings.update(overrides)
    return settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    # The environment overrides the ini: keep a developer's shell out of tests.
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "PUBLIC_ORIGIN",
                 "ORDERFLOW_SESSION_SECRET", "ORDERFLOW_ZODB_URI", "ORDERFLOW_MAIL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
