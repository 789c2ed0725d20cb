"""Webhook health on the admin's front page (SPEC §10): the last event,
counts by outcome over 24 hours, refusals counted in memory without a write."""

from datetime import datetime, timedelta, timezone
import time

import pytest

from orderflow.adapters.web.refusals import RefusalRecorder
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.listing import ZodbEventListing
from orderflow.ports.repositories import EventRecord
from orderflow.settings import ConfigurationError
from orderflow.app import main
from tests.conftest import app_settings
from tests.functional.raw_events import refund_object, stripe_delivery, unpaid_payment

URL = "/api/payments/webhook"


def counts_shown(page):
    return {cell["data-outcome"]: int(cell.get_text())
            for cell in page.html.find(id="event-counts").find_all("td", class_="num")}


def test_the_front_page_counts_the_last_days_events_by_outcome(admin):
    order_id, intent, payment = unpaid_payment(admin)
    currency = admin.order(order_id).currency
    admin.deliver(stripe_delivery(admin, "refund.created", refund_object(intent, currency)))
    admin.deliver(payment)
    admin.deliver(payment)  # a repeat: answered, never counted as stored
    admin.deliver(stripe_delivery(admin, "customer.created", refund_object(intent, currency)))
    # An event of two days ago is outside the window.
    with admin.storage() as repos:
        old = admin.order(order_id).date_created.replace(year=2020)
        ZodbEventLog(repos.root).record(EventRecord("evt_old", "charge.refunded", "applied",
                                                    order_id, old))

    page = admin.http.get("/admin")
    assert counts_shown(page) == {"applied": 1, "ignored": 1, "unmatched": 1}
    assert "none yet" not in page.html.find(id="last-event").get_text()


def test_the_window_is_exactly_a_day_not_a_day_rounded_to_the_hour(admin):
    now = datetime.now(timezone.utc)
    with admin.storage() as repos:
        log = ZodbEventLog(repos.root)
        log.record(EventRecord("evt_over", "charge.refunded", "applied", None,
                               now - timedelta(hours=24, minutes=2)))
        log.record(EventRecord("evt_under", "charge.refunded", "unmatched", None,
                               now - timedelta(hours=23, minutes=58)))
    page = admin.http.get("/admin")
    assert counts_shown(page) == {"applied": 0, "ignored": 0, "unmatched": 1}
    assert page.html.find(id="counted-from") is None


def test_a_busy_first_hour_is_counted_whole_and_the_page_says_from_when(admin, monkeypatch):
    monkeypatch.setattr(ZodbEventListing, "edge_walk", 0)  # count nothing one by one
    if datetime.now(timezone.utc).strftime("%M:%S") >= "59:55":
        time.sleep(6)  # the event below must stay in the window's first hour
    top = (datetime.now(timezone.utc) - timedelta(hours=24)).replace(
        minute=0, second=0, microsecond=0)
    with admin.storage() as repos:
        ZodbEventLog(repos.root).record(EventRecord(
            "evt_edge", "charge.refunded", "ignored", None, top + timedelta(minutes=59, seconds=59)))
    page = admin.http.get("/admin")
    assert counts_shown(page)["ignored"] == 1
    note = page.html.find(id="counted-from").get_text()
    assert top.strftime("%Y-%m-%d %H:00:00 UTC") in note


def test_the_front_page_says_when_no_event_came_yet(admin):
    page = admin.http.get("/admin")
    assert "none yet" in page.html.find(id="last-event").get_text()
    assert counts_shown(page) == {"applied": 0, "ignored": 0, "unmatched": 0}
    assert "0 refused" in page.html.find(id="refusal-count").get_text()


def test_refused_deliveries_are_shown_with_their_reasons_never_their_bodies(admin):
    _, _, payment = unpaid_payment(admin)
    secret_body = payment.body.replace(b'"object":"event"', b'"object":"event","x":"SECRET"')
    for _ in range(2):
        admin.http.post(URL, secret_body, status=400, headers={
            "Stripe-Signature": payment.header, "Content-Type": "application/json"})
    admin.http.post(URL, payment.body, status=400,
                    headers={"Content-Type": "application/json"})

    page = admin.http.get("/admin")
    assert "3 refused" in page.html.find(id="refusal-count").get_text()
    reasons = {row.find_all("td")[0].get_text(): int(row.find_all("td")[1].get_text())
               for row in page.html.find(id="refusal-reasons").find("tbody").find_all("tr")}
    assert reasons.pop("missing Stripe-Signature header") == 1
    [(reason, count)] = reasons.items()
    assert reason.startswith("invalid signature") and count == 2
    assert len(page.html.find(id="latest-refusals").find_all("li")) == 3
    assert "SECRET" not in page.text and payment.event["id"] not in page.text


def test_a_refused_delivery_writes_nothing_to_the_database(admin):
    _, _, payment = unpaid_payment(admin)
    before = admin.db.lastTransaction()
    admin.http.post(URL, payment.body, status=400, headers={
        "Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json"})
    assert admin.db.lastTransaction() == before
    # Counted all the same, in memory (reading the page writes nothing either).
    assert "1 refused" in admin.http.get("/admin").html.find(id="refusal-count").get_text()
    assert admin.db.lastTransaction() == before


def test_the_refusal_recorder_keeps_the_latest_and_counts_every_one():
    from datetime import datetime, timezone
    recorder = RefusalRecorder(datetime.now(timezone.utc), keep=3)
    for n in range(5):
        recorder.note(datetime(2026, 1, 1, 0, n, tzinfo=timezone.utc), f"reason {n % 2}")
    summary = recorder.summary()
    assert summary.total == 5 and summary.by_reason == {"reason 0": 3, "reason 1": 2}
    assert [r.at.minute for r in summary.latest] == [4, 3, 2]


@pytest.mark.parametrize("value", ["0", "-3", "ninety", "1.5"])
def test_a_bad_retention_stops_start_up_naming_the_setting(tmp_path, value):
    with pytest.raises(ConfigurationError, match=r"orderflow\.event_retention_days"):
        main({}, **app_settings(tmp_path, **{"orderflow.event_retention_days": value}))
