"""Order mail end to end: the app under waitress, a real SMTP server (aiosmtpd).

Exactly once however the news arrives, nothing lost in an outage, a
refused message kept and sent again from the console, staff alerts.
"""

from concurrent.futures import ThreadPoolExecutor
import json
import time
import urllib.error
import urllib.request

import pytest
import transaction

from orderflow.adapters.zodb.outbox import ZodbOutbox
from orderflow.mail_setup import mail_sender
from orderflow.adapters.scripts.common import ScriptEnv
from orderflow.adapters.scripts.mail import main as mail_main
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.web.services import process_service
from orderflow.app import main
from orderflow.ports import PaymentGateway
from tests.conftest import app_settings
from tests.mailserver import MailServer, html_part, text_part
from tests.serving import Served

STAFF = "staff@shop.test"


@pytest.fixture
def smtp():
    server = MailServer().start()
    yield server
    server.stop()


class MailShop:
    def __init__(self, tmp_path, smtp, **overrides):
        settings = app_settings(
            tmp_path, **{
                "orderflow.mail": "smtp", "mail.host": "127.0.0.1", "mail.port": str(smtp.port),
                "mail.default_sender": "Shop <orders@shop.test>",
                "orderflow.staff_emails": STAFF,
                "orderflow.mail_poll_seconds": "0.2", "orderflow.mail_retry_seconds": "0.5",
                **overrides,
            })
        self.app = main({}, **settings)
        self.db = self.app.registry._zodb_databases[""]
        self.gateway = process_service(self.app.registry, PaymentGateway)
        self.served = Served(self.app, threads=8)
        self.origin = self.served.origin

    def close(self):
        self.served.stop()
        background = self.app.registry.get("orderflow.background_mail")
        if background is not None:
            background.stop()
        self.db.close()

    def request(self, method, path, body=None, headers=None):
        request = urllib.request.Request(self.origin + path, data=body, method=method,
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def checkout(self, email="buyer@example.com"):
        body = json.dumps({"items": [{"id": "ceramic-mug", "quantity": 2}], "email": email})
        status, answer = self.request("POST", "/api/payments/create-checkout-session",
                                      body.encode(), {"Content-Type": "application/json"})
        assert status == 201, answer
        return json.loads(answer)

    def reference(self, order_id):
        """The order's reference as the customer sees it (its id if it has none)."""
        tm = transaction.TransactionManager()
        connection = self.db.open(transaction_manager=tm)
        try:
            with tm:
                order = ZodbOrderRepository(app_root(connection)).get(order_id)
                return getattr(order, "reference", None) or order.id
        finally:
            connection.close()

    def price(self, product_id):
        status, body = self.request("GET", "/api/products")
        return next(p["unitAmount"] for p in json.loads(body)["products"] if p["id"] == product_id)

    def deliver(self, delivery):
        return self.request("POST", "/api/payments/webhook", delivery.body,
                            {"Stripe-Signature": delivery.header,
                             "Content-Type": "application/json"})

    def mail(self):
        """Every message's MailStatus, read on a connection of the test's own."""
        tm = transaction.TransactionManager()
        connection = self.db.open(transaction_manager=tm)
        try:
            with tm:
                return ZodbOutbox(app_root(connection)).recent(1000)
        finally:
            connection.close()

    def wait_until(self, check, what, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check(self.mail()):
                return self.mail()
            time.sleep(0.05)
        raise TimeoutError(f"{what}: {self.mail()}")

    def wait_until_all_sent(self):
        return self.wait_until(lambda mail: mail and all(m.state == "sent" for m in mail),
                               "every message sent")


@pytest.fixture
def mailshop(tmp_path, smtp):
    shop = MailShop(tmp_path, smtp)
    yield shop
    shop.close()


def test_one_paid_message_when_the_same_event_is_delivered_eight_times_at_once(mailshop, smtp):
    started = mailshop.checkout()
    [delivery] = mailshop.gateway.pay(started["sessionId"])

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: mailshop.deliver(delivery), range(8)))

    assert [status for status, _ in answers] == [200] * 8
    mailshop.wait_until_all_sent()
    received = smtp.wait_for(1, "payment_received")
    assert len(smtp.received()) == 1
    recipients, message = received[0]
    assert recipients == ("buyer@example.com",)
    assert f"Order {mailshop.reference(started['orderId'])}" in text_part(message)
    total = f"€{2 * mailshop.price('ceramic-mug') / 100:,.2f}"  # two mugs, in euros
    assert f"Total: {total}" in text_part(message)
    assert f'class="total">{total}<' in html_part(message)
    assert f"/checkout/success?session_id={started['sessionId']}" in text_part(message)


def test_one_paid_message_when_a_second_event_and_the_landing_page_report_the_payment(
        mailshop, smtp):
    started = mailshop.checkout()
    [first] = mailshop.gateway.pay(started["sessionId"])
    session = mailshop.gateway.sessions[started["sessionId"]]
    second = mailshop.gateway.event("checkout.session.async_payment_succeeded", session)

    assert mailshop.request("GET", f"/checkout/success?session_id={started['sessionId']}")[0] == 200
    assert mailshop.deliver(first)[0] == 200
    assert mailshop.deliver(second)[0] == 200

    mailshop.wait_until_all_sent()
    assert [m.kind for m in mailshop.mail()] == ["payment_received"]
    assert len(smtp.wait_for(1)) == 1


def test_a_message_queued_during_an_outage_arrives_when_the_server_is_back(mailshop, smtp):
    smtp.stop()
    started = mailshop.checkout()
    [delivery] = mailshop.gateway.pay(started["sessionId"])
    assert mailshop.deliver(delivery)[0] == 200
    mailshop.wait_until(lambda mail: mail and mail[0].attempts >= 2 and mail[0].error,
                        "two failed attempts")
    assert mailshop.mail()[0].state in ("queued", "sending")

    smtp.start()

    [(recipients, message)] = smtp.wait_for(1, "payment_received")
    assert recipients == ("buyer@example.com",)
    assert mailshop.wait_until_all_sent()[0].error is None


def test_a_refused_message_is_kept_and_sent_again_from_the_console(mailshop, smtp):
    smtp.refuse = "550 5.1.1 mailbox unavailable"
    started = mailshop.checkout()
    [delivery] = mailshop.gateway.pay(started["sessionId"])
    assert mailshop.deliver(delivery)[0] == 200
    [failed] = mailshop.wait_until(lambda mail: mail and mail[0].state == "failed",
                                   "the message failed")
    assert "550" in failed.error and smtp.refused == 1
    assert smtp.received() == []

    smtp.refuse = None
    env = ScriptEnv(mailshop.app.registry)
    try:
        assert mail_main(["unused.ini", "list"], env=env) == 0
        assert mail_main(["unused.ini", "retry"], env=env) == 0
    finally:
        env.connection.close()

    assert len(smtp.wait_for(1, "payment_received")) == 1
    assert mailshop.wait_until_all_sent()[0].attempts == 1


def test_staff_hear_of_an_order_in_review_and_of_a_second_payment(mailshop, smtp):
    started = mailshop.checkout()
    [wrong] = mailshop.gateway.pay(started["sessionId"], amount=1)
    assert mailshop.deliver(wrong)[0] == 200
    [(recipients, message)] = smtp.wait_for(1, "needs_review")
    assert recipients == (STAFF,)
    assert mailshop.reference(started["orderId"]) in message["Subject"]
    assert smtp.received("payment_received") == []


def test_refused_webhook_deliveries_alert_the_staff_once_per_interval(mailshop, smtp):
    body = b'{"id": "evt_forged", "object": "event"}'
    for _ in range(5):
        status, _ = mailshop.request("POST", "/api/payments/webhook", body, {
            "Stripe-Signature": "t=1,v1=forged", "Content-Type": "application/json"})
        assert status == 400
    [(recipients, message)] = smtp.wait_for(1, "webhook_refused")
    assert recipients == (STAFF,)
    assert "invalid signature" in message["Subject"]

    # Another process (no memory of the first alert) finds the time of the
    # last one in the database and stays quiet too.
    alerts = mailshop.app.registry["orderflow.webhook_alerts"]
    alerts.limit = type(alerts.limit)(alerts.limit.interval)
    assert mailshop.request("POST", "/api/payments/webhook", body, {
        "Stripe-Signature": "t=1,v1=forged", "Content-Type": "application/json"})[0] == 400
    mailshop.wait_until_all_sent()
    assert len(mailshop.mail()) == 1
    assert len(smtp.received()) == 1


def test_a_4xx_reply_delays_a_message_and_loses_none(mailshop, smtp):
    smtp.refuse = "451 4.3.0 try again later"
    started = mailshop.checkout()
    [delivery] = mailshop.gateway.pay(started["sessionId"])
    assert mailshop.deliver(delivery)[0] == 200
    [waiting] = mailshop.wait_until(lambda mail: mail and mail[0].error, "a refusal")
    assert "451" in waiting.error and waiting.state != "failed"

    smtp.refuse = None

    assert len(smtp.wait_for(1, "payment_received")) == 1


def test_two_senders_at_once_send_each_message_once(tmp_path, smtp):
    # As two app processes sharing a ZEO server would: the loser of a claim
    # conflicts and skips the message.
    shop = MailShop(tmp_path, smtp, **{"orderflow.mail_sender": "external"})
    try:
        for _ in range(6):
            started = shop.checkout()
            [delivery] = shop.gateway.pay(started["sessionId"])
            assert shop.deliver(delivery)[0] == 200
        assert [m.state for m in shop.mail()] == ["queued"] * 6
        senders = [mail_sender(shop.app.registry, shop.db) for _ in range(2)]

        with ThreadPoolExecutor(2) as pool:
            counts = list(pool.map(lambda sender: sender.send_due(), senders))
        # A claim can also conflict over a shared bucket of the queue, so both
        # senders may skip one message: the next round (as the background
        # loop's next turn) sends it.
        counts.append(senders[0].send_due())

        assert sum(c["sent"] for c in counts) == 6
        keys = [m["X-Orderflow-Message"] for _, m in smtp.wait_for(6)]
        assert len(keys) == len(set(keys)) == 6
        assert all(m.state == "sent" for m in shop.mail())
    finally:
        shop.close()
