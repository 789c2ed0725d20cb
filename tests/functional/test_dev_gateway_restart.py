"""Development: the fake gateway keeps its sessions across a restart (issue 13, 11)."""

import json

from orderflow.adapters.fake.persistence import FileBackedFakeGateway
from orderflow.app import main
from tests.conftest import app_settings

from .conftest import Shop, add_admin_user, admin_login


def started_app(tmp_path):
    app = main({}, **app_settings(tmp_path, **{
        "orderflow.dev_gateway_file": str(tmp_path / "var" / "fake-gateway.json")}))
    return Shop(app)


def stopped(shop):
    shop.app.registry["orderflow.dev_courier"].stop()
    shop.db.close()


def test_check_with_stripe_now_finds_a_session_made_before_a_restart(tmp_path):
    before = started_app(tmp_path)
    assert isinstance(before.gateway, FileBackedFakeGateway)
    try:
        started = before.checkout().json
        before.gateway.pay(started["sessionId"])  # paid; the webhook is lost
        add_admin_user(before)
    finally:
        stopped(before)

    after = started_app(tmp_path)
    try:
        assert after.gateway.sessions[started["sessionId"]]["payment_status"] == "paid"
        admin_login(after.http)
        order_page = after.http.get(f"/admin/orders/{started['orderId']}")
        checked = order_page.forms["reconcile-form"].submit(status=303).follow()
        assert "unknown to the gateway" not in checked.text
        assert 'id="order-status">paid<' in checked.text
        # The development checkout page still shows the earlier session too.
        after.http.get(f"/dev/checkout/{started['sessionId']}", status=200)
    finally:
        stopped(after)


def test_a_damaged_gateway_file_is_ignored_and_rewritten(tmp_path):
    path = tmp_path / "var" / "fake-gateway.json"
    path.parent.mkdir()
    path.write_text("{not json")
    shop = started_app(tmp_path)
    try:
        assert shop.gateway.sessions == {}
        started = shop.checkout().json
        assert started["sessionId"] in json.loads(path.read_text())["sessions"]
    finally:
        stopped(shop)
