"""Money, product checks, the catalog import use case and the cart's currency."""

from dataclasses import replace

import pytest

from orderflow.domain.cart import Cart
from orderflow.domain.catalog import Product, check_product
from orderflow.domain.errors import ValidationFailed
from orderflow.domain.money import Money, is_currency
from orderflow.services.catalog import import_catalog

from .fakes import InMemoryCatalog

# -- Money ---------------------------------------------------------------------


@pytest.mark.parametrize("amount", [12.5, 12.0, "1250", True, None])
def test_money_amounts_are_integers_only(amount):
    with pytest.raises(TypeError):
        Money(amount, "eur")


@pytest.mark.parametrize("currency", ["EUR", "eu", "euro", "", None, "e1r", "eur\n", "\neur"])
def test_money_currencies_are_lower_case_iso_codes(currency):
    assert not is_currency(currency)
    with pytest.raises(ValueError):
        Money(100, currency)


def test_money_adds_and_multiplies_in_one_currency():
    assert Money(1250, "eur") + Money(500, "eur") == Money(1750, "eur")
    assert Money(1250, "eur").times(3) == Money(3750, "eur")
    with pytest.raises(ValueError):
        Money(1, "eur") + Money(1, "usd")


# -- check_product -----------------------------------------------------------

GOOD = Product("blue-mug", "Blue mug", "A mug.", 1250, "eur")


def test_a_good_product_passes():
    check_product(GOOD)


@pytest.mark.parametrize("change,field", [
    (dict(id="Blue Mug"), "id"),
    (dict(id=""), "id"),
    (dict(id="x" * 65), "id"),
    (dict(title="  "), "title"),
    (dict(title="t" * 201), "title"),
    (dict(description="d" * 2001), "description"),
    (dict(unit_amount=0), "unitAmount"),
    (dict(unit_amount=12.5), "unitAmount"),
    (dict(unit_amount=True), "unitAmount"),
    (dict(unit_amount=100_000_000), "unitAmount"),
    (dict(currency="EUR"), "currency"),
    (dict(id="mug\n"), "id"),
    (dict(currency="eur\n"), "currency"),
])
def test_a_bad_product_is_refused_naming_the_field(change, field):
    with pytest.raises(ValidationFailed) as caught:
        check_product(replace(GOOD, **change))
    assert set(caught.value.fields) == {field}


# -- import_catalog ---------------------------------------------------------------

def product(product_id, amount=1000, **extra):
    return Product(product_id, product_id.title(), "", amount, "eur", **extra)


def test_import_upserts_and_deactivates_what_is_missing_but_never_deletes():
    catalog = InMemoryCatalog([
        Product("mug", "Mug", "", 1250, "eur"),
        Product("tea", "Tea", "", 500, "eur"),
        Product("old", "Old", "", 100, "eur", active=False),
    ])
    counts = import_catalog(catalog, [product("mug", 1300), product("cup")])
    assert counts == (1, 1, 1)  # cup added, mug updated, tea deactivated
    assert catalog.get("mug").unit_amount == 1300 and catalog.get("mug").active
    assert catalog.get("cup").active
    assert catalog.get("tea") is not None and not catalog.get("tea").active
    assert catalog.get("old") is not None and not catalog.get("old").active
    assert [p.id for p in catalog.active()] == ["cup", "mug"]


def test_importing_the_same_products_twice_changes_nothing_the_second_time():
    catalog = InMemoryCatalog()
    products = [product("mug"), product("tea", active=False)]
    assert import_catalog(catalog, products) == (2, 0, 0)
    assert import_catalog(catalog, products) == (0, 0, 0)
    assert not catalog.get("tea").active


@pytest.mark.parametrize("products,field", [
    ([product("mug"), product("tea", amount=1.5)], "products.1.unitAmount"),
    ([product("Bad Id")], "products.0.id"),
    ([replace(product("mug"), currency="EUR")], "products.0.currency"),
    ([product("tea\n")], "products.0.id"),
    ([replace(product("mug"), currency="eur\n")], "products.0.currency"),
    ([product("mug"), product("mug")], "products"),
])
def test_an_invalid_import_names_the_field_and_changes_nothing(products, field):
    catalog = InMemoryCatalog([Product("keep", "Keep", "", 100, "eur")])
    with pytest.raises(ValidationFailed) as caught:
        import_catalog(catalog, products)
    assert field in caught.value.fields
    assert [(p.id, p.active) for p in catalog.all()] == [("keep", True)]


# -- the cart's currency ---------------------------------------------------------

def test_a_cart_takes_its_currency_from_inactive_products_too():
    mug = Product("mug", "Mug", "", 1250, "eur", active=False)
    cart = Cart.of({"mug": 1}, {"mug": mug})
    assert cart.currency == "eur" and not cart.mixed
    with pytest.raises(ValidationFailed) as caught:
        cart.add(Product("book", "Book", "", 2000, "usd"))
    assert caught.value.fields == {"product_id": "priced in USD, the cart is in EUR"}
    assert cart.lines == {"mug": 1}


def test_a_cart_with_lines_in_two_currencies_is_mixed_and_refuses_to_be_ordered():
    products = {"mug": Product("mug", "Mug", "", 1250, "eur"),
                "book": Product("book", "Book", "", 2000, "usd", active=False),
                "gone": None}
    cart = Cart.of({"mug": 1, "book": 1, "gone": 2}, products)
    assert (cart.currency, cart.currencies, cart.mixed) == ("eur", {"eur", "usd"}, True)
    with pytest.raises(ValidationFailed) as caught:
        cart.check_one_currency()
    assert caught.value.fields == {"items": "mixed currencies: eur, usd"}
    Cart.of({"mug": 1, "gone": 2}, products).check_one_currency()
