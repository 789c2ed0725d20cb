"""Mail settings (SPEC §9): names, the environment's password, local inis
that override development.ini, and production's refusal without a server."""

from pathlib import Path
import subprocess
import sys

from pyramid.paster import get_app
import pytest

from orderflow.settings import ConfigurationError, resolve

ROOT = Path(__file__).resolve().parents[2]
BASE = {"orderflow.webhook_secret": "whsec_x", "zodbconn.uri": "memory://"}


def local_ini(tmp_path, base, **keys):
    ini = tmp_path / "local.ini"
    lines = ["[app:main]", f"use = config:{ROOT / base}#main",
             f"zodbconn.uri = file://{tmp_path}/Data.fs"]
    lines += [f"{key} = {value}" for key, value in keys.items()]
    ini.write_text("\n".join(lines) + "\n")
    return str(ini)


def test_smtp_without_a_mail_host_is_refused_by_name():
    with pytest.raises(ConfigurationError, match="mail.host"):
        resolve({**BASE, "orderflow.mail": "smtp"}, environ={})


@pytest.mark.parametrize("key, value", [
    ("orderflow.mail", "sendmail"),
    ("orderflow.mail_sender", "cron"),
    ("mail.port", "0"),
    ("orderflow.alert_interval_minutes", "never"),
    ("orderflow.mail_retry_seconds", "-1"),
])
def test_unknown_mail_settings_are_refused_by_name(key, value):
    with pytest.raises(ConfigurationError, match=key):
        resolve({**BASE, key: value}, environ={})


def test_the_mail_password_comes_from_the_environment():
    settings = resolve({**BASE, "mail.password": "from-ini"},
                       environ={"ORDERFLOW_MAIL_PASSWORD": "from-env"})
    assert settings["mail.password"] == "from-env"


def test_production_ini_refuses_to_start_with_smtp_and_no_mail_host(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_production_check")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_live")
    monkeypatch.setenv("ORDERFLOW_SESSION_SECRET", "a-long-random-session-secret")
    with pytest.raises(ConfigurationError, match="mail.host"):
        get_app(local_ini(tmp_path, "production.ini", **{"mail.host": ""}))
    assert not (tmp_path / "Data.fs").exists()


def test_a_local_ini_overrides_the_mail_keys_of_development_ini(tmp_path):
    app = get_app(local_ini(tmp_path, "development.ini", **{
        "orderflow.mail": "smtp", "mail.host": "smtp.example.test", "mail.port": "2525",
        "mail.tls": "true", "orderflow.mail_sender": "external",
        "orderflow.staff_emails": "a@example.test, b@example.test",
    }))
    try:
        settings = app.registry.settings
        assert (settings["orderflow.mail"], settings["mail.host"], settings["mail.port"]) == (
            "smtp", "smtp.example.test", "2525")
        # external: this process sends nothing in the background.
        assert app.registry.get("orderflow.background_mail") is None
        assert app.registry["orderflow.mail_renderer"].staff_emails == (
            "a@example.test", "b@example.test")
    finally:
        app.registry._zodb_databases[""].close()


def test_development_ini_keeps_mail_in_the_outbox(tmp_path):
    app = get_app(local_ini(tmp_path, "development.ini"))
    try:
        assert app.registry.settings["orderflow.mail"] == "outbox"
        assert app.registry.get("orderflow.background_mail") is None
    finally:
        app.registry._zodb_databases[""].close()


def test_orderflow_mail_lists_the_outbox_and_will_not_send_what_stays_local(tmp_path):
    ini = local_ini(tmp_path, "development.ini")
    bin_dir = Path(sys.executable).parent

    listed = subprocess.run([str(bin_dir / "orderflow-mail"), ini, "list"],
                            capture_output=True, text=True, timeout=120)
    sent = subprocess.run([str(bin_dir / "orderflow-mail"), ini, "send"],
                          capture_output=True, text=True, timeout=120)

    assert listed.returncode == 0, listed.stderr
    assert "queued: 0" in listed.stdout and "failed: 0" in listed.stdout
    assert sent.returncode == 1 and "outbox" in sent.stderr
