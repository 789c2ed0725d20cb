"""Every admin action is recorded with the admin's name: in the order's
history and on the admin log page (SPEC §10)."""

from .conftest import add_admin_user, admin_login

ORDER = "/admin/orders/{}"


def form_ending(page, ending):
    return next(f for f in page.forms.values() if f.action.endswith(ending))


def audit_rows(http):
    table = http.get("/admin/audit").html.find(id="audit")
    if table.name != "table":
        return []
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")]


def test_a_cancel_names_the_admin_in_the_history_and_the_admin_log(admin):
    started = admin.checkout().json
    confirm = admin.http.get(ORDER.format(started["orderId"])).click(linkid="cancel-order")
    form_ending(confirm, "/cancel").submit(status=303)
    cancel = admin.order(started["orderId"]).history[-1]
    assert (cancel.event_type, cancel.actor) == ("order.cancel", "alice")
    history = admin.http.get(ORDER.format(started["orderId"])).html.find(id="history")
    assert history.find("td", class_="actor").text == "alice"
    [row] = audit_rows(admin.http)
    assert row[1:] == ["alice", "order.cancel", started["orderId"], "cancelled"]


def test_a_check_with_stripe_is_recorded_with_who_asked(admin):
    started = admin.checkout().json
    admin.gateway.pay(started["sessionId"])  # paid; its webhook never came
    page = admin.http.get(ORDER.format(started["orderId"]))
    form_ending(page, "/reconcile").submit(status=303)
    last = admin.order(started["orderId"]).history[-1]
    assert last.actor == "alice" and "checked with Stripe by alice" in last.note
    [row] = audit_rows(admin.http)
    assert row[1:4] == ["alice", "order.check_with_stripe", started["orderId"]]
    assert "pending → paid" in row[4]


def test_a_refund_is_in_the_admin_log_with_its_amount_and_reason(admin):
    started = admin.checkout().json
    admin.deliver_all(admin.gateway.pay(started["sessionId"]))
    form = form_ending(admin.http.get(ORDER.format(started["orderId"])), "/refund/confirm")
    form["amount"], form["reason"] = "12.50", "fraudulent"
    form_ending(form.submit(), "/refund").submit(status=303)
    [row] = audit_rows(admin.http)
    assert row[1:4] == ["alice", "order.refund", started["orderId"]]
    assert "€12.50" in row[4] and "fraudulent" in row[4]
    assert admin.order(started["orderId"]).history[-1].actor == "alice"


def test_product_changes_are_in_the_admin_log_by_who_made_them(shop):
    add_admin_user(shop, "bob", "another long password here")
    admin_login(shop.http, "bob", "another long password here")
    form = shop.http.get("/admin/products/new").forms[1]
    form["id"], form["title"], form["unitAmount"], form["currency"] = (
        "tea-towel", "Tea towel", "9.00", "eur")
    form.submit(status=303)
    edit = shop.http.get("/admin/products/tea-towel/edit").forms[1]
    edit["title"] = "Linen tea towel"
    edit.submit(status=303)
    shop.http.post("/admin/products/tea-towel/active",
                   {"active": "0", "csrf_token": edit["csrf_token"].value}, status=303)
    rows = audit_rows(shop.http)
    assert [r[1:3] for r in rows] == [["bob", "product.deactivate"], ["bob", "product.edit"],
                                      ["bob", "product.add"]]
    assert all(r[3] == "tea-towel" for r in rows) and "Linen tea towel" in rows[1][4]


def test_the_admin_log_is_linked_from_the_navigation_and_needs_a_login(shop):
    assert "/admin/login" in shop.http.get("/admin/audit", status=303).location
    add_admin_user(shop)
    admin_login(shop.http)
    page = shop.http.get("/admin/orders")
    assert page.click("Admin log").html.find("h1").text == "Admin log"


def test_an_action_refused_by_csrf_leaves_no_audit_entry(admin):
    started = admin.checkout().json
    admin.http.post(ORDER.format(started["orderId"]) + "/cancel", {}, status=400)
    admin.http.post(ORDER.format(started["orderId"]) + "/reconcile", {}, status=400)
    assert audit_rows(admin.http) == []
