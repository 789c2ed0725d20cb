"""Mail in the pages: the admin's order page, /dev/mail, and customer
details from a session built on Stripe's own example (shared/stripe-fixtures)."""

from datetime import datetime, timezone
import json
from pathlib import Path

from orderflow.adapters.zodb.outbox import ZodbOutbox
from tests.functional.conftest import put_product

# Stripe's example checkout.session, copied from shared/stripe-fixtures.
SESSION_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "checkout_session.json"


def paid(shop, email="buyer@example.com", **pay):
    started = shop.checkout(email=email).json
    shop.deliver_all(shop.gateway.pay(started["sessionId"], **pay))
    return started


def fail_message(shop, order_id):
    """Mark the order's first message failed, as a 5xx would."""
    with shop.storage() as repos:
        outbox = ZodbOutbox(repos.root)
        key = outbox.of_order(order_id)[0].key
        outbox.claim(key, datetime.now(timezone.utc))
        outbox.fail(key, datetime.now(timezone.utc), "550 mailbox unavailable")
    return key


def test_the_admin_order_page_lists_the_order_messages(admin):
    started = paid(admin)
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    row = page.html.select_one("#mail tbody tr")
    assert "payment received" in row.text and "buyer@example.com" in row.text
    assert "queued" in row.text
    assert page.html.select(".mail-retry") == []


def test_a_failed_message_is_shown_and_queued_again_from_the_admin_page(admin):
    started = paid(admin)
    key = fail_message(admin, started["orderId"])
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    assert "550 mailbox unavailable" in page.html.select_one("tr.mail-failed").text
    url = f"/admin/orders/{started['orderId']}/mail/retry"
    admin.http.post(url, {"key": key, "csrf_token": "forged"}, status=400)
    assert "failed" in admin.http.get(f"/admin/orders/{started['orderId']}").html.select_one(
        "#mail tbody tr").text

    answer = page.forms[next(k for k, f in page.forms.items() if f.action == url)].submit(
        status=303)

    page = answer.follow()
    assert "queued again" in page.text
    assert page.html.select_one("tr.mail-queued") is not None
    with admin.storage() as repos:
        assert ZodbOutbox(repos.root).get(key)[0].state == "queued"


def test_the_retry_of_another_order_message_is_not_found(admin):
    one, other = paid(admin), paid(admin)
    key = fail_message(admin, one["orderId"])
    page = admin.http.get(f"/admin/orders/{other['orderId']}")
    token = page.forms[next(iter(page.forms))]["csrf_token"].value
    admin.http.post(f"/admin/orders/{other['orderId']}/mail/retry",
                    {"key": key, "csrf_token": token}, status=404)


def test_dev_mail_lists_and_shows_messages_with_the_html_part_escaped_in_a_sandbox(shop):
    put_product(shop, "odd-mug", 1000)
    with shop.storage() as repos:
        product = repos.catalog.get("odd-mug")
        repos.catalog.put(type(product)(product.id, '<script>alert("x")</script>', "",
                                        product.unit_amount, product.currency))
    started = shop.checkout(items=(("odd-mug", 1),), email="buyer@example.com").json
    shop.deliver_all(shop.gateway.pay(started["sessionId"]))

    listing = shop.http.get("/dev/mail")
    link = listing.html.select_one("tr.mail-payment_received a")
    assert "buyer@example.com" in listing.text
    page = shop.http.get(link["href"])

    assert "<script>alert" not in page.text
    frame = page.html.select_one("iframe#html-part")
    assert frame["sandbox"] and "allow-scripts" not in frame["sandbox"]
    # The frame's document: the title escaped inside the HTML part itself.
    assert "&lt;script&gt;alert" in frame["srcdoc"]
    receipt = page.html.select_one("a.mail-link")["href"]
    assert receipt == f"http://shop.test/checkout/success?session_id={started['sessionId']}"
    assert '<script>alert("x")</script>' in page.html.select_one("#text-part").text


def test_dev_mail_answers_404_for_an_unknown_message(shop):
    shop.http.get("/dev/mail/ord_nothing:payment_received", status=404)


def fixture_session(session_id, order_id, amount, currency, email):
    """Stripe's example checkout.session, made this order's and completed."""
    session = json.loads(SESSION_FIXTURE.read_text())
    session.update(id=session_id, client_reference_id=order_id, amount_total=amount,
                   currency=currency, status="complete", payment_status="paid",
                   payment_intent="pi_fixture_1", metadata={"order_id": order_id})
    session["customer_details"].update(email=email, name="Jenny Rosen")
    session["customer_details"]["address"]["country"] = "US"
    return session


def test_customer_details_of_a_stripe_example_session_are_kept_and_searchable(admin):
    started = admin.checkout().json  # no email typed at checkout
    order = admin.order(started["orderId"])
    session = fixture_session(started["sessionId"], order.id, order.total, order.currency,
                              "jenny.rosen@example.com")
    admin.deliver(admin.gateway.event("checkout.session.completed", session))

    order = admin.order(started["orderId"])
    assert order.status == "paid"
    assert (order.customer.email, order.customer.name, order.customer.country) == (
        "jenny.rosen@example.com", "Jenny Rosen", "US")
    assert order.email == "jenny.rosen@example.com"
    found = admin.http.get("/admin/orders", {"q": "Jenny.Rosen@example.com"})
    assert started["orderId"] in found.text
    page = admin.http.get(f"/admin/orders/{order.id}")
    assert "Jenny Rosen" in page.html.select_one("#customer").text
    with admin.storage() as repos:
        [message] = ZodbOutbox(repos.root).of_order(order.id)
    assert (message.kind, message.recipient) == ("payment_received", "jenny.rosen@example.com")
