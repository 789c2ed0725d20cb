"""The cart: the lines (product id -> quantity) a browser has collected.

Pure rules (SPEC §1): quantity 1..99, at most 50 lines, one currency. The
cart is never cleared by a failure, a cancel or an expiry; only the lines
of a paid order are taken out (`remove_ordered`).
"""

from dataclasses import dataclass, field

from .errors import ValidationFailed

# The one quantity rule (SPEC §1): of one product, in a cart line or an
# order line. The API schema, the shop's forms and the use cases use these.
MAX_QUANTITY = 99
MAX_LINES = 50
QUANTITY_RULE = f"a whole number from 1 to {MAX_QUANTITY}"


def is_quantity(quantity):
    return type(quantity) is int and 1 <= quantity <= MAX_QUANTITY


def check_quantity(quantity, name="quantity"):
    if not is_quantity(quantity):
        raise ValidationFailed("the quantity is out of range", {name: QUANTITY_RULE})


def check_one_currency(currencies):
    """ValidationFailed if `currencies` (of an order's lines) holds more than one."""
    if len(currencies) > 1:
        raise ValidationFailed(
            "an order has one currency",
            {"items": "mixed currencies: " + ", ".join(sorted(currencies))},
        )


@dataclass
class Cart:
    lines: dict = field(default_factory=dict)  # product id -> quantity, in order added
    # The currency of its first active line (else of its first line the
    # catalog knows); `currencies` holds
    # those of every such line. More than one only when an admin changed a
    # product's currency after it was added: the cart is then `mixed`.
    currency: str | None = None
    currencies: frozenset = frozenset()

    @classmethod
    def of(cls, lines, products):
        """The cart of `lines`, priced by `products` (product id -> Product or None).

        Inactive products count: a deactivated line keeps its currency, so
        the cart cannot take another one meanwhile and mix when it returns.
        """
        known = [products[pid] for pid in lines if products.get(pid) is not None]
        # An active line's currency first: if an inactive line is the odd one
        # out, it is the one to remove, not the lines the customer can order.
        first = next((p for p in known if p.active), known[0] if known else None)
        return cls(dict(lines), first.currency if first else None,
                   frozenset(p.currency for p in known))

    @property
    def empty(self):
        return not self.lines

    @property
    def mixed(self):
        return len(self.currencies) > 1

    def check_one_currency(self):
        """ValidationFailed if the lines are priced in several currencies."""
        check_one_currency(self.currencies)

    def add(self, product, quantity=1):
        """Add `quantity` of an active product; a line already there grows."""
        check_quantity(quantity)
        if not product.active:
            raise ValidationFailed("the product is not for sale", {"product_id": "not for sale"})
        if self.currency is not None and product.currency != self.currency:
            raise ValidationFailed(
                "a cart has one currency",
                {"product_id": f"priced in {product.currency.upper()}, "
                               f"the cart is in {self.currency.upper()}"},
            )
        if product.id not in self.lines and len(self.lines) >= MAX_LINES:
            raise ValidationFailed("the cart is full", {"product_id": f"at most {MAX_LINES} lines"})
        total = self.lines.get(product.id, 0) + quantity
        if not is_quantity(total):
            raise ValidationFailed(
                "too many of one product",
                {"quantity": f"at most {MAX_QUANTITY} of one product in all"},
            )
        self.lines[product.id] = total
        self.currency = self.currency or product.currency
        self.currencies = self.currencies | {product.currency}

    def set_quantity(self, product_id, quantity):
        check_quantity(quantity)
        if product_id not in self.lines:
            raise ValidationFailed("the product is not in the cart", {"product_id": "not in the cart"})
        self.lines[product_id] = quantity

    def remove(self, product_id):
        self.lines.pop(product_id, None)
        self._forget_currency_when_empty()

    def remove_ordered(self, items):
        """Take the ordered quantities out: what the customer added since stays."""
        for item in items:
            left = self.lines.get(item.product_id, 0) - item.quantity
            if left > 0:
                self.lines[item.product_id] = left
            else:
                self.lines.pop(item.product_id, None)
        self._forget_currency_when_empty()

    def _forget_currency_when_empty(self):
        if not self.lines:
            self.currency, self.currencies = None, frozenset()
