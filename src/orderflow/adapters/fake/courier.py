"""Delivers the fake gateway's signed events to the app's own webhook, later.

Stripe sends its webhooks from its servers some time after the customer's
click; the development hosted checkout does the same with one background
thread, so the success page really goes from "confirming" to "paid" and the
one verified webhook path is what moves the order.
"""

import logging
import queue
import threading
import time
import urllib.error
import urllib.request

log = logging.getLogger(__name__)

ATTEMPTS = 5


class Courier:
    def __init__(self, webhook_url, delay):
        self.webhook_url = webhook_url
        self.delay = delay
        self._queue = queue.Queue()
        self._thread = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        # Loopback only: never route the app's own webhook through a proxy.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def later(self, action, delay=None):
        """Run `action` (which returns deliveries) after the delay, then POST them.

        Jobs run one at a time in the order given, so events of one session
        reach the webhook in the order they happened.
        """
        due = time.monotonic() + (self.delay if delay is None else delay)
        self._queue.put((due, action))
        self._start()

    def pause(self):
        """Hold every delivery, as when Stripe is slow: the success page keeps
        saying "confirming" for as long as a test or a demo needs."""
        self._running.clear()

    def resume(self):
        self._running.set()

    def stop(self, timeout=5):
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._running.set()
            self._queue.put((0, None))
            thread.join(timeout)

    def _start(self):
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="dev-webhook-courier",
                                                daemon=True)
                self._thread.start()

    def _run(self):
        while True:
            due, action = self._queue.get()
            if action is None:
                return
            self._running.wait()
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                deliveries = action()
            except Exception as error:  # a session moved on meanwhile: say so, go on
                log.warning("dev checkout: %s", error)
                continue
            for delivery in deliveries:
                self._post(delivery)

    def _post(self, delivery):
        for attempt in range(ATTEMPTS):
            request = urllib.request.Request(
                self.webhook_url, data=delivery.body, method="POST",
                headers={"Content-Type": "application/json",
                         "Stripe-Signature": delivery.header},
            )
            try:
                with self._opener.open(request, timeout=30) as answer:
                    log.info("dev webhook %s %s: %s", delivery.event["type"],
                             delivery.event["id"], answer.status)
                    return
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    log.warning("dev webhook %s refused: %s", delivery.event["id"], error.code)
                    return
                reason = error.code
            except (urllib.error.URLError, OSError) as error:
                reason = error
            # Like Stripe: try again a little later.
            time.sleep(0.5 * 2 ** attempt)
        log.error("dev webhook %s not delivered: %s", delivery.event["id"], reason)
