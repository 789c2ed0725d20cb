"""A notice becomes an email: plain-text and HTML parts from templates.

Rendered when the message is sent, from the snapshot the notice carries
(domain/notices.py): a template that fails can delay mail but never roll
back the payment that queued it. The HTML environment autoescapes, so what
a customer typed (a name, an email) and product titles are escaped there.
Links come from PUBLIC_ORIGIN; no secret is known here.
"""

from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
import urllib.parse

import jinja2

from ...domain.money import Money, decimals
from ...domain.notices import CUSTOMER, Kind

SUBJECTS = {
    Kind.PAYMENT_RECEIVED: "Payment received: order {reference}",
    Kind.PAYMENT_PROCESSING: "Your payment for order {reference} is processing",
    Kind.PAYMENT_FAILED: "Your payment for order {reference} did not go through",
    Kind.REFUND_ISSUED: "Refund issued for order {reference}",
    Kind.NEEDS_REVIEW: "[orderflow] Order {reference} needs review",
    Kind.DUPLICATE_PAYMENT: "[orderflow] Duplicate payment on order {reference}",
    Kind.DISPUTE_OPENED: "[orderflow] Dispute opened on order {reference}",
    Kind.DISPUTE_CLOSED: "[orderflow] Dispute closed on order {reference}",
    Kind.REFUND_FAILED: "[orderflow] A refund failed on order {reference}",
    Kind.WEBHOOK_REFUSED: "[orderflow] Webhook deliveries refused: {reason}",
}


def format_money(amount, currency, locale="en"):
    """`amount` minor units in the locale's format (Babel), e.g. '€12.50'."""
    if amount is None or not currency:
        return ""
    try:
        from babel.numbers import format_currency
    except ImportError:  # pragma: no cover - Babel is a dependency
        return Money(amount, currency).format()
    value = Decimal(amount).scaleb(-decimals(currency))
    return format_currency(value, currency.upper(), locale=locale)


def _environment(autoescape):
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("orderflow.adapters.mail", "templates"),
        autoescape=autoescape, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    return env


class Renderer:
    def __init__(self, public_origin, sender, staff_emails=(), locale="en"):
        self.origin = public_origin.rstrip("/")
        self.sender = sender
        self.staff_emails = tuple(staff_emails)
        self.locale = locale
        self._text = _environment(False)
        self._html = _environment(True)

    def recipients(self, notice):
        if notice.audience == CUSTOMER:
            return (notice.recipient,) if notice.recipient else ()
        return self.staff_emails

    def values(self, notice):
        facts = dict(notice.facts)
        currency = facts.get("currency")

        def money(amount, in_currency=None):
            return format_money(amount, in_currency or currency, self.locale)

        session_id = facts.get("session_id")
        order_id = facts.get("order_id")
        return {
            **facts,
            "kind": notice.kind,
            "money": money,
            "receipt_url": (f"{self.origin}/checkout/success?"
                            + urllib.parse.urlencode({"session_id": session_id})
                            if session_id else None),
            "retry_url": (f"{self.origin}/checkout/cancel?"
                          + urllib.parse.urlencode({"order_id": order_id})
                          if order_id else None),
            "admin_url": f"{self.origin}/admin/orders/{order_id}" if order_id else None,
            "events_url": f"{self.origin}/admin/events",
        }

    def subject(self, notice):
        facts = notice.facts
        return SUBJECTS[notice.kind].format(
            reference=facts.get("reference") or facts.get("order_id") or "",
            reason=facts.get("reason") or "")

    def parts(self, notice):
        """(subject, text, html) of a notice."""
        values = self.values(notice)
        text = self._text.get_template(f"{notice.kind}.txt.jinja2").render(values)
        html = self._html.get_template(f"{notice.kind}.html.jinja2").render(
            subject=self.subject(notice), **values)
        return self.subject(notice), text, html

    def message(self, notice, recipients):
        subject, text, html = self.parts(notice)
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender
        message["To"] = ", ".join(recipients)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=_domain(self.sender))
        # The outbox key, for a person (or a filter) tracing a message back.
        message["X-Orderflow-Message"] = notice.key
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message


def _domain(sender):
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] if "@" in address else "orderflow.invalid"
