"""Admin login, lockout, logout, and that nothing under /admin is open."""

import re

import pytest
import webtest

from tests.functional.conftest import (
    ADMIN_NAME, ADMIN_PASSWORD, add_admin_user, admin_login,
)

GENERIC = "Wrong name or password"

ADMIN_PAGES = [
    "/admin", "/admin/orders", "/admin/orders/ord_x", "/admin/events",
    "/admin/products", "/admin/products/new", "/admin/products/ceramic-mug/edit",
]
ADMIN_POSTS = [
    "/admin/logout", "/admin/orders/ord_x/reconcile", "/admin/products/new",
    "/admin/products/ceramic-mug/edit", "/admin/products/ceramic-mug/active",
]


def test_an_admin_logs_in_with_the_right_password_and_sees_the_orders(shop):
    add_admin_user(shop)
    answer = admin_login(shop.http)
    assert answer.location.endswith("/admin/orders")
    page = answer.follow()
    assert "Orders" in page.text and ADMIN_NAME in page.text


def test_the_session_cookie_is_httponly_and_samesite(shop):
    add_admin_user(shop)
    answer = admin_login(shop.http)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_wrong_password_and_an_unknown_name_get_the_same_message(shop):
    add_admin_user(shop)
    wrong = admin_login(shop.http, password="not the password", status=200)
    unknown = admin_login(shop.http, name="mallory", status=200)
    assert GENERIC in wrong.text and GENERIC in unknown.text
    assert wrong.text.count(GENERIC) == unknown.text.count(GENERIC) == 1
    shop.http.get("/admin/orders", status=303)


def from_address(shop, address):
    """A browser of its own, at another client address."""
    return webtest.TestApp(shop.app, extra_environ={"REMOTE_ADDR": address})


def test_five_wrong_passwords_lock_that_address_out_even_with_the_right_one(shop):
    add_admin_user(shop)
    stranger = from_address(shop, "203.0.113.66")
    for _ in range(5):
        admin_login(stranger, password="guess", status=200)
    locked = admin_login(stranger, status=429)
    assert re.search(r"Too many failed attempts\. Try again in [1-5] minutes?\.", locked.text)
    assert 0 < int(locked.headers["Retry-After"]) <= 300
    stranger.get("/admin/orders", status=303)


def test_the_real_admin_logs_in_from_elsewhere_while_a_stranger_is_locked_out(shop):
    add_admin_user(shop)
    stranger = from_address(shop, "203.0.113.66")
    for _ in range(5):
        admin_login(stranger, password="guess", status=200)
    admin_login(stranger, password="guess", status=429)
    admin = from_address(shop, "198.51.100.7")
    admin_login(admin, status=303)
    admin.get("/admin/orders", status=200)


def test_a_login_after_the_lock_has_passed_succeeds(shop):
    from datetime import datetime, timedelta, timezone

    add_admin_user(shop)
    for _ in range(5):
        admin_login(shop.http, password="guess", status=200)
    admin_login(shop.http, status=429)
    # The request's "now" (adapters/web/__init__.request_now), set ahead
    # instead of waiting.
    later = datetime.now(timezone.utc) + timedelta(minutes=5, seconds=1)
    shop.http.extra_environ = {"orderflow.now": later}
    admin_login(shop.http, status=303)


def test_logout_ends_the_admin_session(admin):
    page = admin.http.get("/admin/orders")
    page.forms[0].submit(status=303)
    admin.http.get("/admin/orders", status=303)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(shop, path):
    answer = shop.http.get(path, status=303)
    assert "/admin/login?next=" in answer.location


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_anonymous_json_client_gets_401(shop, path):
    answer = shop.http.get(path, headers={"Accept": "application/json"}, status=401)
    assert answer.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_an_anonymous_post_changes_nothing(shop, path):
    # No token at all: refused before anything runs (CSRF or login).
    shop.http.post(path, {"active": "0"}, status=(303, 400))
    token = _token(shop.http.get("/admin/login").text)
    shop.http.post(path, {"active": "0", "csrf_token": token}, status=303)
    with shop.storage() as repos:
        assert repos.catalog.get("ceramic-mug").active


def test_an_admin_post_without_the_csrf_token_is_refused(admin):
    admin.http.post("/admin/products/ceramic-mug/active", {"active": "0"}, status=400)
    admin.http.post("/admin/products/ceramic-mug/active",
                    {"active": "0", "csrf_token": "forged"}, status=400)
    with admin.storage() as repos:
        assert repos.catalog.get("ceramic-mug").active


def test_the_login_form_itself_needs_the_csrf_token(shop):
    add_admin_user(shop)
    shop.http.post("/admin/login", {"name": ADMIN_NAME, "password": ADMIN_PASSWORD},
                   status=400)
    shop.http.get("/admin/orders", status=303)


def test_login_returns_to_the_admin_page_first_asked_for_but_never_elsewhere(shop):
    add_admin_user(shop)
    form = shop.http.get("/admin/login?next=/admin/events").forms[0]
    form["name"], form["password"] = ADMIN_NAME, ADMIN_PASSWORD
    assert form.submit(status=303).location.endswith("/admin/events")
    shop.http.reset()
    form = shop.http.get("/admin/login?next=https://evil.example/").forms[0]
    form["name"], form["password"] = ADMIN_NAME, ADMIN_PASSWORD
    assert form.submit(status=303).location.endswith("/admin/orders")


@pytest.mark.parametrize("target", [
    "/admin\r\nX-Evil: 1", "/admin/orders\t", "/admin/orders\x00",
    "/admin\\..\\..\\evil.example", "/admin/../..//evil.example", "/admin//evil.example",
    "/administrator", "/admin/login?next=https://evil.example/",
])
def test_a_next_address_that_is_not_a_plain_admin_path_leads_to_the_orders(admin, target):
    answer = admin.http.get("/admin/login", {"next": target}, status=303)
    assert answer.location == "http://localhost/admin/orders"


def test_a_next_address_with_a_query_is_kept(admin):
    target = "/admin/orders?status=needs_review&q=a%40b.example"
    answer = admin.http.get("/admin/login", {"next": target}, status=303)
    assert answer.location == "http://localhost" + target


def _token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_logout_also_ends_a_copy_of_the_session_cookie(admin):
    stolen = admin.http.cookies["orderflow_session"]
    admin.http.get("/admin/orders").forms[0].submit(status=303)

    admin.http.set_cookie("orderflow_session", stolen)
    admin.http.get("/admin/orders", status=303)


def test_a_new_password_ends_every_open_session(admin):
    from orderflow.adapters.passwords import Argon2Hasher
    from orderflow.adapters.zodb.users import ZodbAdminUsers
    from orderflow.services.admins import change_password

    with admin.storage() as repos:
        change_password(ZodbAdminUsers(repos.root), Argon2Hasher(), ADMIN_NAME, "a brand new password")
    admin.http.get("/admin/orders", status=303)


def test_a_name_removed_and_added_again_does_not_revive_its_old_sessions(admin):
    from orderflow.adapters.zodb.users import ZodbAdminUsers
    from orderflow.services.admins import remove_admin

    old_cookie = admin.http.cookies["orderflow_session"]
    with admin.storage() as repos:
        remove_admin(ZodbAdminUsers(repos.root), ADMIN_NAME)
    add_admin_user(admin, password="a brand new password")  # someone else, same name
    admin.http.reset()
    admin.http.set_cookie("orderflow_session", old_cookie)
    admin.http.get("/admin/orders", status=303)


def _signed_session(state):
    """A session cookie as the app signs one (pyramid's SignedCookieSessionFactory)."""
    import time

    from pyramid.session import JSONSerializer
    from webob.cookies import SignedSerializer

    serializer = SignedSerializer("test-session-secret", "pyramid.session.", "sha512",
                                  serializer=JSONSerializer())
    now = int(time.time())
    return serializer.dumps((now, now, state)).decode()


def test_an_admin_stored_before_session_nonces_must_log_in_again_once(shop):
    from orderflow.adapters.passwords import Argon2Hasher
    from orderflow.ports.users import AdminUser

    # What unpickling a user stored with a session epoch gives: no nonce.
    old = AdminUser.__new__(AdminUser)
    old.__dict__.update(name=ADMIN_NAME, password_hash=Argon2Hasher().hash(ADMIN_PASSWORD),
                        failures=0, locked_until=None, session_epoch=0)
    with shop.storage() as repos:
        repos.root.admins[ADMIN_NAME] = old
    shop.http.set_cookie("orderflow_session",
                         _signed_session({"orderflow.admin": [ADMIN_NAME, 0]}))
    shop.http.get("/admin/orders", status=303)  # the old epoch cookie is refused
    admin_login(shop.http)
    shop.http.get("/admin/orders", status=200)
    with shop.storage() as repos:
        assert repos.root.admins[ADMIN_NAME].session_nonce


def _post_login(http, fields, files):
    token = _token(http.get("/admin/login").text)
    return http.post("/admin/login", dict(fields, csrf_token=token),
                     upload_files=[(name, "f.txt", b"x") for name in files], status="*")


@pytest.mark.parametrize("fields,files", [
    ({"name": ADMIN_NAME}, ["password"]),
    ({"name": "nobody"}, ["password"]),
    ({"password": ADMIN_PASSWORD}, ["name"]),
])
def test_a_login_field_sent_as_a_file_is_a_failed_login(shop, fields, files):
    add_admin_user(shop)
    answer = _post_login(shop.http, fields, files)
    assert answer.status_int == 200 and GENERIC in answer.text
    shop.http.get("/admin/orders", status=303)


def test_a_next_address_sent_as_a_file_leads_to_the_orders(shop):
    add_admin_user(shop)
    answer = _post_login(shop.http, {"name": ADMIN_NAME, "password": ADMIN_PASSWORD}, ["next"])
    assert answer.status_int == 303 and answer.location.endswith("/admin/orders")


def test_a_csrf_token_sent_as_a_file_is_refused(admin):
    token = _token(admin.http.get("/admin/products/ceramic-mug/active").text)
    admin.http.post("/admin/products/ceramic-mug/active", {"active": "0"},
                    upload_files=[("csrf_token", "t.txt", token.encode())], status=400)
    with admin.storage() as repos:
        assert repos.root.products["ceramic-mug"].active
