"""FakeGateway: a working, in-memory Stripe Checkout.

It keeps sessions in Stripe's JSON shape, and everything that happens to a
session (paid, declined, async, expired, refunded, disputed) comes out as a
Stripe event signed the Stripe way with the configured webhook secret, to be
POSTed to the app's webhook: the one verification path runs in every test.
"""

from dataclasses import dataclass
import json
import threading
import time

import stripe

from ...domain.errors import GatewayError, NotFound
from ...ports.gateway import CreatedSession, PaymentGateway
from ..stripe import events
from .ids import new_id
from .refunds import FakeRefunds

API_VERSION = "2026-10-28.endive"
HOSTED_PATH = "/dev/checkout/"


@dataclass(frozen=True)
class Delivery:
    """A signed webhook delivery: POST `body` with `Stripe-Signature: header`."""

    event: dict
    body: bytes
    header: str


class FakeGateway(FakeRefunds, PaymentGateway):
    def __init__(self, webhook_secrets, public_origin, clock=time.time,
                 tolerance=events.DEFAULT_TOLERANCE):
        self.webhook_secrets = events.parse_secrets(webhook_secrets)
        self.public_origin = public_origin.rstrip("/")
        self.clock = clock
        self.tolerance = tolerance
        self.sessions = {}
        self.intents = {}
        self.created_calls = 0
        self.fail_next = 0  # the next N calls fail as if Stripe were down
        self._by_key = {}
        self._refunds_by_key = {}
        # Where the deliveries of what the app itself asks for (a refund)
        # go: the development server's courier posts them to the webhook;
        # tests take them from `undelivered`.
        self.deliver_to = None
        self.undelivered = []
        # The status a refund gets when it is made ("pending" for a slow bank).
        self.refund_status = "succeeded"
        self._lock = threading.RLock()

    # -- the port ----------------------------------------------------------

    def create_session(self, order, attempt, success_url, cancel_url, expires_at,
                       idempotency_key):
        with self._lock:
            self._maybe_fail()
            # Like Stripe: a key replays its first answer, but only for the
            # same parameters; reused for anything else it is an error.
            params = (order.id, attempt, order.items, order.currency, order.email,
                      success_url, cancel_url, expires_at)
            if idempotency_key in self._by_key:
                session_id, first = self._by_key[idempotency_key]
                if first != params:
                    raise GatewayError("the idempotency key was used with other parameters")
                session = self.sessions[session_id]
                return CreatedSession(session["id"], session["url"], session["expires_at"])
            self.created_calls += 1
            session_id = new_id("cs")
            self.sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "mode": "payment",
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": order.total,
                "currency": order.currency,
                "client_reference_id": order.id,
                "customer_email": order.email,
                "metadata": {"order_id": order.id, "attempt": str(attempt)},
                "payment_intent": None,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "expires_at": expires_at,
                "created": int(self.clock()),
                "livemode": False,
                "url": f"{self.public_origin}{HOSTED_PATH}{session_id}",
            }
            self._by_key[idempotency_key] = (session_id, params)
            session = self.sessions[session_id]
            return CreatedSession(session_id, session["url"], expires_at)

    def retrieve_session(self, session_id):
        with self._lock:
            self._maybe_fail()
            return self._state(self._session(session_id))

    def expire_session(self, session_id):
        with self._lock:
            self._maybe_fail()
            session = self._session(session_id)
            if session["status"] == "open":
                session["status"] = "expired"
                session["url"] = None
            return self._state(session)

    def parse_webhook(self, body, signature_header):
        event = events.verify(body, signature_header, self.webhook_secrets, self.tolerance)
        return events.translate(event)

    def translate_stored(self, body):
        return events.translate_stored(body)

    # -- what a customer or Stripe does (each returns signed deliveries) ---

    def pay(self, session_id, amount=None, customer=None):
        """The card is charged: `checkout.session.completed`, paid.

        `customer` ({"email", "name", "country"}) is what the customer typed
        on the checkout page; by default the email the session was made with.
        """
        with self._lock:
            session = self._open(session_id)
            if amount is not None:
                session["amount_total"] = amount
            self._charge(session)
            session.update(status="complete", payment_status="paid", url=None,
                           customer_details=self._details(session, customer))
            return [self._deliver("checkout.session.completed", session)]

    def decline(self, session_id, code="card_declined", decline_code="generic_decline",
                message="Your card was declined."):
        """A declined card: `payment_intent.payment_failed`; the session stays open."""
        with self._lock:
            session = self._open(session_id)
            intent = self._intent(session)
            intent.update(status="requires_payment_method", last_payment_error={
                "type": "card_error", "code": code, "decline_code": decline_code,
                "message": message,
            })
            return [self._deliver("payment_intent.payment_failed", intent)]

    def pay_async(self, session_id, customer=None):
        """A bank transfer was started: completed but unpaid."""
        with self._lock:
            session = self._open(session_id)
            self._intent(session)["status"] = "processing"
            session.update(status="complete", payment_status="unpaid", url=None,
                           customer_details=self._details(session, customer))
            return [self._deliver("checkout.session.completed", session)]

    def settle_async(self, session_id, succeeded=True):
        """The async payment's outcome, some time later.

        A failure leaves the session as Stripe does: complete and unpaid for
        good, its payment intent back to `requires_payment_method`.
        """
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise GatewayError("no async payment is processing for this session")
            if succeeded:
                self._charge(session)
                session["payment_status"] = "paid"
                return [self._deliver("checkout.session.async_payment_succeeded", session)]
            self._intent(session)["status"] = "requires_payment_method"
            return [self._deliver("checkout.session.async_payment_failed", session)]

    def expire(self, session_id):
        """The session ran out of time: `checkout.session.expired`."""
        with self._lock:
            session = self._session(session_id)
            if session["status"] == "open":
                session.update(status="expired", url=None)
            return [self._deliver("checkout.session.expired", session)]

    def dispute(self, session_id, reason="fraudulent"):
        with self._lock:
            intent = self.intents[self._session(session_id)["payment_intent"]]
            charge = intent["latest_charge"]
            dispute = {
                "id": new_id("dp"), "object": "dispute", "amount": charge["amount"],
                "currency": charge["currency"], "charge": charge["id"],
                "payment_intent": intent["id"], "reason": reason,
                "status": "needs_response",
            }
            return [self._deliver("charge.dispute.created", dispute)]

    def event(self, event_type, obj):
        """Any Stripe-shaped event around `obj`, signed (for unhandled types)."""
        with self._lock:
            return self._deliver(event_type, obj)

    def sign(self, body: bytes, timestamp=None, secret=None):
        payload = body.decode("utf-8")
        return stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secrets[0],
            int(self.clock()) if timestamp is None else timestamp,
        )

    # -- helpers -----------------------------------------------------------

    def _maybe_fail(self):
        if self.fail_next:
            self.fail_next -= 1
            raise GatewayError("the payment gateway could not be reached")

    def _session(self, session_id):
        try:
            return self.sessions[session_id]
        except KeyError:
            raise NotFound("the gateway has no such checkout session") from None

    def _open(self, session_id):
        session = self._session(session_id)
        if session["status"] != "open":
            raise GatewayError(f"the checkout session is {session['status']}")
        return session

    def _state(self, session):
        # As StripeGateway asks Stripe: with the payment intent expanded.
        expanded = dict(session)
        if session["payment_intent"] is not None:
            expanded["payment_intent"] = dict(self.intents[session["payment_intent"]])
        return events.session_state(expanded)

    @staticmethod
    def _details(session, customer):
        """`customer_details` shaped as Stripe's (shared/stripe-fixtures)."""
        customer = customer or {}
        return {
            "address": {"city": None, "country": customer.get("country"), "line1": None,
                        "line2": None, "postal_code": None, "state": None},
            "email": customer.get("email", session["customer_email"]),
            "name": customer.get("name"),
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        }

    def _intent(self, session):
        if session["payment_intent"] is None:
            intent_id = new_id("pi")
            self.intents[intent_id] = {
                "id": intent_id, "object": "payment_intent",
                "amount": session["amount_total"], "currency": session["currency"],
                "metadata": dict(session["metadata"]), "status": "requires_payment_method",
                "last_payment_error": None, "latest_charge": None,
            }
            session["payment_intent"] = intent_id
        return self.intents[session["payment_intent"]]

    def _charge(self, session):
        intent = self._intent(session)
        intent.update(status="succeeded", last_payment_error=None,
                      amount=session["amount_total"])
        intent["latest_charge"] = {
            "id": new_id("ch"), "object": "charge", "amount": session["amount_total"],
            "currency": session["currency"], "amount_refunded": 0, "refunded": False,
            "payment_intent": intent["id"], "metadata": dict(intent["metadata"]),
            "refunds": {"object": "list", "data": [], "has_more": False},
        }

    def _deliver(self, event_type, obj):
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(self.clock()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        body = json.dumps(event, separators=(",", ":")).encode("utf-8")
        return Delivery(event, body, self.sign(body))
