"""The shop's cart and the admin's catalog use cases, with the in-memory fakes."""

from datetime import datetime, timezone

import pytest

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.domain.catalog import Product
from orderflow.domain.errors import NotFound, ValidationFailed
from orderflow.services import CheckoutSettings
from orderflow.services.cart import (
    add_to_cart, cart_contents, checkout_cart, remove_line, set_quantity,
)
from orderflow.services.catalog import add_product, edit_product, set_product_active

from .fakes import InMemoryCarts, InMemoryCatalog, InMemoryOrderRepository

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "A mug", 1250, "eur")
TEA = Product("tea", "Tea", "Green", 500, "eur")
OLD = Product("old", "Old", "", 900, "eur", active=False)
BOOK = Product("book", "Book", "", 2000, "usd")


@pytest.fixture
def catalog():
    return InMemoryCatalog([MUG, TEA, OLD, BOOK])


@pytest.fixture
def carts():
    return InMemoryCarts()


# -- the cart ------------------------------------------------------------------


def test_adding_to_a_new_cart_stores_it_and_a_second_add_grows_the_line(carts, catalog):
    assert add_to_cart(carts, catalog, "cart_1", "mug", 2) == MUG
    add_to_cart(carts, catalog, "cart_1", "mug", 1)
    add_to_cart(carts, catalog, "cart_1", "tea", 1)
    assert carts.lines("cart_1") == {"mug": 3, "tea": 1}


@pytest.mark.parametrize("product_id,quantity,field", [
    ("nothing", 1, "product_id"),  # not in the catalog
    ("old", 1, "product_id"),  # not for sale
    ("book", 1, "product_id"),  # another currency
    ("mug", 99, "quantity"),  # 1 + 99 of one product
    ("mug", 0, "quantity"),
])
def test_a_refused_add_names_the_field_and_stores_nothing(carts, catalog, product_id,
                                                         quantity, field):
    carts.put("cart_1", {"mug": 1})
    with pytest.raises(ValidationFailed) as caught:
        add_to_cart(carts, catalog, "cart_1", product_id, quantity)
    assert field in caught.value.fields
    assert carts.lines("cart_1") == {"mug": 1}


def test_a_refused_add_to_a_new_cart_leaves_no_cart_behind(carts, catalog):
    with pytest.raises(ValidationFailed):
        add_to_cart(carts, catalog, "cart_new", "old", 1)
    assert "cart_new" not in carts.carts


def test_setting_a_quantity_replaces_it_and_only_for_a_line_in_the_cart(carts, catalog):
    carts.put("cart_1", {"mug": 1, "tea": 1})
    set_quantity(carts, catalog, "cart_1", "mug", 7)
    assert carts.lines("cart_1") == {"mug": 7, "tea": 1}
    with pytest.raises(ValidationFailed) as caught:
        set_quantity(carts, catalog, "cart_1", "book", 1)
    assert caught.value.fields == {"product_id": "not in the cart"}
    with pytest.raises(ValidationFailed):
        set_quantity(carts, catalog, None, "mug", 1)
    assert carts.lines("cart_1") == {"mug": 7, "tea": 1}


def test_removing_a_line_keeps_the_others_and_an_unknown_line_changes_nothing(carts, catalog):
    carts.put("cart_1", {"mug": 1, "tea": 2})
    remove_line(carts, catalog, "cart_1", "mug")
    assert carts.lines("cart_1") == {"tea": 2}
    changed = carts.updated_at["cart_1"]
    remove_line(carts, catalog, "cart_1", "nothing")
    assert carts.lines("cart_1") == {"tea": 2}
    assert carts.updated_at["cart_1"] == changed


def test_a_cart_keeps_a_line_whose_product_left_the_catalog(carts, catalog):
    carts.put("cart_1", {"mug": 1, "gone": 2})
    cart, products = cart_contents(carts, catalog, "cart_1")
    assert cart.lines == {"mug": 1, "gone": 2}
    assert products == {"mug": MUG, "gone": None}


def checkout(carts, catalog, orders, cart_id="cart_1"):
    return checkout_cart(carts, catalog, orders, FakeGateway("whsec_x", "http://shop.test"),
                         CheckoutSettings("http://shop.test"), cart_id, "ord_1",
                         "a@example.com", T0)


def test_checkout_of_a_cart_orders_its_lines_for_sale_and_remembers_the_cart(carts, catalog):
    carts.put("cart_1", {"mug": 2, "old": 1, "gone": 1})
    orders = InMemoryOrderRepository()
    started = checkout(carts, catalog, orders)
    order = orders.get(started.order_id)
    assert [(i.product_id, i.quantity) for i in order.items] == [("mug", 2)]
    assert order.cart_id == "cart_1"
    assert carts.lines("cart_1") == {"mug": 2, "old": 1, "gone": 1}


@pytest.mark.parametrize("lines,field", [
    ({}, "cart"),
    ({"old": 1}, "cart"),  # nothing for sale
    ({"mug": 1, "book": 1}, "items"),  # two currencies (an admin changed one)
])
def test_a_cart_that_cannot_be_ordered_is_refused_and_no_order_is_made(carts, catalog, lines,
                                                                       field):
    carts.carts["cart_1"] = dict(lines)  # as stored before the rules refused mixing
    carts.updated_at["cart_1"] = T0
    orders = InMemoryOrderRepository()
    with pytest.raises(ValidationFailed) as caught:
        checkout(carts, catalog, orders)
    assert field in caught.value.fields
    assert len(orders) == 0


def test_checkout_without_a_cart_is_an_empty_cart(carts, catalog):
    with pytest.raises(ValidationFailed) as caught:
        checkout(carts, catalog, InMemoryOrderRepository(), cart_id=None)
    assert caught.value.fields == {"cart": "add something first"}


# -- the catalog ---------------------------------------------------------------


def test_an_added_product_is_for_sale_and_its_id_cannot_be_taken_again(catalog):
    cup = Product("cup", "Cup", "", 800, "eur")
    assert add_product(catalog, cup) == cup
    assert catalog.get("cup") == cup
    with pytest.raises(ValidationFailed) as caught:
        add_product(catalog, Product("cup", "Other", "", 1, "eur"))
    assert caught.value.fields == {"id": "a product with this id exists"}
    assert catalog.get("cup") == cup


def test_an_invalid_new_product_names_its_fields_and_is_not_added(catalog):
    with pytest.raises(ValidationFailed) as caught:
        add_product(catalog, Product("Cup!", "", "", None, "EUR"))
    assert set(caught.value.fields) == {"id", "title", "unitAmount", "currency"}
    assert catalog.get("Cup!") is None


def test_editing_a_product_keeps_its_id_and_whether_it_is_for_sale(catalog):
    edited = edit_product(catalog, "old", "Older", "now described", 950, "eur")
    assert edited == Product("old", "Older", "now described", 950, "eur", active=False)
    assert catalog.get("old") == edited


def test_an_invalid_edit_changes_nothing(catalog):
    with pytest.raises(ValidationFailed) as caught:
        edit_product(catalog, "mug", "Mug", "", 0, "eur")
    assert set(caught.value.fields) == {"unitAmount"}
    assert catalog.get("mug") == MUG


def test_a_product_is_taken_off_sale_and_back_never_deleted(catalog):
    assert not set_product_active(catalog, "mug", False).active
    assert catalog.get("mug") is not None and "mug" not in [p.id for p in catalog.active()]
    assert set_product_active(catalog, "mug", True) == MUG


@pytest.mark.parametrize("change", [
    lambda catalog: edit_product(catalog, "nothing", "T", "", 1, "eur"),
    lambda catalog: set_product_active(catalog, "nothing", False),
])
def test_changing_an_unknown_product_is_not_found(catalog, change):
    with pytest.raises(NotFound):
        change(catalog)
    assert catalog.get("nothing") is None
