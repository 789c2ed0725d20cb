"""Catalog and cart pages, and the checkout form that starts an order."""

import logging
import re

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ....domain.cart import QUANTITY_RULE, is_quantity
from ....domain.errors import GatewayError, ValidationFailed
from ....domain.order import new_order_id
from ....ports import Carts, Catalog, OrderRepository, PaymentGateway
from ....services import CheckoutSettings
from ....services.cart import add_to_cart, checkout_cart, remove_line, set_quantity
from ..forms import read_form, text
from ..schemas import email_address
from .common import TEMPLATES, load_cart, page_values, see_other
from .cookies import cart_id_for_writing, read_cart_id

log = logging.getLogger(__name__)


class Quantity(colander.SchemaType):
    """A quantity typed by a person: one message for every wrong input."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        text = str(cstruct).strip()
        # ASCII digits only: str.isdigit() also takes "²" (int() refuses it)
        # and "٥" (int() reads 5).
        if not re.fullmatch(r"[0-9]{1,9}", text) or not is_quantity(int(text)):
            raise colander.Invalid(node, QUANTITY_RULE)
        return int(text)

    def serialize(self, node, appstruct):
        return colander.null if appstruct is colander.null else str(appstruct)


class LineForm(colander.MappingSchema):
    product_id = colander.SchemaNode(colander.String(), validator=colander.Length(1, 64))
    quantity = colander.SchemaNode(Quantity())


class AddForm(LineForm):
    # The catalog's quantity field may be left out: one of it, then.
    quantity = colander.SchemaNode(Quantity(), missing=1)


class CheckoutForm(colander.MappingSchema):
    email = colander.SchemaNode(colander.String(), validator=email_address, missing=None)


def cart_page(request, errors=None, error_line=None, status=200, email=""):
    cart_id, cart, products = load_cart(request)
    lines, unavailable = [], []
    for product_id, quantity in cart.lines.items():
        product = products.get(product_id)
        if product is None or not product.active:
            unavailable.append((product_id, product))
        else:
            lines.append((product, quantity, product.unit_amount * quantity))
    request.response.status_int = status
    # Lines in several currencies (an admin changed one after it was added)
    # have no one total: the page names the lines to remove instead.
    return page_values(
        request, lines=lines, unavailable=unavailable, currency=cart.currency,
        other_currencies=sorted(cart.currencies - {cart.currency}),
        total=None if cart.mixed else sum(line[2] for line in lines),
        errors=errors or {}, error_line=error_line,
        email=email, cart_count=sum(q for _, q, _ in lines),
    )


@view_config(route_name="shop.catalog", request_method="GET",
             renderer=TEMPLATES + "catalog.jinja2")
def catalog(request):
    products = sorted(request.find_service(Catalog).active(), key=lambda p: p.title.lower())
    return page_values(request, products=products, errors={})


@view_config(route_name="shop.cart", request_method="GET", renderer=TEMPLATES + "cart.jinja2")
def cart(request):
    return cart_page(request)


@view_config(route_name="shop.cart_add", request_method="POST",
             renderer=TEMPLATES + "catalog.jinja2")
def add(request):
    response = see_other(request, "shop.cart")
    try:
        form = read_form(AddForm(), request)
        product = add_to_cart(request.find_service(Carts), request.find_service(Catalog),
                              cart_id_for_writing(request, response),
                              form["product_id"], form["quantity"])
    except ValidationFailed as error:
        # The response (and the cookie of a new cart) is dropped: nothing was stored.
        request.response.status_int = 400
        products = sorted(request.find_service(Catalog).active(), key=lambda p: p.title.lower())
        return page_values(request, products=products, errors=error.fields,
                           error_product=text(request.POST, "product_id"))
    request.session.flash(f"Added {form['quantity']} × {product.title} to your cart.", "shop")
    return response


@view_config(route_name="shop.cart_update", request_method="POST",
             renderer=TEMPLATES + "cart.jinja2")
def update(request):
    try:
        form = read_form(LineForm(), request)
        set_quantity(request.find_service(Carts), request.find_service(Catalog),
                     read_cart_id(request), form["product_id"], form["quantity"])
    except ValidationFailed as error:
        return cart_page(request, error.fields, text(request.POST, "product_id"), status=400)
    return see_other(request, "shop.cart")


@view_config(route_name="shop.cart_remove", request_method="POST")
def remove(request):
    cart_id = read_cart_id(request)
    if cart_id is not None:
        remove_line(request.find_service(Carts), request.find_service(Catalog),
                    cart_id, text(request.POST, "product_id"))
    return see_other(request, "shop.cart")


@view_config(route_name="shop.checkout", request_method="POST",
             renderer=TEMPLATES + "cart.jinja2")
def checkout(request):
    """The same use case as the JSON API, remembering which cart it came from."""
    email = text(request.POST, "email").strip()
    try:
        form = read_form(CheckoutForm(), request)
        started = checkout_cart(
            request.find_service(Carts), request.find_service(Catalog),
            request.find_service(OrderRepository), request.find_service(PaymentGateway),
            request.find_service(CheckoutSettings), read_cart_id(request),
            request.environ.setdefault("orderflow.order_id", new_order_id()),
            form["email"], request.now,
        )
    except ValidationFailed as error:
        return cart_page(request, error.fields, status=400, email=email)
    except GatewayError as error:
        log.warning("checkout failed at the gateway: %s", error.message)
        return cart_page(request, {"gateway": "The payment service could not be reached. "
                                              "Your cart is unchanged; please try again."},
                         status=502, email=email)
    return HTTPSeeOther(location=started.url)
