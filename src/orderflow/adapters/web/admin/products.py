"""The catalog: list, add, edit, deactivate. Orders keep their own prices."""

from dataclasses import replace
import re

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ....domain.catalog import Product, check_product
from ....domain.errors import ValidationFailed
from ....ports import Catalog
from ..forms import text
from .helpers import page
from .security import PERMISSION

TEMPLATE = "orderflow:adapters/web/templates/admin/product_form.jinja2"
_DIGITS = re.compile(r"[0-9]{1,9}")


@view_config(route_name="admin.products", request_method="GET", permission=PERMISSION,
             renderer="orderflow:adapters/web/templates/admin/products.jinja2")
def products_list(request):
    products = sorted(request.find_service(Catalog).all(), key=lambda p: p.id)
    return page(request, products=products)


def _form_values(post):
    # A field sent as a file is missing: "required" or invalid, named in a 400.
    return {name: text(post, name) for name in
            ("id", "title", "description", "unitAmount", "currency")}


def _product_from_form(values, product_id=None, active=True):
    """A checked Product from the form, or ValidationFailed with field errors."""
    amount_text = values["unitAmount"].strip()
    # Minor units only: "12.50" or "1e3" is refused rather than guessed at.
    amount = int(amount_text) if _DIGITS.fullmatch(amount_text) else None
    product = Product(
        id=product_id or values["id"].strip(), title=values["title"].strip(),
        description=values["description"].strip(), unit_amount=amount,
        currency=values["currency"].strip().lower(), active=active,
    )
    check_product(product)
    return product


def _form(request, values, errors, editing):
    return page(request, values=values, errors=errors, editing=editing)


@view_config(route_name="admin.product_new", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATE)
def product_new_form(request):
    values = {"id": "", "title": "", "description": "", "unitAmount": "", "currency": "eur"}
    return _form(request, values, {}, None)


@view_config(route_name="admin.product_new", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATE)
def product_add(request):
    values = _form_values(request.POST)
    catalog = request.find_service(Catalog)
    try:
        product = _product_from_form(values)
        if catalog.get(product.id) is not None:
            raise ValidationFailed("exists", {"id": "a product with this id exists"})
    except ValidationFailed as error:
        request.response.status_int = 400
        return _form(request, values, error.fields, None)
    catalog.put(product)
    request.session.flash(f"Product {product.id} added.")
    return HTTPSeeOther(request.route_url("admin.products"))


def _product(request):
    product = request.find_service(Catalog).get(request.matchdict["product_id"])
    if product is None:
        raise HTTPNotFound("no such product")
    return product


@view_config(route_name="admin.product_edit", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATE)
def product_edit_form(request):
    product = _product(request)
    values = {"id": product.id, "title": product.title, "description": product.description,
              "unitAmount": str(product.unit_amount), "currency": product.currency}
    return _form(request, values, {}, product)


@view_config(route_name="admin.product_edit", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATE)
def product_edit(request):
    existing = _product(request)
    values = _form_values(request.POST)
    values["id"] = existing.id
    try:
        product = _product_from_form(values, existing.id, existing.active)
    except ValidationFailed as error:
        request.response.status_int = 400
        return _form(request, values, error.fields, existing)
    # Orders hold their own copy of title and price: replacing the product
    # changes only future orders.
    request.find_service(Catalog).put(product)
    request.session.flash(f"Product {product.id} saved.")
    return HTTPSeeOther(request.route_url("admin.products"))


@view_config(route_name="admin.product_active", request_method="POST", permission=PERMISSION)
def product_active(request):
    product = _product(request)
    active = text(request.POST, "active") == "1"
    request.find_service(Catalog).put(replace(product, active=active))
    request.session.flash(f"Product {product.id} {'activated' if active else 'deactivated'}.")
    return HTTPSeeOther(request.route_url("admin.products"))
