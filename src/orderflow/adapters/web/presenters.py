"""Domain objects as the JSON of SPEC §3 (camelCase, integer minor units),
and the shop's error messages as sentences.

Also the catalog file's JSON (`orderflow-catalog`, seed/catalog.json): the
API's product form plus `active`.
"""

import re

from ...domain.catalog import Product
from ...domain.errors import ValidationFailed


def iso(moment):
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def product_json(product):
    return {
        "id": product.id,
        "title": product.title,
        "description": product.description,
        "unitAmount": product.unit_amount,
        "currency": product.currency,
    }


def order_json(order):
    payment = order.payment
    failure = order.failure
    return {
        "id": order.id,
        # The customer's short reference (SPEC §11): the id stays the key.
        "reference": order.shown_reference,
        "status": order.status,
        "sessionId": order.session_id,
        "items": [
            {
                "id": item.product_id,
                "title": item.title,
                "unitAmount": item.unit_amount,
                "quantity": item.quantity,
                "lineTotal": item.line_total,
            }
            for item in order.items
        ],
        "total": order.total,
        "currency": order.currency,
        "dateCreated": iso(order.date_created),
        "dateModified": iso(order.date_modified),
        "payment": None if payment is None else {
            "amountReceived": payment.amount_received,
            "currency": payment.currency,
            "paymentIntent": payment.payment_intent,
            "paidAt": iso(payment.paid_at),
        },
        "failure": None if failure is None else {"code": failure.code, "reason": failure.reason},
    }


def started_json(started):
    return {"orderId": started.order_id, "sessionId": started.session_id, "url": started.url}


# -- the shop's error messages as sentences (SPEC §11) --------------------------

_PRICED_IN = re.compile(r"priced in ([A-Z]{3}), the cart is in ([A-Z]{3})")
_MIXED = re.compile(r"mixed currencies: (.+)")


def _product_sentence(text):
    found = _PRICED_IN.fullmatch(text)
    if found:
        return (f"That product is priced in {found.group(1)} and your cart is in "
                f"{found.group(2)}: an order is paid in one currency, so it was not added.")
    if text.startswith("at most") and text.endswith("lines"):
        return f"Your cart is full: it holds {text.replace('lines', 'different products')}."
    if text == "not in the cart":
        return "That product is no longer in your cart."
    return "That product is not for sale."


def _quantity_sentence(text):
    if text.startswith("at most"):
        return f"You can order {text}."
    return f"The quantity must be {text}."


def _items_sentence(text):
    found = _MIXED.fullmatch(text)
    if found:
        return ("Your cart holds products priced in "
                f"{found.group(1).upper().replace(',', ' and')}: an order is paid in one currency.")
    return "Some products in your cart can no longer be ordered: check your cart."


_SENTENCES = {
    "product_id": _product_sentence,
    "quantity": _quantity_sentence,
    "email": lambda text: ("That email address does not look right: type one such as "
                           "name@example.com, or leave the field empty."),
    "cart": lambda text: "Your cart is empty: add something from the catalog first.",
    "items": _items_sentence,
}


def plain_errors(fields):
    """Field errors (from colander or the domain) as sentences a shopper reads,
    without field names such as `email:` or `product_id`."""
    sentences = []
    for field, text in (fields or {}).items():
        text = str(text)
        sentence = _SENTENCES.get(field.split(".")[0])
        if sentence is not None:
            text = sentence(text)
        elif not text.endswith("."):
            text = text[:1].upper() + text[1:] + "."
        if text not in sentences:
            sentences.append(text)
    return sentences


def catalog_json(products):
    """A catalog file: {"products": [...]}, every product with `active`."""
    return {"products": [dict(product_json(p), active=p.active) for p in products]}


def catalog_from_json(data):
    """The Products of a catalog file, unchecked (import_catalog checks them),
    or ValidationFailed naming what is not shaped like one."""
    items = data.get("products") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValidationFailed("a catalog is {\"products\": [...]}", {"products": "a list"})
    products = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed("a product is an object", {f"products.{n}": "not an object"})
        products.append(Product(
            id=item.get("id"), title=item.get("title"),
            description=item.get("description", "") or "",
            unit_amount=item.get("unitAmount"), currency=item.get("currency"),
            active=item.get("active", True) is not False,
        ))
    return products
