"""Rate limits per client address: checkout creation and admin login (SPEC §12).

The app's limiter reads a clock that the tests replace: no test sleeps.
"""

import pytest
import webtest

from orderflow.adapters.web.ratelimit import RateLimiter, address_key, client_address
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.settings import (
    DEFAULTS, ConfigurationError, parse_rate, resolve, trusted_networks,
)
from tests.conftest import app_settings
from tests.functional.conftest import (
    Customer, Shop, add_admin_user, admin_login, race_checkouts, stored_counts,
)

BODY = {"items": [{"id": "ceramic-mug", "quantity": 1}]}
CHECKOUT = "/api/payments/create-checkout-session"
LIMITS = ("orderflow.rate_limit.checkout", "orderflow.rate_limit.login")


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def make_shop(tmp_path):
    """Shops with settings of their own, each with a fake clock for its limits."""
    made = []

    def make(**settings):
        # The shipped defaults unless a test sets its own (tests/conftest.py
        # lifts them for the other tests).
        settings = {key: DEFAULTS[key] for key in LIMITS} | settings
        app = main({}, **app_settings(tmp_path / str(len(made)), **settings))
        shop = Shop(app)
        shop.clock = app.registry["orderflow.rate_limits"].clock = FakeClock()
        made.append(app)
        return shop

    yield make
    for app in made:
        database(app.registry).close()


def browser(shop, address, **environ):
    return webtest.TestApp(shop.app, extra_environ={"REMOTE_ADDR": address, **environ})


def post_checkout(http, status="*"):
    return http.post_json(CHECKOUT, BODY, status=status)


# -- the limiter on its own ---------------------------------------------------

def test_the_limiter_refuses_past_the_limit_and_serves_again_after_the_window():
    limiter = RateLimiter(3, 60)
    assert [limiter.hit("a", t) for t in (0, 10, 20)] == [None, None, None]
    assert limiter.hit("a", 30) == 30  # the first hit leaves the window at 60
    assert limiter.hit("b", 30) is None  # another address is counted apart
    assert limiter.hit("a", 60) is None
    assert limiter.hit("a", 61) == 9


def test_refused_requests_do_not_push_the_end_of_the_wait_further():
    limiter = RateLimiter(1, 60)
    limiter.hit("a", 0)
    for t in range(1, 60):
        assert limiter.hit("a", t) == 60 - t
    assert limiter.hit("a", 60) is None


def test_the_limiter_remembers_a_bounded_number_of_addresses():
    limiter = RateLimiter(1, 60, capacity=100)
    for n in range(10_000):
        limiter.hit(f"10.0.{n // 256}.{n % 256}", 0)
    assert len(limiter) == 100
    assert limiter.hit("10.0.39.15", 1) is not None  # the most recent are still counted


# -- the client's address ------------------------------------------------------

TRUSTED = trusted_networks("127.0.0.1, 10.0.0.0/8")


def test_x_forwarded_for_is_ignored_from_a_peer_that_is_not_a_trusted_proxy():
    environ = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_address(environ, TRUSTED) == "203.0.113.9"
    assert client_address(environ, ()) == "203.0.113.9"


def test_behind_trusted_proxies_the_right_most_untrusted_address_is_the_client():
    environ = {"REMOTE_ADDR": "127.0.0.1",
               "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1, 10.1.2.3"}
    assert client_address(environ, TRUSTED) == "198.51.100.1"


def test_behind_a_trusted_proxy_without_x_forwarded_for_the_proxy_is_the_client():
    assert client_address({"REMOTE_ADDR": "127.0.0.1"}, TRUSTED) == "127.0.0.1"


def test_an_ipv6_client_is_counted_by_its_64_prefix():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"


# -- settings --------------------------------------------------------------------

def test_a_rate_is_requests_per_seconds_or_off():
    assert parse_rate("20/60") == (20, 60)
    assert parse_rate(" OFF ") is None
    for bad in ("20", "0/60", "20/0", "x/60", "20/60/2", "-1/60", "100000/60"):
        with pytest.raises(ConfigurationError):
            parse_rate(bad)


@pytest.mark.parametrize("key,value", [
    ("orderflow.rate_limit.checkout", "twenty"),
    ("orderflow.rate_limit.login", "5 per minute"),
    ("orderflow.trusted_proxies", "127.0.0.1, proxy.example"),
])
def test_a_bad_limit_setting_stops_the_start_with_its_name(tmp_path, key, value):
    with pytest.raises(ConfigurationError, match=key.replace(".", r"\.")):
        resolve(app_settings(tmp_path, **{key: value}), environ={})


def test_the_defaults_are_twenty_checkouts_and_ten_logins_a_minute(tmp_path):
    settings = app_settings(tmp_path)
    for key in LIMITS:
        del settings[key]
    settings = resolve(settings, environ={})
    assert parse_rate(settings["orderflow.rate_limit.checkout"]) == (20, 60)
    assert parse_rate(settings["orderflow.rate_limit.login"]) == (10, 60)
    assert settings["orderflow.trusted_proxies"] == ""


# -- the app -----------------------------------------------------------------------

def test_the_twenty_first_api_checkout_in_a_minute_gets_429_and_creates_nothing(make_shop):
    shop = make_shop()
    http = browser(shop, "203.0.113.9")
    for _ in range(20):
        post_checkout(http, status=201)
    before = stored_counts(shop)
    refused = post_checkout(http, status=429)
    assert refused.json["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "60"
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    assert stored_counts(shop) == before
    shop.clock.now += 30
    assert post_checkout(http, status=429).headers["Retry-After"] == "30"
    shop.clock.now += 30
    post_checkout(http, status=201)


def test_another_address_is_served_while_one_is_limited(make_shop):
    shop = make_shop(**{"orderflow.rate_limit.checkout": "2/60"})
    one, other = browser(shop, "203.0.113.9"), browser(shop, "198.51.100.1")
    post_checkout(one, status=201)
    post_checkout(one, status=201)
    post_checkout(one, status=429)
    post_checkout(other, status=201)


def test_the_shop_checkout_form_shares_the_count_and_answers_a_page(make_shop):
    shop = make_shop(**{"orderflow.rate_limit.checkout": "2/60"})
    customer = Customer(shop)
    customer.http = browser(shop, "203.0.113.9")
    customer.add("ceramic-mug")
    post_checkout(customer.http, status=201)
    customer.checkout()
    refused = customer.cart_form("/cart/checkout").submit(status=429)
    assert refused.content_type == "text/html"
    assert "Too many requests" in refused.text and "try again in 60 seconds" in refused.text
    assert refused.headers["Retry-After"] == "60"
    assert refused.headers["X-Frame-Options"] == "DENY"
    shop.clock.now += 60
    customer.checkout()


def test_the_eleventh_login_in_a_minute_gets_429_even_with_the_right_password(make_shop):
    shop = make_shop()
    add_admin_user(shop)
    http = browser(shop, "203.0.113.9")
    for n in range(10):
        # Ten names, so that the lockout per name and address stays out of it.
        admin_login(http, name=f"guess{n}", password="wrong", status=200)
    refused = admin_login(http, status=429)
    assert "Too many requests" in refused.text and refused.headers["Retry-After"] == "60"
    admin_login(browser(shop, "198.51.100.1"), status=303)
    shop.clock.now += 60
    admin_login(http, status=303)


def test_x_forwarded_for_counts_clients_apart_only_behind_a_trusted_proxy(make_shop):
    shop = make_shop(**{"orderflow.rate_limit.checkout": "1/60",
                        "orderflow.trusted_proxies": "10.0.0.0/8"})
    proxy = browser(shop, "10.0.0.2")
    for client in ("198.51.100.1", "198.51.100.2"):
        proxy.post_json(CHECKOUT, BODY, headers={"X-Forwarded-For": client}, status=201)
    proxy.post_json(CHECKOUT, BODY, headers={"X-Forwarded-For": "198.51.100.1"}, status=429)
    # Not from the proxy: a client cannot pick a new address per request.
    direct = browser(shop, "203.0.113.9")
    direct.post_json(CHECKOUT, BODY, headers={"X-Forwarded-For": "192.0.2.1"}, status=201)
    direct.post_json(CHECKOUT, BODY, headers={"X-Forwarded-For": "192.0.2.2"}, status=429)


def test_a_limit_set_off_never_refuses(make_shop):
    shop = make_shop(**{"orderflow.rate_limit.checkout": "off"})
    http = browser(shop, "203.0.113.9")
    for _ in range(25):
        post_checkout(http, status=201)


def test_a_checkout_rerun_after_a_database_conflict_is_counted_once(make_shop, monkeypatch):
    shop = make_shop(**{"orderflow.rate_limit.checkout": "1/60"})
    calls = race_checkouts(shop, monkeypatch, times=1)
    post_checkout(browser(shop, "203.0.113.9"), status=201)
    assert len(calls) == 2  # it ran twice


def test_other_routes_are_not_limited(make_shop):
    shop = make_shop(**{"orderflow.rate_limit.checkout": "1/60",
                        "orderflow.rate_limit.login": "1/60"})
    http = browser(shop, "203.0.113.9")
    for _ in range(5):
        http.get("/", status=200)
        http.get("/admin/login", status=200)
        http.get("/api/products", status=200)
