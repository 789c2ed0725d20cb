"""customer_details (SPEC §8) read from Stripe's JSON, whatever its shape."""

import json
from pathlib import Path

import pytest

from orderflow.adapters.stripe import events
from orderflow.domain.customer import CustomerDetails

SESSION = Path(__file__).resolve().parents[1] / "fixtures" / "checkout_session.json"


def completed(details):
    session = json.loads(SESSION.read_text())
    session.update(status="complete", payment_status="paid", customer_details=details)
    return events.translate({"id": "evt_1", "type": "checkout.session.completed",
                             "created": 1, "data": {"object": session}})


def test_stripe_example_session_gives_its_customer_email():
    event = completed(json.loads(SESSION.read_text())["customer_details"])
    assert event.customer == CustomerDetails("example@example.com", None, None)


def test_email_name_and_country_are_read():
    event = completed({"email": " Ada@Example.com ", "name": "Ada Lovelace",
                       "address": {"country": "GB"}})
    assert event.customer == CustomerDetails("Ada@Example.com", "Ada Lovelace", "GB")


@pytest.mark.parametrize("details", [
    None, "a string", [], {"email": 5, "name": {"x": 1}, "address": "GB"},
    {"email": "", "name": "  ", "address": {"country": None}},
])
def test_missing_or_misshapen_details_are_no_details(details):
    assert completed(details).customer is None


def test_a_retrieved_session_carries_its_customer_details():
    session = json.loads(SESSION.read_text())
    session["customer_details"].update(name="Jenny Rosen")
    assert events.session_state(session).customer == CustomerDetails(
        "example@example.com", "Jenny Rosen", None)
