"""ZodbCatalog: products by id. Products are immutable values, replaced whole."""

from ...ports.repositories import Catalog


class ZodbCatalog(Catalog):
    def __init__(self, root):
        self.root = root

    def get(self, product_id):
        return self.root.products.get(product_id) if isinstance(product_id, str) else None

    def all(self):
        return list(self.root.products.values())

    def put(self, product):
        self.root.products[product.id] = product
