"""The console scripts, run as a person runs them: separate processes on an ini."""

import json
import subprocess
import sys

import pytest

from orderflow.adapters.scripts.send_event import main as send_event_main
from orderflow.domain.order import Status
from tests.conftest import WEBHOOK_SECRET
from tests.functional.conftest import shop  # noqa: F401  (fixture)
from tests.serving import Served

BIN = sys.executable.rsplit("/", 1)[0]


def write_ini(tmp_path, origin="http://127.0.0.1:9"):
    ini = tmp_path / "test.ini"
    ini.write_text(f"""[app:main]
use = egg:orderflow
orderflow.gateway = fake
orderflow.public_origin = {origin}
orderflow.webhook_secret = {WEBHOOK_SECRET}
orderflow.session_secret = test-session-secret
orderflow.seed_catalog = true
zodbconn.uri = file://{tmp_path}/Data.fs
""")
    return str(ini)


def script(name, *args, stdin=""):
    return subprocess.run([f"{BIN}/orderflow-{name}", *args], input=stdin, text=True,
                          capture_output=True, timeout=120)


def test_users_are_added_changed_and_removed_from_the_command_line(tmp_path):
    ini = write_ini(tmp_path)
    added = script("users", ini, "add", "carol", "--password-stdin", stdin="first password\n")
    assert added.returncode == 0, added.stderr
    assert script("users", ini, "list").stdout.split() == ["carol"]
    again = script("users", ini, "add", "carol", "--password-stdin", stdin="other password\n")
    assert again.returncode == 1 and "exists" in again.stderr
    short = script("users", ini, "passwd", "carol", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "too short" in short.stderr
    changed = script("users", ini, "passwd", "carol", "--password-stdin",
                     stdin="second password\n")
    assert changed.returncode == 0, changed.stderr
    assert script("users", ini, "remove", "carol").returncode == 0
    assert script("users", ini, "list").stdout.split() == []
    assert script("users", ini, "remove", "carol").returncode == 1


def test_a_script_closes_the_database_so_its_index_is_saved(tmp_path):
    # Without the index saved at close, every later start re-reads every
    # transaction written since the last save.
    ini = write_ini(tmp_path)
    assert script("users", ini, "add", "dora", "--password-stdin",
                  stdin="a long password\n").returncode == 0
    from ZODB.fsIndex import fsIndex
    saved = fsIndex.load(str(tmp_path / "Data.fs.index"))
    assert saved["pos"] == (tmp_path / "Data.fs").stat().st_size


def test_a_configuration_error_is_one_clear_line(tmp_path):
    ini = tmp_path / "bad.ini"
    ini.write_text(f"""[app:main]
use = egg:orderflow
orderflow.gateway = paypal
zodbconn.uri = file://{tmp_path}/Data.fs
""")
    run = script("users", str(ini), "list")
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "error: orderflow.gateway must be 'fake' or 'stripe', not 'paypal'")


def test_adding_a_user_without_a_terminal_says_to_use_password_stdin(tmp_path):
    ini = write_ini(tmp_path)
    # A session of its own: no controlling terminal, as under CI or a pipe.
    answer = subprocess.run([f"{BIN}/orderflow-users", ini, "add", "erin"], input="",
                            text=True, capture_output=True, timeout=120,
                            start_new_session=True)
    assert answer.returncode == 1
    assert "Traceback" not in answer.stderr and "EOFError" not in answer.stderr
    assert "--password-stdin" in answer.stderr
    assert script("users", ini, "list").stdout.split() == []


def test_catalog_import_help_says_missing_products_are_deactivated(tmp_path):
    answer = script("catalog", "--help")
    assert answer.returncode == 0
    assert "missing from" in answer.stdout and "deactivated" in answer.stdout


def test_the_stored_password_is_an_argon2_hash(tmp_path, shop):
    # Through the script's own function on the test app's database.
    from orderflow.adapters.scripts.common import ScriptEnv
    from orderflow.adapters.scripts.users import main as users_main
    import io

    env = ScriptEnv(shop.app.registry)
    try:
        users_main(["x.ini", "add", "dave", "--password-stdin"], env=env,
                   stdin=io.StringIO("a long password\n"))
    finally:
        env.close()
    with shop.storage() as repos:
        stored = repos.root.admins["dave"].password_hash
    assert stored.startswith("$argon2id$") and "a long password" not in stored
    form = shop.http.get("/admin/login").forms[0]
    form["name"], form["password"] = "dave", "a long password"
    form.submit(status=303)


def test_catalog_export_then_import_round_trips_and_deactivates_the_missing(tmp_path):
    ini = write_ini(tmp_path)
    exported = script("catalog", ini, "export")
    assert exported.returncode == 0, exported.stderr
    catalog = json.loads(exported.stdout)
    ids = [p["id"] for p in catalog["products"]]
    assert "ceramic-mug" in ids
    catalog["products"] = [p for p in catalog["products"] if p["id"] != "ceramic-mug"]
    catalog["products"][0]["unitAmount"] = 777
    catalog["products"].append({"id": "new-thing", "title": "New thing",
                                "unitAmount": 100, "currency": "eur"})
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    imported = script("catalog", ini, "import", str(path))
    assert imported.stdout.strip() == "imported: 1 added, 1 updated, 1 deactivated"
    after = json.loads(script("catalog", ini, "export").stdout)["products"]
    by_id = {p["id"]: p for p in after}
    assert by_id["ceramic-mug"]["active"] is False  # deactivated, never deleted
    assert by_id[catalog["products"][0]["id"]]["unitAmount"] == 777
    assert by_id["new-thing"]["active"] is True
    out = tmp_path / "again.json"
    assert script("catalog", ini, "export", str(out)).returncode == 0
    assert json.loads(out.read_text())["products"] == after


def test_an_invalid_catalog_file_changes_nothing(tmp_path):
    ini = write_ini(tmp_path)
    before = script("catalog", ini, "export").stdout
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"products": [{"id": "x", "title": "X", "unitAmount": 1.5,
                                              "currency": "eur"}]}))
    failed = script("catalog", ini, "import", str(path))
    assert failed.returncode == 1 and "unitAmount" in failed.stderr
    assert script("catalog", ini, "export").stdout == before



@pytest.mark.parametrize("product,field", [
    ({"id": "tea\n", "title": "Tea", "unitAmount": 500, "currency": "eur"}, "products.0.id"),
    ({"id": "tea", "title": "Tea", "unitAmount": 500, "currency": "eur\n"},
     "products.0.currency"),
])
def test_a_trailing_newline_in_an_imported_id_or_currency_changes_nothing(tmp_path, product,
                                                                          field):
    ini = write_ini(tmp_path)
    before = script("catalog", ini, "export").stdout
    path = tmp_path / "newline.json"
    path.write_text(json.dumps({"products": [product]}))
    failed = script("catalog", ini, "import", str(path))
    assert failed.returncode == 1 and field in failed.stderr
    assert script("catalog", ini, "export").stdout == before


@pytest.fixture
def served(shop):
    """The test app served by waitress on a free loopback port."""
    served = Served(shop.app, threads=2)
    yield shop, served.origin
    served.stop()


def send(origin, *args):
    settings = {"orderflow.public_origin": origin, "orderflow.webhook_secret": WEBHOOK_SECRET,
                "zodbconn.uri": "memory://"}
    return send_event_main(["unused.ini", *args], settings=settings)


def test_send_event_signs_and_posts_a_payment_that_the_app_applies(served, capsys):
    shop, origin = served
    started = shop.checkout().json
    assert send(origin, "checkout.session.completed", "--order", started["orderId"]) == 0
    assert '"duplicate": false' in capsys.readouterr().out
    order = shop.order(started["orderId"])
    assert order.status == Status.PAID and order.payment.amount_received == 3600
    assert send(origin, "charge.refunded", "--order", started["orderId"]) == 0
    assert shop.order(started["orderId"]).status == Status.REFUNDED


def test_send_event_reports_an_unknown_order(served, capsys):
    _, origin = served
    assert send(origin, "checkout.session.completed", "--order", "ord_unknown") == 1
    assert "404" in capsys.readouterr().err


def test_send_event_runs_as_a_console_script(served, tmp_path):
    shop, origin = served
    started = shop.checkout().json
    ini = write_ini(tmp_path, origin)
    done = script("send-event", ini, "payment_intent.payment_failed", "--order",
                  started["orderId"])
    assert done.returncode == 0, done.stderr
    assert shop.order(started["orderId"]).status == Status.FAILED
