"""Routes in one place, and a 405's Allow header that names what the views answer."""

from pathlib import Path

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def routes(shop):
    """Route name -> its introspectable (pattern, and where add_route was called)."""
    return {entry["introspectable"]["name"]: entry["introspectable"]
            for entry in shop.app.registry.introspector.get_category("routes")}


def where_added(route):
    return Path(route.action_info.file).relative_to(Path(__file__).parents[2] / "src")


def test_every_route_is_added_in_routes_py_except_the_fakes_development_pages(shop):
    places = {name: where_added(route).as_posix() for name, route in routes(shop).items()}
    assert places.pop("dev.checkout") == "orderflow/adapters/fake/web.py"
    # The development outbox (/dev/mail), mounted with the fake gateway too.
    assert places.pop("dev.mail") == places.pop("dev.mail_message") == \
        "orderflow/adapters/fake/mail.py"
    assert set(places.values()) == {"orderflow/adapters/web/routes.py"}
    assert {"api.webhook", "shop.cart", "admin.events"} <= set(places)


def api_paths(shop):
    return [(name, route["pattern"].replace("{", "").replace("}", ""))
            for name, route in sorted(routes(shop).items()) if name.startswith("api.")]


def test_a_wrong_method_on_any_api_route_is_405_naming_the_methods_that_answer(shop):
    for name, path in api_paths(shop):
        answers = {m: shop.http.request(path, method=m, expect_errors=True) for m in METHODS}
        refused = {m: a for m, a in answers.items() if a.status_int == 405}
        answered = sorted(m for m in METHODS if m not in refused)
        assert refused and answered, name
        for method, answer in refused.items():
            assert answer.json["error"]["code"] == "method_not_allowed"
            assert answer.headers["Allow"].split(", ") == answered, (name, method)
