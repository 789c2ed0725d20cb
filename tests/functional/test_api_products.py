"""GET /api/products (SPEC §3.1)."""

from dataclasses import replace

from tests.functional.conftest import put_product


def test_products_lists_every_active_product_with_its_public_fields(shop):
    answer = shop.http.get("/api/products", status=200)
    assert answer.content_type == "application/json"
    products = answer.json["products"]
    assert {p["id"] for p in products} == {
        "espresso-beans", "filter-papers", "ceramic-mug", "hand-grinder", "milk-jug",
    }
    mug = next(p for p in products if p["id"] == "ceramic-mug")
    assert mug == {"id": "ceramic-mug", "title": "Ceramic mug",
                   "description": "Hand-glazed stoneware, 300 ml.",
                   "unitAmount": 1800, "currency": "eur"}
    assert all(type(p["unitAmount"]) is int for p in products)


def test_products_leaves_out_a_deactivated_product(shop):
    with shop.storage() as repos:
        mug = repos.catalog.get("ceramic-mug")
        repos.catalog.put(replace(mug, active=False))
    ids = {p["id"] for p in shop.http.get("/api/products").json["products"]}
    assert "ceramic-mug" not in ids
    assert "milk-jug" in ids


def test_products_shows_a_product_added_to_the_catalog(shop):
    put_product(shop, "travel-mug", unit_amount=2500, currency="usd")
    products = shop.http.get("/api/products").json["products"]
    assert {"id": "travel-mug", "title": "Travel Mug", "description": "",
            "unitAmount": 2500, "currency": "usd"} in products
