"""Settings from the ini file, with secrets and origins from the environment.

Environment variables win over the ini so that secrets never have to be
written into a file. Nothing here logs a secret.
"""

import ipaddress
import os

ENVIRONMENT = {
    "STRIPE_SECRET_KEY": "orderflow.stripe_secret_key",
    "STRIPE_WEBHOOK_SECRET": "orderflow.webhook_secret",
    "PUBLIC_ORIGIN": "orderflow.public_origin",
    "ORDERFLOW_SESSION_SECRET": "orderflow.session_secret",
    "ORDERFLOW_ZODB_URI": "zodbconn.uri",
    "ORDERFLOW_MAIL_PASSWORD": "mail.password",
}

REQUIRED_FOR_STRIPE = {
    "orderflow.stripe_secret_key": "STRIPE_SECRET_KEY",
    "orderflow.webhook_secret": "STRIPE_WEBHOOK_SECRET",
    "orderflow.session_secret": "ORDERFLOW_SESSION_SECRET",
}

DEFAULTS = {
    "orderflow.gateway": "fake",
    "orderflow.public_origin": "http://localhost:6543",
    "orderflow.session_ttl_minutes": "60",
    "orderflow.webhook_tolerance": "300",
    "orderflow.seed_catalog": "false",
    "orderflow.secure_cookies": "false",
    "orderflow.dev_delivery_delay": "2.0",
    "orderflow.stripe_api_base": "",
    # Money is shown for this locale (Babel); products are priced in these.
    "orderflow.locale": "en",
    "orderflow.currencies": "eur",
    # The waitress threads: one warmed connection each (adapters/zodb/warm.py).
    "orderflow.warm_connections": "2",
    # "tuned" freezes what start-up made and makes full garbage collections
    # rarer (collector.py); the inis say "tuned", tests keep "default".
    "orderflow.gc": "default",
    # Scheduled reconciliation (adapters/zodb/reconciler.py); 0 turns it off.
    "orderflow.reconcile_every_minutes": "10",
    "orderflow.reconcile_after_minutes": "15",
    # Raw webhook payloads are kept this long (orderflow-prune-events).
    "orderflow.event_retention_days": "90",
    # Per client address and per process (docs/deployment.md): "N/S" allows
    # N requests in any S seconds; "off" turns the limit off. A person
    # checks out a few times an hour; twenty a minute leaves room for
    # several people behind one NAT address.
    "orderflow.rate_limit.checkout": "20/60",
    "orderflow.rate_limit.login": "10/60",
    # Proxies whose X-Forwarded-For is believed: addresses or CIDRs,
    # comma-separated. Empty: REMOTE_ADDR is the client.
    "orderflow.trusted_proxies": "",
    # Mail (SPEC §9, adapters/mail/). `outbox` keeps every message in the
    # database only; production.ini says `smtp`.
    "orderflow.mail": "outbox",
    "orderflow.mail_sender": "app",  # or "external": orderflow-mail INI send
    "orderflow.staff_emails": "",
    "orderflow.alert_interval_minutes": "60",
    "orderflow.locale": "en",
    "mail.host": "",
    "mail.port": "25",
    "mail.username": "",
    "mail.password": "",
    "mail.tls": "false",
    "mail.ssl": "false",
    "mail.default_sender": "orderflow <orders@localhost>",
    # Tuning of the background sender (adapters/zodb/mail_sender.py): how often it
    # looks for mail queued by other processes and for retries falling due,
    # and the first wait after a temporary failure (doubling up to an hour).
    "orderflow.mail_poll_seconds": "10",
    "orderflow.mail_retry_seconds": "30",
}


class ConfigurationError(Exception):
    pass


def resolve(settings, environ=None):
    """The effective settings: defaults, then the ini, then the environment."""
    environ = os.environ if environ is None else environ
    merged = dict(DEFAULTS)
    merged.update({k: v for k, v in settings.items() if v is not None})
    for variable, key in ENVIRONMENT.items():
        value = environ.get(variable, "").strip()
        if value:
            merged[key] = value
    merged["orderflow.public_origin"] = merged["orderflow.public_origin"].rstrip("/")
    gateway = merged["orderflow.gateway"]
    if gateway not in ("fake", "stripe"):
        raise ConfigurationError(f"orderflow.gateway must be 'fake' or 'stripe', not {gateway!r}")
    if gateway == "stripe":
        missing = [env for key, env in REQUIRED_FOR_STRIPE.items() if not merged.get(key)]
        if missing:
            raise ConfigurationError(
                "orderflow cannot start with the Stripe gateway: set "
                + ", ".join(missing) + " in the environment"
            )
    if merged["orderflow.gc"] not in ("default", "tuned"):
        raise ConfigurationError(
            f"orderflow.gc must be 'default' or 'tuned', not {merged['orderflow.gc']!r}")
    _check_int(merged, "orderflow.session_ttl_minutes", 30, 1440)  # Stripe's limits
    _check_int(merged, "orderflow.webhook_tolerance", 1, 3600)  # 0 would disable the check
    _check_int(merged, "orderflow.warm_connections", 0, 64)
    _check_int(merged, "orderflow.event_retention_days", 1, 36500)
    # Minutes, fractions allowed (the tests run rounds a second apart).
    _check_minutes(merged, "orderflow.reconcile_every_minutes")
    _check_minutes(merged, "orderflow.reconcile_after_minutes")
    for key in ("orderflow.rate_limit.checkout", "orderflow.rate_limit.login"):
        parse_rate(merged[key], key)
    trusted_networks(merged["orderflow.trusted_proxies"])
    _check_mail(merged)
    if not merged.get("orderflow.webhook_secret"):
        raise ConfigurationError("no webhook secret: set STRIPE_WEBHOOK_SECRET")
    if not merged.get("zodbconn.uri"):
        raise ConfigurationError("no database: set zodbconn.uri or ORDERFLOW_ZODB_URI")
    return merged


def _check_mail(settings):
    mode = settings["orderflow.mail"]
    if mode not in ("smtp", "outbox"):
        raise ConfigurationError(f"orderflow.mail must be 'smtp' or 'outbox', not {mode!r}")
    sender = settings["orderflow.mail_sender"]
    if sender not in ("app", "external"):
        raise ConfigurationError(
            f"orderflow.mail_sender must be 'app' or 'external', not {sender!r}")
    if mode == "smtp" and not settings["mail.host"].strip():
        raise ConfigurationError("orderflow.mail = smtp needs mail.host (the SMTP server)")
    if as_bool(settings["mail.tls"]) and as_bool(settings["mail.ssl"]):
        raise ConfigurationError("mail.tls (STARTTLS) and mail.ssl exclude each other")
    _check_int(settings, "mail.port", 1, 65535)
    _check_int(settings, "orderflow.alert_interval_minutes", 1, 10080)
    for key in ("orderflow.mail_poll_seconds", "orderflow.mail_retry_seconds"):
        try:
            if not 0 < float(settings[key]) <= 3600:
                raise ValueError
        except (TypeError, ValueError):
            raise ConfigurationError(f"{key} must be a number of seconds up to 3600") from None


def staff_emails(settings):
    return tuple(a.strip() for a in settings["orderflow.staff_emails"].split(",") if a.strip())


def _check_int(settings, key, low, high):
    try:
        value = int(settings[key])
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        raise ConfigurationError(f"{key} must be a whole number from {low} to {high}")


def _check_minutes(settings, key, high=7 * 24 * 60):
    try:
        value = float(settings[key])
    except (TypeError, ValueError):
        value = None
    # `value != value`: NaN, which float() accepts.
    if value is None or value != value or not 0 <= value <= high:
        raise ConfigurationError(
            f"{key} must be a number of minutes from 0 to {high}, not {settings[key]!r}")


def parse_rate(value, key="a rate limit"):
    """(requests, seconds) from "N/S", or None for "off"."""
    text = str(value).strip().lower()
    if text == "off":
        return None
    count, _, seconds = text.partition("/")
    try:
        count, seconds = int(count), int(seconds)
    except ValueError:
        count = seconds = 0
    # At most 10,000 requests per window: the limiter keeps one timestamp
    # per request counted (adapters/web/ratelimit.py).
    if not (1 <= count <= 10_000 and 1 <= seconds <= 86_400):
        raise ConfigurationError(
            f"{key} must be 'off' or N/S (N requests in S seconds, N 1-10000, S 1-86400), "
            f"not {value!r}")
    return count, seconds


def trusted_networks(value):
    """The networks of orderflow.trusted_proxies, from comma-separated addresses or CIDRs."""
    networks = []
    for part in str(value).split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ConfigurationError(
                    f"orderflow.trusted_proxies: {part.strip()!r} is not an address or CIDR"
                ) from None
    return tuple(networks)


def as_bool(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")
