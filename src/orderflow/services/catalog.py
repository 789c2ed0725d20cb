"""Catalog use cases: an admin's add, edit and (de)activate; import of a whole catalog.

Orders keep their own copy of titles and prices, so replacing a product
only changes future orders. Products are never deleted, only deactivated.
"""

from dataclasses import replace

from ..domain.catalog import check_product
from ..domain.errors import NotFound, ValidationFailed


def _existing(catalog, product_id):
    product = catalog.get(product_id)
    if product is None:
        raise NotFound("no such product")
    return product


def add_product(catalog, product):
    """Add a new product; ValidationFailed if it breaks a rule or its id is taken."""
    check_product(product)
    if catalog.get(product.id) is not None:
        raise ValidationFailed("exists", {"id": "a product with this id exists"})
    catalog.put(product)
    return product


def edit_product(catalog, product_id, title, description, unit_amount, currency):
    """Replace a product's details, keeping its id and whether it is for sale."""
    product = replace(_existing(catalog, product_id), title=title, description=description,
                      unit_amount=unit_amount, currency=currency)
    check_product(product)
    catalog.put(product)
    return product


def set_product_active(catalog, product_id, active):
    """Put a product on sale or take it off (carts keep its line meanwhile)."""
    product = replace(_existing(catalog, product_id), active=active)
    catalog.put(product)
    return product


def import_catalog(catalog, products):
    """Upsert every product of `products`; deactivate (never delete) the others.

    Returns (added, updated, deactivated).
    """
    for n, product in enumerate(products):
        try:
            check_product(product)
        except ValidationFailed as error:
            raise ValidationFailed(
                f"product {n} is not valid",
                {f"products.{n}.{field}": text for field, text in error.fields.items()},
            ) from None
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
