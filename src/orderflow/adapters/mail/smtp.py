"""Sending one message over SMTP with smtplib.

smtplib rather than pyramid_mailer's `Mailer.send_immediately`: the outbox
needs to tell a temporary refusal (a server down, a 4xx) from a permanent
one (5xx), and smtplib's exceptions carry the reply codes that pyramid_mailer
would only pass through; pyramid_mailer's own value is its transaction-aware
queue (repoze.sendmail), which the ZODB outbox replaces.
"""

import smtplib
import ssl as ssl_module

from ...ports.mail import PermanentFailure, TemporaryFailure, Transport


def _reply(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class SmtpTransport(Transport):
    def __init__(self, host, port=25, username=None, password=None, tls=False,
                 use_ssl=False, timeout=30):
        self.host, self.port = host, int(port)
        self.username, self.password = username or None, password or None
        self.tls, self.use_ssl, self.timeout = tls, use_ssl, timeout

    def send(self, message, sender, recipients):
        """Send; returns a note of recipients refused while others accepted."""
        try:
            with self._connect() as smtp:
                if self.tls and not self.use_ssl:
                    smtp.starttls(context=ssl_module.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(message, sender, list(recipients))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            text = "; ".join(f"{addr}: {_reply(*reply)}" for addr, reply in error.recipients.items())
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipients refused: {text}") from None
            raise TemporaryFailure(f"recipients refused: {text}") from None
        except smtplib.SMTPAuthenticationError as error:
            # A login refused is the configuration's fault, not the message's:
            # kept queued, with the reason visible, until it is fixed.
            raise TemporaryFailure(f"login refused: {_reply(error.smtp_code, error.smtp_error)}") from None
        except smtplib.SMTPResponseException as error:
            reply = _reply(error.smtp_code, error.smtp_error)
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(reply) from None
            raise TemporaryFailure(reply) from None
        except (smtplib.SMTPException, OSError) as error:
            # Refused connections, timeouts, a server that hung up.
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from None
        if refused:
            return "refused: " + "; ".join(f"{a}: {_reply(*r)}" for a, r in refused.items())
        return None

    def _connect(self):
        if self.use_ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl_module.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
