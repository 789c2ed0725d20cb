"""The catalog and cart pages: cookies, CSRF, limits, escaping."""

from dataclasses import replace

import webtest

from orderflow.adapters.web.shop.cookies import COOKIE
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.domain.catalog import Product
from tests.conftest import app_settings
from tests.functional.conftest import Customer, Shop, put_product, stored_counts


def test_the_catalog_lists_active_products_with_formatted_prices(shop):
    page = shop.http.get("/")
    assert "Ceramic mug" in page.text
    assert "€18.00" in page.text


def test_adding_products_fills_the_cart_and_shows_the_total(customer):
    customer.add("ceramic-mug", 2)
    customer.add("filter-papers")
    customer.add("ceramic-mug", 1)
    assert customer.cart_lines() == {"ceramic-mug": 3, "filter-papers": 1}
    assert "€58.50" in customer.http.get("/cart").text


def test_changing_and_removing_lines_updates_the_cart(customer):
    customer.add("ceramic-mug")
    customer.add("filter-papers")
    form = customer.cart_form("/cart/update", "ceramic-mug")
    form["quantity"] = "5"
    form.submit(status=303)
    customer.cart_form("/cart/remove", "filter-papers").submit(status=303)
    assert customer.cart_lines() == {"ceramic-mug": 5}


def test_a_form_post_without_csrf_token_is_refused_and_changes_nothing(customer):
    customer.add("ceramic-mug")
    answer = customer.http.post("/cart/add", {"product_id": "milk-jug", "quantity": "1"},
                                status=400)
    assert "csrf" in answer.text.lower()
    form = customer.cart_form("/cart/update", "ceramic-mug")
    form["csrf_token"] = "not-the-token"
    form["quantity"] = "7"
    form.submit(status=400)
    assert customer.cart_lines() == {"ceramic-mug": 1}


def tamper(http, value):
    """Change the cart cookie the browser holds, as a curious customer could."""
    cookie = next(c for c in http.cookiejar if c.name == COOKIE)
    cookie.value = value


def test_a_tampered_cart_cookie_is_ignored_and_gives_a_new_empty_cart(customer):
    customer.add("ceramic-mug")
    value = customer.http.cookies[COOKIE]
    tamper(customer.http, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    page = customer.http.get("/cart", status=200)
    assert "Your cart is empty" in page.text
    customer.add("milk-jug")
    assert customer.http.cookies[COOKIE] != value
    assert customer.cart_lines() == {"milk-jug": 1}


def test_a_cart_cookie_that_is_not_even_base64_is_ignored(customer):
    customer.add("ceramic-mug")
    tamper(customer.http, "%%%not-a-cookie%%%")
    assert "Your cart is empty" in customer.http.get("/cart", status=200).text


def test_quantities_out_of_range_are_refused_with_the_field_named(customer):
    customer.add("ceramic-mug", 2)
    # str.isdigit() is true for the last four: int() takes the Arabic-Indic
    # and full-width fives and refuses the superscripts.
    for bad in ("0", "100", "0100", "-1", "two", "", "\u00b2", "\u0665", "\uff15", "1\u00b9"):
        form = customer.cart_form("/cart/update", "ceramic-mug")
        form["quantity"] = bad
        page = form.submit(status=400)
        assert "The quantity must be a whole number from 1 to 99." in page.text
        assert "quantity:" not in page.html.find(id="cart-error").text
        assert 'aria-invalid="true"' in page.text
        answer = customer.add("milk-jug", bad, status=400)
        assert "The quantity must be a whole number from 1 to 99." in answer.text
    assert customer.cart_lines() == {"ceramic-mug": 2}


def test_one_product_cannot_pass_99_in_all(customer):
    customer.add("ceramic-mug", 60)
    answer = customer.add("ceramic-mug", 40, status=400)
    assert "You can order at most 99 of one product in all." in answer.text
    assert customer.cart_lines() == {"ceramic-mug": 60}


def test_catalog_text_is_escaped(shop, customer):
    with shop.storage() as repos:
        mug = repos.catalog.get("ceramic-mug")
        repos.catalog.put(replace(mug, title="<script>alert(1)</script> mug"))
    customer.add("ceramic-mug")
    for path in ("/", "/cart"):
        text = shop.http.get(path).text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; mug" in text


def test_a_product_in_another_currency_cannot_join_the_cart(shop, customer):
    with shop.storage() as repos:
        repos.catalog.put(Product("usd-mug", "Mug in dollars", "", 1500, "usd"))
    customer.add("ceramic-mug")
    answer = customer.add("usd-mug", status=400)
    assert "one currency" in answer.text or "USD" in answer.text
    assert customer.cart_lines() == {"ceramic-mug": 1}


def test_a_deactivated_line_keeps_the_cart_in_its_currency(shop, customer):
    put_product(shop, "usd-mug", 1000, "usd")
    customer.add("ceramic-mug", 2)
    put_product(shop, "ceramic-mug", 1800, "eur", active=False)
    answer = customer.add("usd-mug", status=400)
    assert ("That product is priced in USD and your cart is in EUR: an order is paid in "
            "one currency, so it was not added.") in answer.text
    assert "product_id" not in answer.html.find(id="add-error").text
    put_product(shop, "ceramic-mug", 1800, "eur")
    assert customer.cart_lines() == {"ceramic-mug": 2}
    assert shop.http.get("/cart").html.find(id="cart-total").text == "€36.00"


def test_a_cart_mixed_by_a_currency_change_shows_no_total_and_cannot_check_out(shop, customer):
    customer.add("ceramic-mug")
    customer.add("milk-jug")
    put_product(shop, "milk-jug", 1550, "usd")  # an admin changes its currency
    page = shop.http.get("/cart")
    assert page.html.find(id="cart-total") is None
    mixed = page.html.find(id="cart-mixed").text
    assert "remove the lines in USD" in mixed
    assert customer.cart_lines() == {"ceramic-mug": 1, "milk-jug": 1}
    assert "€18.00" in page.text and "$15.50" in page.text
    refused = customer.cart_form("/cart/checkout").submit(status=400)
    assert "Your cart holds products priced in EUR and USD: an order is paid in one currency." \
        in refused.text
    assert stored_counts(shop)["orders"] == 0
    customer.cart_form("/cart/remove", "milk-jug").submit(status=303)
    assert shop.http.get("/cart").html.find(id="cart-total").text == "€18.00"
    customer.checkout()


def test_an_inactive_line_in_another_currency_is_the_one_to_remove(shop, customer):
    customer.add("milk-jug")
    customer.add("ceramic-mug")
    put_product(shop, "milk-jug", 1550, "usd", active=False)  # moved and withdrawn
    mixed = shop.http.get("/cart").html.find(id="cart-mixed").text
    assert "remove the lines in USD" in mixed
    customer.add("ceramic-mug")  # the orderable lines still take more
    assert customer.cart_lines()["ceramic-mug"] == 2


def test_a_quantity_typed_with_leading_zeros_is_its_number(customer):
    customer.add("ceramic-mug", "07")
    assert customer.cart_lines() == {"ceramic-mug": 7}


def test_the_cart_cookie_is_httponly_and_samesite_lax(customer):
    answer = customer.add("ceramic-mug")
    header = next(v for k, v in answer.headerlist
                  if k == "Set-Cookie" and v.startswith(COOKIE + "="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_the_cart_cookie_is_secure_when_configured(tmp_path):
    app = main({}, **app_settings(tmp_path, **{"orderflow.secure_cookies": "true"}))
    try:
        shop = Shop(app)
        # Secure cookies come back only over HTTPS.
        shop.http = webtest.TestApp(app, extra_environ={"wsgi.url_scheme": "https",
                                                        "HTTP_HOST": "localhost:443"})
        answer = Customer(shop).add("ceramic-mug")
        header = next(v for k, v in answer.headerlist
                      if k == "Set-Cookie" and v.startswith(COOKIE + "="))
        assert "; secure" in header.lower()
    finally:
        database(app.registry).close()


def test_visiting_the_pages_stores_no_cart(shop):
    shop.http.get("/")
    shop.http.get("/cart")
    with shop.storage() as repos:
        assert len(repos.root.carts) == 0
