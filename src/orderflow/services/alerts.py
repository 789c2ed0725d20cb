"""Staff alerts that no order change makes (SPEC §9)."""

from ..domain.notices import Kind, webhook_refused


def alert_webhook_refused(outbox, reason, now, interval):
    """Queue an alert naming why a webhook delivery was refused, unless one
    was queued within `interval` (a timedelta, shared by every process
    through the outbox). True if an alert was queued."""
    if not outbox.take_alert_slot(Kind.WEBHOOK_REFUSED, now, interval):
        return False
    return outbox.queue(webhook_refused(reason, now))


def retry_message(outbox, key, now):
    """Queue a failed message again (the admin's button, orderflow-mail retry)."""
    return outbox.retry(key, now)
