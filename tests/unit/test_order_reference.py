"""The customer's short order reference (SPEC §11)."""

from datetime import datetime, timezone

import pytest

from orderflow.domain import order_parts
from orderflow.domain.catalog import Line, Product
from orderflow.domain.order import Order, unique_reference
from orderflow.domain.order_parts import (
    REFERENCE_ALPHABET, new_reference, reference_prefix, shown_reference,
)
from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.services import CheckoutSettings, start_checkout

from .fakes import InMemoryCatalog, InMemoryOrderRepository

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "A mug", 1250, "eur")


def test_a_reference_is_eight_characters_without_look_alikes():
    for _ in range(200):
        reference = new_reference()
        assert len(reference) == 8 and set(reference) <= set(REFERENCE_ALPHABET)
    assert not set("01OIL") & set(REFERENCE_ALPHABET)


def test_a_reference_is_shown_in_two_halves_and_read_back_from_any_spelling():
    assert shown_reference("K7Q4M2PX") == "K7Q4-M2PX"
    assert reference_prefix("k7q4-m2") == "K7Q4M2"
    assert reference_prefix(" K7Q4 M2PX ") == "K7Q4M2PX"
    for not_one in ("", "K7Q4-M2PX9", "O0", "ord_abc", "a@b.example", None):
        assert reference_prefix(not_one) is None


def test_a_reference_that_is_taken_is_drawn_again(monkeypatch):
    drawn = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr("orderflow.domain.order_parts.new_reference", lambda: next(drawn))
    assert unique_reference(lambda reference: reference == "AAAAAAAA") == "BBBBBBBB"


def test_a_reference_check_that_always_says_taken_stops_with_an_error():
    with pytest.raises(RuntimeError):
        unique_reference(lambda reference: True, attempts=3)


def test_checkout_gives_each_order_a_reference_no_other_order_has(monkeypatch):
    orders = InMemoryOrderRepository()
    drawn = iter(["CCCCCCCC", "CCCCCCCC", "DDDDDDDD"])
    monkeypatch.setattr("orderflow.domain.order_parts.new_reference", lambda: next(drawn))
    gateway, settings = FakeGateway("whsec_x", "http://shop.test"), CheckoutSettings("http://shop.test")
    for order_id in ("ord_1", "ord_2"):
        start_checkout(InMemoryCatalog([MUG]), orders, gateway, settings, order_id,
                       [Line("mug", 1)], None, T0)
    assert orders.get("ord_1").reference == "CCCCCCCC"
    assert orders.get("ord_2").reference == "DDDDDDDD"
    assert orders.get("ord_2").shown_reference == "DDDD-DDDD"


def test_an_order_stored_before_references_shows_its_id():
    order = Order(id="ord_old", items=(), currency="eur", email=None, date_created=T0)
    del order.__dict__["reference"]  # as unpickled from before the field existed
    assert order.reference is None and order.shown_reference == "ord_old"
    assert order_parts.shown_reference(None) is None
