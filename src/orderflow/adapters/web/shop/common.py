"""What every shop page needs: the cart read from storage, money as text."""

from pyramid.httpexceptions import HTTPSeeOther

from ....ports import Carts, Catalog
from ....services.cart import cart_contents
from ..money import money_text
from ..presenters import plain_errors
from .cookies import read_cart_id

TEMPLATES = "orderflow:adapters/web/templates/"


def load_cart(request):
    """(cart id or None, Cart, {product id: Product or None}) for this browser."""
    cart_id = read_cart_id(request)
    cart, products = cart_contents(request.find_service(Carts), request.find_service(Catalog),
                                   cart_id)
    return cart_id, cart, products


def cart_count(request):
    return sum(load_cart(request)[1].lines.values())


def page_values(request, **values):
    values.setdefault("cart_count", cart_count(request))
    values["money"] = money_text(request)
    values["plain_errors"] = plain_errors
    values["flashes"] = request.session.pop_flash("shop")
    return values


def see_other(request, route, **query):
    return HTTPSeeOther(location=request.route_url(route, _query=query or None))
