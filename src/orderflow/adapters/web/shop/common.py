"""What every shop page needs: the cart read from storage, money as text."""

from pyramid.httpexceptions import HTTPSeeOther

from ....domain.cart import Cart
from ....ports import Carts, Catalog
from ..money import money_text
from ..presenters import plain_errors
from .cookies import read_cart_id

TEMPLATES = "orderflow:adapters/web/templates/"


def load_cart(request):
    """(cart id or None, Cart, {product id: Product}) for this browser.

    Lines whose product left the catalog stay in the cart (they may come
    back) but are shown apart and never ordered; their currency still
    counts as the cart's (Cart.of).
    """
    cart_id = read_cart_id(request)
    lines = request.find_service(Carts).lines(cart_id) if cart_id else {}
    catalog = request.find_service(Catalog)
    products = {pid: catalog.get(pid) for pid in lines}
    return cart_id, Cart.of(lines, products), products


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
