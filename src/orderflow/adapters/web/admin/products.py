"""The catalog: list, add, edit, deactivate. Orders keep their own prices."""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ....domain.catalog import MAX_UNIT_AMOUNT, Product, check_product
from ....domain.errors import ValidationFailed
from ....ports import Catalog
from ....services.catalog import add_product, edit_product, set_product_active
from ....ports.audit import AuditLog
from ....services import audit
from ....services.audit import AuditAction
from ..forms import text
from ..money import money_text
from .helpers import page
from .security import PERMISSION

TEMPLATE = "orderflow:adapters/web/templates/admin/product_form.jinja2"


@view_config(route_name="admin.products", request_method="GET", permission=PERMISSION,
             renderer="orderflow:adapters/web/templates/admin/products.jinja2")
def products_list(request):
    products = sorted(request.find_service(Catalog).all(), key=lambda p: p.id)
    return page(request, products=products)


def _form_values(post):
    # A field sent as a file is missing: "required" or invalid, named in a 400.
    return {name: text(post, name) for name in
            ("id", "title", "description", "unitAmount", "currency")}


def _product_from_form(request, values, product_id=None, active=True):
    """A checked Product from the form, or ValidationFailed with field errors.

    The price is typed in major units ("18", "18.00"): it becomes integer
    minor units with the currency's exponent, never through a float. The
    currency is one of the shop's (orderflow.currencies).
    """
    money = money_text(request)
    currencies = request.registry["orderflow.currencies"]
    currency = values["currency"].strip().lower()
    errors = {}
    if currency not in currencies:
        errors["currency"] = "Choose one of the shop's currencies: " + ", ".join(
            c.upper() for c in currencies) + "."
    amount = money.parse(values["unitAmount"], currency)
    if amount is None or not 1 <= amount <= MAX_UNIT_AMOUNT:
        shown = currency.upper() if currency in currencies else "the shop's currency"
        errors["unitAmount"] = (
            f"Type the price in {shown} as a number from {money.major(1, currency)} to "
            f"{money.major(MAX_UNIT_AMOUNT, currency)}, such as {money.major(1800, currency)}.")
    product = Product(
        id=product_id or values["id"].strip(), title=values["title"].strip(),
        description=values["description"].strip(), unit_amount=amount or 0,
        currency=currency, active=active,
    )
    try:
        check_product(product)
    except ValidationFailed as error:
        errors = {**error.fields, **errors}
    if errors:
        raise ValidationFailed("the product is not valid", errors)
    return product


def _form(request, values, errors, editing):
    return page(request, values=values, errors=errors, editing=editing,
                currencies=request.registry["orderflow.currencies"])


def _product(request):
    product = request.find_service(Catalog).get(request.matchdict["product_id"])
    if product is None:
        raise HTTPNotFound("no such product")
    return product


def _to_list(request, message):
    request.session.flash(message)
    return HTTPSeeOther(request.route_url("admin.products"))


@view_config(route_name="admin.product_new", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATE)
def product_new_form(request):
    values = {"id": "", "title": "", "description": "", "unitAmount": "",
              "currency": request.registry["orderflow.currencies"][0]}
    return _form(request, values, {}, None)


@view_config(route_name="admin.product_new", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATE)
def product_add(request):
    values = _form_values(request.POST)
    try:
        product = add_product(request.find_service(Catalog), _product_from_form(request, values))
    except ValidationFailed as error:
        request.response.status_int = 400
        return _form(request, values, error.fields, None)
    _audit(request, product, AuditAction.PRODUCT_ADD)
    return _to_list(request, f"Product {product.id} added.")


def _audit(request, product, action):
    """Every change of the catalog is recorded with the admin's name."""
    audit.product_changed(request.find_service(AuditLog), product,
                          request.authenticated_userid, request.now, action)


@view_config(route_name="admin.product_edit", request_method="GET", permission=PERMISSION,
             renderer=TEMPLATE)
def product_edit_form(request):
    product = _product(request)
    values = {"id": product.id, "title": product.title, "description": product.description,
              "unitAmount": money_text(request).major(product.unit_amount, product.currency),
              "currency": product.currency}
    return _form(request, values, {}, product)


@view_config(route_name="admin.product_edit", request_method="POST", permission=PERMISSION,
             renderer=TEMPLATE)
def product_edit(request):
    product_id = request.matchdict["product_id"]
    values = dict(_form_values(request.POST), id=product_id)
    try:
        checked = _product_from_form(request, values, product_id)
        # An unknown product_id: NotFound, a 404 page (pages_errors.py).
        product = edit_product(request.find_service(Catalog), product_id, checked.title,
                               checked.description, checked.unit_amount, checked.currency)
    except ValidationFailed as error:
        request.response.status_int = 400
        return _form(request, values, error.fields, _product(request))
    _audit(request, product, AuditAction.PRODUCT_EDIT)
    return _to_list(request, f"Product {product.id} saved.")


@view_config(route_name="admin.product_active", request_method="GET", permission=PERMISSION,
             renderer="orderflow:adapters/web/templates/admin/product_deactivate.jinja2")
def product_deactivate_confirm(request):
    """Deactivating asks first (SPEC §11); activating again needs no step."""
    product = _product(request)
    if not product.active:
        return HTTPSeeOther(request.route_url("admin.products"))
    return page(request, product=product)


@view_config(route_name="admin.product_active", request_method="POST", permission=PERMISSION)
def product_active(request):
    active = text(request.POST, "active") == "1"
    product = set_product_active(request.find_service(Catalog),
                                 request.matchdict["product_id"], active)
    _audit(request, product,
           AuditAction.PRODUCT_ACTIVATE if active else AuditAction.PRODUCT_DEACTIVATE)
    return _to_list(request, f"Product {product.id} {'activated' if active else 'deactivated'}.")
