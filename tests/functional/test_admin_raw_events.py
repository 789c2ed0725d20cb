"""Raw events (SPEC §10): the verified body of every event kept as it came,
shown pretty-printed and escaped, and "apply again" that never applies twice."""

import json

import pytest
import transaction
from ZODB.POSException import ConflictError

from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.domain.errors import Refused
from orderflow.services.replay import apply_again
from tests.functional.conftest import event_record, history_for
from tests.functional.raw_events import refund_object, stripe_delivery, unpaid_payment

HOSTILE = "</pre><script>alert('payload')</script>"


def an_unmatched_refund(shop):
    """A dashboard refund whose event came before the payment's: unmatched."""
    order_id, intent, payment = unpaid_payment(shop)
    order = shop.order(order_id)
    refund = stripe_delivery(shop, "refund.created", refund_object(intent, order.currency))
    shop.deliver(refund)
    assert event_record(shop, refund.event["id"]).outcome == "unmatched"
    return order_id, refund, payment


def apply_again_form(shop, event_id):
    page = shop.http.get(f"/admin/events/{event_id}")
    return next(f for f in page.forms.values() if f.action.endswith("/apply-again"))


def test_every_event_keeps_the_bytes_it_came_in_as_they_came(shop):
    order_id, intent, payment = unpaid_payment(shop)
    refund = stripe_delivery(shop, "refund.created",
                             refund_object(intent, shop.order(order_id).currency), indent=3)
    shop.deliver(payment)
    shop.deliver(refund)

    with shop.storage() as repos:
        assert repos.events.payload(payment.event["id"]) == payment.body
        # Laid out as sent (three-space indents), not re-serialised.
        assert repos.events.payload(refund.event["id"]) == refund.body


def test_the_event_page_shows_the_payload_indented_and_escaped(admin):
    order_id, intent, _ = unpaid_payment(admin)
    obj = refund_object(intent, admin.order(order_id).currency, metadata={"note": HOSTILE})
    refund = stripe_delivery(admin, "refund.created", obj)
    admin.deliver(refund)

    page = admin.http.get(f"/admin/events/{refund.event['id']}")
    assert HOSTILE not in page.text
    assert "&lt;script&gt;alert(" in page.text
    shown = page.html.find(id="payload").get_text()
    assert json.loads(shown) == refund.event
    assert f'\n  "id": "{refund.event["id"]}"' in shown


def test_the_event_page_of_an_unknown_event_is_not_found(admin):
    admin.http.get("/admin/events/evt_never_seen", status=404)


def test_the_event_page_needs_a_logged_in_admin(shop):
    order_id, refund, _ = an_unmatched_refund(shop)
    answer = shop.http.get(f"/admin/events/{refund.event['id']}", status=303)
    assert "/admin/login" in answer.location


def test_the_order_history_links_each_event_to_its_page(admin):
    order_id, _, payment = unpaid_payment(admin)
    admin.deliver(payment)
    page = admin.http.get(f"/admin/orders/{order_id}")
    link = page.html.find("a", href=f"/admin/events/{payment.event['id']}")
    assert link is not None and payment.event["id"] in link.get_text()
    assert payment.event["id"] in admin.http.get(link["href"]).text


def test_an_unmatched_event_applies_again_once_its_order_exists(admin):
    order_id, refund, payment = an_unmatched_refund(admin)
    admin.deliver(payment)
    event_id = refund.event["id"]

    answer = apply_again_form(admin, event_id).submit(status=303)
    page = answer.follow()
    assert f"Applied to order {order_id}" in page.text
    record = event_record(admin, event_id)
    assert (record.outcome, record.order_id) == ("applied", order_id)
    assert "applied again by alice" in record.note
    [entry] = history_for(admin, order_id, event_id)
    assert entry.applied and entry.source == "admin"
    assert admin.order(order_id).status == "partially_refunded"
    assert event_id in admin.http.get("/admin/audit").text  # the admin log names it too
    # Applied now: no button any more.
    assert not [f for f in page.forms.values() if f.action.endswith("/apply-again")]


def test_an_applied_event_is_never_applied_again(admin):
    order_id, _, payment = unpaid_payment(admin)
    admin.deliver(payment)
    event_id = payment.event["id"]
    history = admin.order(order_id).history
    page = admin.http.get(f"/admin/events/{event_id}")
    answer = admin.http.post(f"/admin/events/{event_id}/apply-again",
                             {"csrf_token": page.html.find("input", {"name": "csrf_token"})["value"]},
                             status=409)
    assert "never applied twice" in answer.text
    assert admin.order(order_id).history == history
    assert event_record(admin, event_id).outcome == "applied"


def test_apply_again_that_changes_nothing_is_noted_on_the_event_not_the_order(admin):
    order_id, refund, _ = an_unmatched_refund(admin)
    history = admin.order(order_id).history

    answer = apply_again_form(admin, refund.event["id"]).submit(status=303)
    assert "nothing changed (unmatched)" in answer.follow().text
    record = event_record(admin, refund.event["id"])
    assert record.outcome == "unmatched"
    assert "applied again by alice" in record.note and "still no order" in record.note
    assert admin.order(order_id).history == history


def test_apply_again_without_the_csrf_token_changes_nothing(admin):
    order_id, refund, payment = an_unmatched_refund(admin)
    admin.deliver(payment)
    admin.http.post(f"/admin/events/{refund.event['id']}/apply-again", {}, status=400)
    assert event_record(admin, refund.event["id"]).outcome == "unmatched"
    assert history_for(admin, order_id, refund.event["id"]) == []


class Attempt:
    """apply_again in a transaction of its own, left open until `commit`."""

    def __init__(self, shop, event_id, admin_name):
        self.tm = transaction.TransactionManager()
        self.connection = shop.db.open(transaction_manager=self.tm)
        self.tm.begin()
        root = app_root(self.connection)
        self.result = apply_again(ZodbOrderRepository(root), ZodbEventLog(root), shop.gateway,
                                  event_id, _now(), admin_name)

    def commit(self):
        try:
            self.tm.commit()
        finally:
            self.connection.close()


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def test_two_admins_applying_one_event_at_once_apply_it_once(admin):
    order_id, refund, payment = an_unmatched_refund(admin)
    admin.deliver(payment)
    event_id = refund.event["id"]

    first, second = Attempt(admin, event_id, "alice"), Attempt(admin, event_id, "bob")
    assert first.result.applied and second.result.applied  # neither sees the other yet
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    # The loser's retry finds the event applied and is refused.
    with pytest.raises(Refused):
        Attempt(admin, event_id, "bob")
    assert len(history_for(admin, order_id, event_id)) == 1
    assert admin.order(order_id).status == "partially_refunded"


def test_a_redelivery_racing_apply_again_does_not_apply_the_event_twice(admin):
    order_id, refund, payment = an_unmatched_refund(admin)
    admin.deliver(payment)
    event_id = refund.event["id"]

    attempt = Attempt(admin, event_id, "alice")
    # Stripe redelivers while the admin's attempt is still open: a duplicate.
    assert admin.deliver(refund).json["duplicate"] is True
    attempt.commit()
    assert len(history_for(admin, order_id, event_id)) == 1
    assert event_record(admin, event_id).outcome == "applied"
    # And once applied, a redelivery is still a duplicate.
    assert admin.deliver(refund).json["duplicate"] is True
    assert len(history_for(admin, order_id, event_id)) == 1
