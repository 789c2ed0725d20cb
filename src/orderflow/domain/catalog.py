"""Products of the catalog and the lines a customer asks for."""

from dataclasses import dataclass
import re

from .errors import ValidationFailed
from .money import Money, is_currency

# Matched whole (fullmatch): "$" would also accept a trailing newline.
PRODUCT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
MAX_UNIT_AMOUNT = 99_999_999  # Stripe's own ceiling for one amount


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    description: str
    unit_amount: int
    currency: str
    active: bool = True

    @property
    def price(self):
        return Money(self.unit_amount, self.currency)


def check_product(product):
    """Field errors of a product about to enter the catalog, or nothing."""
    fields = {}
    if not isinstance(product.id, str) or not PRODUCT_ID.fullmatch(product.id):
        fields["id"] = "lower-case letters, digits and dashes, at most 64"
    if not isinstance(product.title, str) or not product.title.strip():
        fields["title"] = "required"
    elif len(product.title) > 200:
        fields["title"] = "at most 200 characters"
    if not isinstance(product.description, str) or len(product.description) > 2000:
        fields["description"] = "at most 2000 characters"
    if type(product.unit_amount) is not int or not 1 <= product.unit_amount <= MAX_UNIT_AMOUNT:
        fields["unitAmount"] = f"an integer of minor units from 1 to {MAX_UNIT_AMOUNT}"
    if not is_currency(product.currency):
        fields["currency"] = "a lower-case ISO 4217 code such as 'eur'"
    if fields:
        raise ValidationFailed("the product is not valid", fields)


@dataclass(frozen=True)
class Line:
    """A product id and how many of it: what a cart or an API client asks for."""

    product_id: str
    quantity: int
