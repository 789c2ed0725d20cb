"""Catalog use cases: import (upsert, deactivate the missing) and export."""

from dataclasses import replace

from ..domain.catalog import Product, check_product
from ..domain.errors import ValidationFailed


def product_from_json(data, n=0):
    """A Product from its JSON form (camelCase keys), or field errors."""
    if not isinstance(data, dict):
        raise ValidationFailed("a product is an object", {f"products.{n}": "not an object"})
    product = Product(
        id=data.get("id"), title=data.get("title"),
        description=data.get("description", "") or "",
        unit_amount=data.get("unitAmount"), currency=data.get("currency"),
        active=data.get("active", True) is not False,
    )
    try:
        check_product(product)
    except ValidationFailed as error:
        raise ValidationFailed(
            f"product {n} is not valid",
            {f"products.{n}.{field}": text for field, text in error.fields.items()},
        ) from None
    return product


def product_to_json(product):
    return {
        "id": product.id, "title": product.title, "description": product.description,
        "unitAmount": product.unit_amount, "currency": product.currency,
        "active": product.active,
    }


def import_catalog(catalog, data):
    """Upsert every product of `data`; deactivate (never delete) the others.

    Orders keep their own snapshot of titles and prices, so replacing a
    product never changes an existing order. Returns (added, updated, deactivated).
    """
    items = data.get("products") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValidationFailed("a catalog is {\"products\": [...]}", {"products": "a list"})
    products = [product_from_json(item, n) for n, item in enumerate(items)]
    ids = [p.id for p in products]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("product ids repeat", {"products": "each id once"})
    added = updated = deactivated = 0
    for product in products:
        existing = catalog.get(product.id)
        if existing is None:
            added += 1
        elif existing != product:
            updated += 1
        catalog.put(product)
    for product in catalog.all():
        if product.id not in ids and product.active:
            catalog.put(replace(product, active=False))
            deactivated += 1
    return added, updated, deactivated


def export_catalog(catalog):
    return {"products": [product_to_json(p) for p in catalog.all()]}
