"""Cart use cases: what a browser's cart holds, and the changes a shopper makes.

Each takes the cart id (the web adapter keeps it in a signed cookie) and
stores the whole cart back only when every rule of domain/cart.py passed.
"""

from ..domain.cart import Cart
from ..domain.catalog import Line
from ..domain.errors import ValidationFailed
from .checkout import start_checkout


def cart_contents(carts, catalog, cart_id):
    """(Cart, {product id: Product or None}) of `cart_id`; empty if None or unknown.

    Lines whose product left the catalog stay in the cart (they may come
    back) but are shown apart and never ordered; their currency still
    counts as the cart's (Cart.of).
    """
    lines = carts.lines(cart_id) if cart_id else {}
    products = {pid: catalog.get(pid) for pid in lines}
    return Cart.of(lines, products), products


def add_to_cart(carts, catalog, cart_id, product_id, quantity):
    """Add `quantity` of a product for sale; the Product added."""
    product = catalog.get(product_id)
    if product is None:
        raise ValidationFailed("unknown product", {"product_id": "not for sale"})
    cart, _ = cart_contents(carts, catalog, cart_id)
    cart.add(product, quantity)
    carts.put(cart_id, cart.lines)
    return product


def set_quantity(carts, catalog, cart_id, product_id, quantity):
    """Set the quantity of a line already in the cart."""
    cart, _ = cart_contents(carts, catalog, cart_id)
    cart.set_quantity(product_id, quantity)
    carts.put(cart_id, cart.lines)


def remove_line(carts, catalog, cart_id, product_id):
    """Take a line out (nothing happens if it is not there)."""
    cart, _ = cart_contents(carts, catalog, cart_id)
    if product_id in cart.lines:
        cart.remove(product_id)
        carts.put(cart_id, cart.lines)


def checkout_cart(carts, catalog, orders, gateway, settings, cart_id, order_id, email, now):
    """Start a checkout for the cart's lines for sale (start_checkout's result).

    The order remembers the cart, so that payment takes exactly the ordered
    quantities out of it; the cart's age restarts (Carts.keep), so pruning
    leaves it while its order may still fail.
    """
    cart, products = cart_contents(carts, catalog, cart_id)
    lines = [Line(pid, quantity) for pid, quantity in cart.lines.items()
             if products[pid] is not None and products[pid].active]
    if not lines:
        raise ValidationFailed("the cart is empty", {"cart": "add something first"})
    # Inactive lines count too (SPEC §1: a cart has one currency); the cart
    # page names the lines to remove.
    cart.check_one_currency()
    started = start_checkout(catalog, orders, gateway, settings, order_id, lines, email, now,
                             cart_id=cart_id)
    carts.keep(cart_id)
    return started
