"""A real SMTP server for the tests: aiosmtpd on a loopback port.

It keeps every message it accepts, and can be told to refuse (a 4xx or 5xx
reply to DATA) or be stopped and started again on the same port (an outage).
"""

from email import message_from_bytes, policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.refuse = None  # e.g. "550 5.1.1 mailbox unavailable"
        self.refused = 0
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refuse:
                self.refused += 1
                return self.refuse
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received(self, kind=None):
        """(recipients, message) of what was accepted, of one kind if given
        (the outbox key in X-Orderflow-Message names the kind)."""
        with self._lock:
            found = list(self.messages)
        if kind is None:
            return found
        return [(to, m) for to, m in found if f":{kind}" in m["X-Orderflow-Message"]]

    def wait_for(self, count, kind=None, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received(kind)) >= count:
                return self.received(kind)
            time.sleep(0.05)
        raise TimeoutError(f"{count} {kind or ''} messages did not arrive in {timeout} s; "
                           f"got {[m['Subject'] for _, m in self.received()]}")


def text_part(message):
    return message.get_body(("plain",)).get_content()


def html_part(message):
    return message.get_body(("html",)).get_content()
