"""The Content-Security-Policy as Chromium enforces it: nothing of ours is
blocked, and the checkout form still leads to the hosted checkout page
(Chromium applies form-action to the redirect that follows a form)."""

import re
import socket

import pytest
from playwright.sync_api import expect

from orderflow.adapters.zodb.services import database
from orderflow.app import main
from tests.conftest import app_settings
from tests.integration.stripe_stub import StripeStub
from tests.serving import Served

pytestmark = pytest.mark.browser

WAIT = 20_000


def csp_reports(page):
    """Every console message Chromium writes about the policy."""
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def test_a_customer_pays_with_the_policy_on_and_chromium_blocks_nothing(page, live_shop):
    blocked = csp_reports(page)
    answer = page.goto("/")
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    page.get_by_role("button", name="Add Ceramic mug to cart").click()
    page.goto("/cart")
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Pay €"))).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()
    # The pending page's poll.js (script-src 'self') turns it into the receipt.
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible(timeout=WAIT)
    page.goto("/admin/login")
    assert blocked == []


@pytest.fixture
def stripe_shop(tmp_path):
    stub = StripeStub().start()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = main({}, **app_settings(tmp_path, **{
        "orderflow.gateway": "stripe", "orderflow.stripe_secret_key": "sk_test_browser",
        "orderflow.stripe_api_base": stub.base_url, "orderflow.public_origin": origin,
    }))
    served = Served(app, threads=2, sock=sock)
    yield origin
    served.stop()
    database(app.registry).close()
    stub.stop()


def test_the_checkout_form_reaches_stripes_hosted_page_under_the_policy(browser, stripe_shop):
    context = browser.new_context(base_url=stripe_shop)
    context.set_default_timeout(WAIT)
    # Offline: Chromium's request to Stripe is answered here. It is made
    # only if the policy let the form's redirect through.
    reached = []

    def stripe(route):
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Stripe Checkout</h1>")

    context.route("https://checkout.stripe.com/**", stripe)
    page = context.new_page()
    blocked = csp_reports(page)
    try:
        page.goto("/")
        page.get_by_role("button", name="Add Ceramic mug to cart").click()
        page.goto("/cart")
        page.get_by_role("button", name="Checkout").click()
        expect(page.get_by_role("heading", name="Stripe Checkout")).to_be_visible()
        assert page.url.startswith("https://checkout.stripe.com/c/pay/cs_")
        assert len(reached) == 1 and blocked == []
    finally:
        context.close()
