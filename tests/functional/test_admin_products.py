"""The catalog in the admin: add, edit, deactivate, with CSRF and field errors."""

import pytest


def product(shop, product_id):
    with shop.storage() as repos:
        return repos.catalog.get(product_id)


def new_product_form(shop, **values):
    form = shop.http.get("/admin/products/new").forms[1]
    for name, value in values.items():
        form[name] = value
    return form


def test_an_admin_adds_a_product(admin):
    form = new_product_form(admin, id="tea-pot", title="Tea pot", description="Cast iron",
                            unitAmount="45", currency="eur")
    page = form.submit(status=303).follow()
    assert "Product tea-pot added." in page.text and "€45.00" in page.text
    added = product(admin, "tea-pot")
    assert (added.title, added.unit_amount, added.currency, added.active) == \
        ("Tea pot", 4500, "eur", True)
    assert any(p["id"] == "tea-pot" for p in admin.http.get("/api/products").json["products"])


@pytest.mark.parametrize("typed,stored", [("18", 1800), ("18.00", 1800), ("18.5", 1850),
                                          (" 0.05 ", 5)])
def test_prices_are_typed_in_major_units_and_stored_in_minor_units(admin, typed, stored):
    form = new_product_form(admin, id="tea-pot", title="Tea pot", unitAmount=typed)
    form.submit(status=303)
    assert product(admin, "tea-pot").unit_amount == stored
    edit = admin.http.get("/admin/products/tea-pot/edit").forms[1]
    assert edit["unitAmount"].value == f"{stored // 100}.{stored % 100:02d}"


def test_prices_that_are_no_amount_of_the_currency_are_refused_with_a_sentence(admin):
    for price in ("12.505", "-5", "0", "0.00", "abc", "", "1e3", "1,800", "1000000"):
        form = new_product_form(admin, id="tea-pot", title="Tea pot", unitAmount=price)
        page = form.submit(status=400)
        assert 'data-field="unitAmount"' in page.text, price
        assert "Type the price in EUR as a number from 0.01 to 999999.99" in page.text
    assert product(admin, "tea-pot") is None


def test_a_product_currency_is_one_of_the_shop_currencies(admin):
    form = new_product_form(admin)
    assert [value for value, _, _ in form["currency"].options] == ["eur"]
    token = form["csrf_token"].value
    page = admin.http.post("/admin/products/new", {
        "csrf_token": token, "id": "usd-mug", "title": "Mug", "unitAmount": "5",
        "currency": "usd"}, status=400)
    assert 'data-field="currency"' in page.text
    assert "Choose one of the shop&#39;s currencies: EUR." in page.text
    assert product(admin, "usd-mug") is None


def test_every_invalid_field_is_named(admin):
    token = admin.http.get("/admin/products/new").forms[1]["csrf_token"].value
    page = admin.http.post("/admin/products/new", {
        "csrf_token": token, "id": "Not A Slug!", "title": "", "unitAmount": "10",
        "currency": "EURO"}, status=400)
    for field in ("id", "title", "currency"):
        assert f'data-field="{field}"' in page.text
    assert 'value="Not A Slug!"' in page.text


def test_a_field_sent_as_a_file_is_refused_with_the_field_named(admin):
    token = admin.http.get("/admin/products/new").forms[1]["csrf_token"].value
    fields = {"csrf_token": token, "id": "tea-pot", "unitAmount": "45", "currency": "eur"}
    page = admin.http.post("/admin/products/new", fields,
                           upload_files=[("title", "title.txt", b"Tea pot")], status=400)
    assert 'data-field="title"' in page.text
    assert product(admin, "tea-pot") is None
    page = admin.http.post("/admin/products/ceramic-mug/edit",
                           dict(fields, title="Mug", unitAmount="1"),
                           upload_files=[("currency", "c.txt", b"eur")], status=400)
    assert 'data-field="currency"' in page.text
    assert product(admin, "ceramic-mug").unit_amount == 1800


def test_an_existing_id_cannot_be_added_twice(admin):
    form = new_product_form(admin, id="ceramic-mug", title="Other", unitAmount="100")
    assert 'data-field="id"' in form.submit(status=400).text
    assert product(admin, "ceramic-mug").title == "Ceramic mug"


def test_an_edited_price_leaves_existing_orders_unchanged(admin):
    started = admin.checkout().json
    form = admin.http.get("/admin/products/ceramic-mug/edit").forms[1]
    assert form["unitAmount"].value == "18.00"
    form["unitAmount"] = "25"
    form["title"] = "Big ceramic mug"
    form.submit(status=303)
    assert product(admin, "ceramic-mug").unit_amount == 2500
    order = admin.order(started["orderId"])
    assert order.items[0].unit_amount == 1800 and order.items[0].title == "Ceramic mug"
    assert order.total == 3600
    assert admin.http.get(f"/api/orders/{started['orderId']}").json["total"] == 3600
    later = admin.checkout().json
    assert admin.order(later["orderId"]).total == 5000


def test_an_invalid_edit_changes_nothing(admin):
    form = admin.http.get("/admin/products/ceramic-mug/edit").forms[1]
    form["unitAmount"] = "18.001"
    assert 'data-field="unitAmount"' in form.submit(status=400).text
    assert product(admin, "ceramic-mug").unit_amount == 1800


def test_a_deactivated_product_leaves_the_shop_but_stays_in_the_catalog(admin):
    page = admin.http.get("/admin/products")
    assert 'href="/admin/products/ceramic-mug/active"' in page.text
    confirm = admin.http.get("/admin/products/ceramic-mug/active")
    assert "Deactivate Ceramic mug?" in confirm.text
    assert product(admin, "ceramic-mug").active is True  # asking changed nothing
    form = next(f for f in confirm.forms.values()
                if f.action == "/admin/products/ceramic-mug/active")
    form.submit(status=303)
    assert product(admin, "ceramic-mug").active is False
    assert "ceramic-mug" not in [p["id"] for p in admin.http.get("/api/products").json["products"]]
    admin.checkout(status=400)
    # Activating again is one click: nothing is lost by it.
    listing = admin.http.get("/admin/products")
    again = next(f for f in listing.forms.values()
                 if f.action == "/admin/products/ceramic-mug/active")
    again.submit(status=303)
    assert product(admin, "ceramic-mug").active is True


def test_product_changes_need_the_csrf_token(admin):
    admin.http.post("/admin/products/new", {"id": "x-1", "title": "X", "unitAmount": "1",
                                            "currency": "eur"}, status=400)
    admin.http.post("/admin/products/ceramic-mug/edit", {"title": "X", "unitAmount": "1",
                                                         "currency": "eur"}, status=400)
    assert product(admin, "x-1") is None
    assert product(admin, "ceramic-mug").title == "Ceramic mug"


def test_html_in_a_new_title_is_shown_as_text_in_the_admin_and_the_shop(admin):
    form = new_product_form(admin, id="evil", title="<img src=x onerror=alert(1)>",
                            unitAmount="100")
    form.submit(status=303)
    listing = admin.http.get("/admin/products").text
    assert "<img src=x" not in listing and "&lt;img src=x onerror=alert(1)&gt;" in listing
    shop_page = admin.http.get("/")
    assert "<img src=x" not in shop_page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in shop_page.text
