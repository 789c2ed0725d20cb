"""Real Chromium (Debian's, through Playwright) against the app served by waitress.

The server listens on a free loopback port chosen before the app is made,
because the app's public origin (session URLs, the dev checkout's webhook
target) must be that very server. Each test module gets a fresh FileStorage.
"""

import os
import pathlib
import socket

import pytest
from playwright.sync_api import sync_playwright
import transaction

from orderflow.adapters.passwords import Argon2Hasher
from orderflow.adapters.web.services import process_service
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.users import ZodbAdminUsers
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.ports import PaymentGateway
from orderflow.services.admins import add_admin
from tests.conftest import app_settings
from tests.serving import Served

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
# `make screenshots` sets this to docs/screenshots: the README's pictures.
DOCS_SCREENSHOTS = os.environ.get("ORDERFLOW_SCREENSHOTS")
# axe-core as the axe-playwright-python wheel ships it (a test extra).
AXE_JS = (pathlib.Path(__import__("axe_playwright_python").__file__).parent
          / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


class LiveShop:
    def __init__(self, app, origin):
        self.app = app
        self.origin = origin
        self.gateway = process_service(app.registry, PaymentGateway)
        self.db = database(app.registry)

    def url(self, path):
        return self.origin + path


@pytest.fixture(scope="module")
def live_shop(tmp_path_factory):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = main({}, **app_settings(
        tmp_path_factory.mktemp("browser-db"),
        **{"orderflow.public_origin": origin, "orderflow.dev_delivery_delay": "0.5"},
    ))
    served = Served(app, threads=6, sock=sock)
    yield LiveShop(app, origin)
    app.registry["orderflow.dev_courier"].stop()
    served.stop()
    database(app.registry).close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_shop):
    # A context per test: its own cookies, so its own cart.
    context = browser.new_context(viewport={"width": 412, "height": 900}, base_url=live_shop.origin)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Call at the end of a journey: saves the final page under test-output/."""
    def take():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)

    return take


def axe_problems(page):
    """The serious and critical axe-core violations of the page as shown now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page):
    problems = axe_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def save_picture(page, name):
    """A README picture: the window as a person sees it, under test-output/
    and, with ORDERFLOW_SCREENSHOTS set, in that folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    if DOCS_SCREENSHOTS:
        folder = ROOT / DOCS_SCREENSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))


def add_admin_user(live_shop, name, password):
    """An admin in the served shop's database (once per module's shop)."""
    tm = transaction.TransactionManager()
    connection = live_shop.db.open(transaction_manager=tm)
    try:
        with tm:
            users = ZodbAdminUsers(app_root(connection))
            if users.get(name) is None:
                add_admin(users, Argon2Hasher(), name, password)
    finally:
        connection.close()
