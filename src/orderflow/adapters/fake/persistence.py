"""The development gateway's memory kept in a file, so a restart keeps it.

Stripe remembers every session for good; a FakeGateway that forgot its
sessions at every restart of `make run` made "Check with Stripe now" answer
"unknown to the gateway" for every earlier order. `FileBackedFakeGateway`
writes its sessions and payment intents to a JSON file after every change
and reads them back at start-up (orderflow.dev_gateway_file; development
only: the tests keep the plain in-memory gateway).

Idempotency keys are not kept: a checkout request that is retried across a
restart of the development server gets a new session, which is harmless.
"""

import json
import logging
import os
import tempfile

from .gateway import FakeGateway

log = logging.getLogger(__name__)

# The calls that change a session or an intent; each is saved once done.
CHANGES = ("create_session", "expire_session", "pay", "decline", "pay_async",
           "settle_async", "expire", "refund", "refund_in_dashboard", "fail_refund", "dispute")


class FileBackedFakeGateway(FakeGateway):
    def __init__(self, webhook_secrets, public_origin, path, **options):
        super().__init__(webhook_secrets, public_origin, **options)
        self.path = path
        self._load()

    def _load(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                state = json.load(f)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            # A damaged file must not stop the development server.
            log.warning("ignoring the fake gateway's file %s: %s", self.path, error)
            return
        self.sessions.update(state.get("sessions", {}))
        self.intents.update(state.get("intents", {}))

    def save(self):
        """Write the sessions and intents: a new file renamed over the old one."""
        with self._lock:
            state = {"sessions": self.sessions, "intents": self.intents}
            directory = os.path.dirname(os.path.abspath(self.path))
            os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as f:
                    json.dump(state, f)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise


def _saving(name):
    method = getattr(FakeGateway, name)

    def changed(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self.save()

    changed.__name__ = name
    changed.__doc__ = method.__doc__
    return changed


for _name in CHANGES:
    setattr(FileBackedFakeGateway, _name, _saving(_name))
