"""Browser security headers on every route of the route table, and no inline script.

The routes are read from the app's own route mapper, so a page added later
is covered without anyone remembering to list it here.
"""

from html.parser import HTMLParser
import re

import pytest
import webtest
from pyramid.interfaces import IRoutesMapper

from orderflow.adapters.zodb.services import database
from orderflow.app import main
from tests.conftest import app_settings
from tests.functional.conftest import add_admin_user, admin_login

# A value for every placeholder a route pattern may hold; "order" and
# "session" are replaced by a real order's ids.
SAMPLES = {
    "order_id": "order", "session_id": "session", "product_id": "ceramic-mug",
    "event_id": "evt_test_not_received",
    "subpath": ("style.css",),
    "key": "ord_none:payment_received",  # /dev/mail/{key}
}
QUERIES = {"shop.success": {"session_id": "session"}, "shop.cancel": {"order_id": "order"}}


def placeholders(pattern):
    return re.findall(r"[{*](\w+)", pattern)


def sample_paths(app, order_id, session_id):
    real = {"order": order_id, "session": session_id}
    paths = []
    for route in app.registry.getUtility(IRoutesMapper).get_routes():
        missing = [name for name in placeholders(route.pattern) if name not in SAMPLES]
        assert not missing, f"give {missing} of route {route.name} a value in SAMPLES"
        values = {name: real.get(SAMPLES[name], SAMPLES[name])
                  for name in placeholders(route.pattern)}
        path = route.generate(values)
        query = {k: real.get(v, v) for k, v in QUERIES.get(route.name, {}).items()}
        paths.append((route.name, path, query))
    return paths


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block (or should)."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if not attrs.get("src"):
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if name == "style":
                self.found.append(f"<{tag} style=>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower(
                    ).startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_secured(answer, where):
    headers = answer.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    if answer.content_type != "text/html":
        return
    policy = headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("script-src") == "'self'", where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert directives.get("object-src") == "'none'", where
    assert "'self'" in directives.get("form-action", ""), where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), where
    assert "Strict-Transport-Security" not in headers, where  # not served over HTTPS here
    assert inline_code(answer.text) == [], where


@pytest.fixture
def visits(admin, customer):
    """Every route, by GET and by POST (without a CSRF token), as a visitor
    and as a logged-in admin: (where, answer) pairs."""
    customer.add("ceramic-mug")
    order, session_id = customer.checkout()
    anonymous = webtest.TestApp(admin.app)
    answers = []
    for name, path, query in sample_paths(admin.app, order.id, session_id):
        for who, http in (("visitor", anonymous), ("admin", admin.http)):
            answers.append((f"GET {path} ({name}) as {who}",
                            http.get(path, query, status="*")))
            answers.append((f"POST {path} ({name}) as {who}",
                            http.post(path, query, status="*")))
    return answers


def test_every_route_answers_with_the_security_headers(visits):
    pages = [where for where, answer in visits if answer.content_type == "text/html"]
    # The real pages were reached, not only error pages.
    statuses = {where: answer.status_int for where, answer in visits}
    assert statuses["GET / (shop.catalog) as visitor"] == 200
    assert statuses["GET /admin/orders (admin.orders) as admin"] == 200
    assert any(w.startswith("GET /checkout/success") and s == 200 for w, s in statuses.items())
    assert any(w.startswith("GET /dev/checkout/") and s == 200 for w, s in statuses.items())
    assert any(s in (400, 404) for s in statuses.values())
    assert len(pages) > 20
    for where, answer in visits:
        assert_secured(answer, where)


def test_no_page_carries_inline_script_or_style(visits):
    pages = {where: answer for where, answer in visits if answer.content_type == "text/html"}
    found = {where: inline_code(answer.text) for where, answer in pages.items()}
    assert {where: codes for where, codes in found.items() if codes} == {}
    # The checker sees scripts at all: the pending success page loads poll.js.
    assert any(script_count(answer.text) for answer in pages.values())


def script_count(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.scripts


def test_the_inline_checker_finds_what_the_policy_blocks():
    page = ('<p style="color:red" onclick="x()"><script>alert(1)</script>'
            '<a href=" javascript:go()">x</a><style>p{}</style></p>')
    assert len(inline_code(page)) == 5


def test_json_answers_carry_nosniff_and_a_policy_that_allows_nothing(shop):
    for answer in (shop.http.get("/api/products"), shop.http.get("/api/orders/nope", status=404),
                   shop.checkout(items=(), status=400)):
        assert answer.content_type == "application/json"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_error_pages_outside_the_route_table_carry_the_headers(shop):
    for path, status in (("/no/such/page", 404), ("/%ff", 400), ("/api/%ff", 400)):
        answer = shop.http.get(path, status=status)
        assert_secured(answer, path)
        assert answer.headers["X-Frame-Options"] == "DENY"


def app_for(tmp_path, **settings):
    return main({}, **app_settings(tmp_path, **settings))


def form_action(answer):
    policy = answer.headers["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "form-action" in part)


def test_the_stripe_gateway_lets_the_checkout_form_end_at_stripe(tmp_path):
    # The cart's form POSTs to us and we answer 303 to checkout.stripe.com:
    # Chromium checks form-action on that redirect too.
    app = app_for(tmp_path, **{"orderflow.gateway": "stripe",
                               "orderflow.stripe_secret_key": "sk_test_x"})
    try:
        page = webtest.TestApp(app).get("/cart")
        assert form_action(page) == "form-action 'self' https://checkout.stripe.com"
    finally:
        database(app.registry).close()


def test_the_fake_gateway_lets_the_checkout_form_end_at_its_own_page(shop):
    assert form_action(shop.http.get("/cart")) == "form-action 'self' http://shop.test"


def test_hsts_is_sent_only_when_cookies_are_secure(tmp_path):
    app = app_for(tmp_path, **{"orderflow.secure_cookies": "true"})
    try:
        http = webtest.TestApp(app)
        for answer in (http.get("/"), http.get("/api/products"),
                       http.get("/nothing", status=404)):
            assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        database(app.registry).close()


def test_the_login_page_cannot_be_framed(shop):
    add_admin_user(shop)
    page = shop.http.get("/admin/login")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    admin_login(shop.http)
