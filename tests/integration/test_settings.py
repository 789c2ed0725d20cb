"""Settings: the environment overrides the ini; production refuses to start without secrets."""

from pathlib import Path

from pyramid.interfaces import IRoutesMapper
from pyramid.paster import get_app
import pytest
import webtest

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.adapters.stripe.gateway import StripeGateway
from orderflow.adapters.web.services import process_service
from orderflow.adapters.zodb.catalog import ZodbCatalog
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.domain.catalog import Product
from orderflow.ports import PaymentGateway
from orderflow.settings import ConfigurationError, resolve
from tests.conftest import app_settings

ROOT = Path(__file__).resolve().parents[2]
STRIPE_VARIABLES = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "ORDERFLOW_SESSION_SECRET")

INI = {
    "orderflow.gateway": "fake",
    "orderflow.public_origin": "http://ini.example",
    "orderflow.stripe_secret_key": "sk_test_from_ini",
    "orderflow.webhook_secret": "whsec_from_ini",
    "orderflow.session_secret": "session-from-ini",
    "zodbconn.uri": "file:///ini/Data.fs",
}


def test_environment_variables_override_the_ini():
    environ = {
        "STRIPE_SECRET_KEY": "sk_test_from_env",
        "STRIPE_WEBHOOK_SECRET": "whsec_one,whsec_two",
        "PUBLIC_ORIGIN": "https://env.example/",
        "ORDERFLOW_SESSION_SECRET": "session-from-env",
        "ORDERFLOW_ZODB_URI": "zeo://127.0.0.1:8100",
    }

    settings = resolve(INI, environ)

    assert settings["orderflow.stripe_secret_key"] == "sk_test_from_env"
    assert settings["orderflow.webhook_secret"] == "whsec_one,whsec_two"
    assert settings["orderflow.public_origin"] == "https://env.example"
    assert settings["orderflow.session_secret"] == "session-from-env"
    assert settings["zodbconn.uri"] == "zeo://127.0.0.1:8100"


def test_the_ini_holds_when_the_environment_is_silent_or_blank():
    settings = resolve(INI, {"STRIPE_SECRET_KEY": "  ", "PUBLIC_ORIGIN": ""})

    assert settings["orderflow.stripe_secret_key"] == "sk_test_from_ini"
    assert settings["orderflow.public_origin"] == "http://ini.example"
    assert settings["zodbconn.uri"] == "file:///ini/Data.fs"


def test_defaults_fill_what_the_ini_leaves_out():
    settings = resolve({"orderflow.webhook_secret": "whsec_x", "zodbconn.uri": "memory://"}, {})

    assert settings["orderflow.gateway"] == "fake"
    assert settings["orderflow.webhook_tolerance"] == "300"


def test_the_stripe_gateway_without_secrets_names_every_missing_variable():
    with pytest.raises(ConfigurationError) as raised:
        resolve({"orderflow.gateway": "stripe", "zodbconn.uri": "memory://"}, {})

    for variable in STRIPE_VARIABLES:
        assert variable in str(raised.value)


@pytest.mark.parametrize("missing", STRIPE_VARIABLES)
def test_the_stripe_gateway_names_only_the_variable_that_is_missing(missing):
    environ = {name: "set" for name in STRIPE_VARIABLES if name != missing}

    with pytest.raises(ConfigurationError) as raised:
        resolve({"orderflow.gateway": "stripe", "zodbconn.uri": "memory://"}, environ)

    message = str(raised.value)
    assert missing in message
    assert not [name for name in STRIPE_VARIABLES if name != missing and name in message]


def test_the_stripe_gateway_starts_with_its_secrets_from_the_environment():
    environ = {name: "set" for name in STRIPE_VARIABLES}

    settings = resolve({"orderflow.gateway": "stripe", "zodbconn.uri": "memory://"}, environ)

    assert settings["orderflow.gateway"] == "stripe"


def test_the_fake_gateway_without_a_session_secret_names_the_setting(tmp_path):
    # memory://: the refusal comes after the database is opened, and this
    # one leaves no file open behind.
    settings = app_settings(tmp_path, **{"zodbconn.uri": "memory://"})
    del settings["orderflow.session_secret"]

    with pytest.raises(ConfigurationError) as raised:
        main({}, **settings)

    assert "orderflow.session_secret" in str(raised.value)
    assert "ORDERFLOW_SESSION_SECRET" in str(raised.value)


def test_an_unknown_gateway_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="gateway"):
        resolve(dict(INI, **{"orderflow.gateway": "paypal"}), {})


# -- loading the ini files as pserve does ------------------------------------


@pytest.fixture
def tmp_database(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERFLOW_ZODB_URI", f"file://{tmp_path}/Data.fs")
    return tmp_path / "Data.fs"


def load(ini):
    # What pserve does with the file, less the server.
    return get_app(str(ROOT / ini))


def close(app):
    database(app.registry).close()


def test_production_ini_refuses_to_start_without_secrets(tmp_database):
    with pytest.raises(ConfigurationError) as raised:
        load("production.ini")

    for variable in STRIPE_VARIABLES:
        assert variable in str(raised.value)
    assert not tmp_database.exists()


def test_production_ini_starts_with_its_secrets_and_uses_the_stripe_gateway(tmp_database,
                                                                            monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_production_check")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_live,whsec_rolled")
    monkeypatch.setenv("ORDERFLOW_SESSION_SECRET", "a-long-random-session-secret")
    monkeypatch.setenv("PUBLIC_ORIGIN", "https://shop.test")

    app = load("production.ini")
    try:
        gateway = process_service(app.registry, PaymentGateway)
        assert isinstance(gateway, StripeGateway)
        assert gateway.webhook_secrets == ("whsec_live", "whsec_rolled")
        assert app.registry.settings["orderflow.public_origin"] == "https://shop.test"
        assert tmp_database.exists()
    finally:
        close(app)


def test_development_ini_serves_the_catalog_with_no_environment_set(tmp_database):
    app = load("development.ini")
    try:
        assert isinstance(process_service(app.registry, PaymentGateway), FakeGateway)
        response = webtest.TestApp(app).get("/api/products", status=200)
        products = response.json["products"]
        assert products
        assert all(type(p["unitAmount"]) is int for p in products)
        assert tmp_database.exists()
    finally:
        close(app)


@pytest.mark.parametrize("key, value", [
    ("orderflow.session_ttl_minutes", "10"),
    ("orderflow.session_ttl_minutes", "2000"),
    ("orderflow.session_ttl_minutes", "an hour"),
    ("orderflow.webhook_tolerance", "0"),
    ("orderflow.warm_connections", "-1"),
    ("orderflow.warm_connections", "two"),
])
def test_out_of_range_timing_settings_are_refused_by_name(key, value):
    settings = {"orderflow.webhook_secret": "whsec_x", "zodbconn.uri": "memory://", key: value}
    with pytest.raises(ConfigurationError, match=key):
        resolve(settings, environ={})


def test_production_mounts_no_development_checkout_and_sets_secure_cookies(tmp_database,
                                                                           monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_production_check")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_live")
    monkeypatch.setenv("ORDERFLOW_SESSION_SECRET", "a-long-random-session-secret")

    app = load("production.ini")
    try:
        mapper = app.registry.getUtility(IRoutesMapper)
        assert "dev.checkout" not in [route.name for route in mapper.get_routes()]
        # Behind the TLS proxy: Secure cookies come back only over https.
        http = webtest.TestApp(app, extra_environ={"wsgi.url_scheme": "https",
                                                   "HTTP_HOST": "shop.test"})
        http.get("/dev/checkout/cs_test_anything", status=404)
        with database(app.registry).transaction() as connection:
            ZodbCatalog(app_root(connection)).put(
                Product("mug", "Mug", "", 1200, "eur"))
        page = http.get("/")
        form = page.forms[0]
        answer = form.submit(status=303, headers={"Origin": "https://shop.test"})
        cookies = answer.headers.getall("Set-Cookie")
        assert cookies and all("secure" in c.lower() and "httponly" in c.lower()
                               for c in cookies)
    finally:
        close(app)
