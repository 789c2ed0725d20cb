"""The catalog file's JSON (orderflow-catalog, the seed): read into Products and written back."""

import json
from importlib.resources import files

import pytest

from orderflow.adapters.web.presenters import catalog_from_json, catalog_json
from orderflow.domain.catalog import Product
from orderflow.domain.errors import ValidationFailed
from orderflow.services.catalog import import_catalog
from tests.unit.fakes import InMemoryCatalog


def as_json(product_id, amount=1000, **extra):
    return {"id": product_id, "title": product_id.title(), "description": "",
            "unitAmount": amount, "currency": "eur", **extra}


def test_a_catalog_file_reads_as_products_with_their_active_flag():
    products = catalog_from_json({"products": [as_json("mug", 1300),
                                               as_json("tea", active=False)]})
    assert products == [Product("mug", "Mug", "", 1300, "eur"),
                        Product("tea", "Tea", "", 1000, "eur", active=False)]


@pytest.mark.parametrize("data,field", [
    ({"products": ["mug"]}, "products.0"),
    ({"products": [as_json("mug"), 3]}, "products.1"),
    ({"items": []}, "products"),
    ([], "products"),
])
def test_a_file_not_shaped_like_a_catalog_names_the_field(data, field):
    with pytest.raises(ValidationFailed) as caught:
        catalog_from_json(data)
    assert field in caught.value.fields


def test_a_wrong_amount_in_the_file_is_named_by_its_json_field_on_import():
    catalog = InMemoryCatalog()
    with pytest.raises(ValidationFailed) as caught:
        import_catalog(catalog, catalog_from_json({"products": [as_json("mug", "12.50")]}))
    assert "products.0.unitAmount" in caught.value.fields
    assert catalog.all() == []


def test_an_exported_catalog_imports_back_the_same():
    catalog = InMemoryCatalog([Product("mug", "Mug", "A mug", 1250, "eur"),
                               Product("tea", "Tea", "", 500, "eur", active=False)])
    data = catalog_json(catalog.all())
    assert data["products"][0] == {"id": "mug", "title": "Mug", "description": "A mug",
                                   "unitAmount": 1250, "currency": "eur", "active": True}
    copy = InMemoryCatalog()
    import_catalog(copy, catalog_from_json(json.loads(json.dumps(data))))
    assert copy.all() == catalog.all()


def test_the_seed_catalog_imports_cleanly():
    data = json.loads(files("orderflow").joinpath("seed/catalog.json").read_text())
    catalog = InMemoryCatalog()
    added, _, _ = import_catalog(catalog, catalog_from_json(data))
    assert added == len(data["products"]) > 0
