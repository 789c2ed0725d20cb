"""The payment gateway port (Stripe Checkout, or the fake)."""

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class CreatedSession:
    id: str
    url: str
    expires_at: int | None = None


class PaymentGateway(abc.ABC):
    @abc.abstractmethod
    def create_session(self, order, attempt, success_url, cancel_url, expires_at,
                       idempotency_key):
        """Open a hosted checkout session for `order` and return a CreatedSession.

        `expires_at` is a unix time. The same `idempotency_key` (with the
        same arguments) must never create a second session. Raises
        GatewayError when the gateway fails.
        """

    @abc.abstractmethod
    def retrieve_session(self, session_id):
        """The SessionState of a session now; NotFound if the gateway has none."""

    @abc.abstractmethod
    def expire_session(self, session_id):
        """Make an open session unpayable and return its SessionState.

        A session that is no longer open is left as it is; its state is
        returned so the caller can see whether it was paid meanwhile.
        """

    @abc.abstractmethod
    def parse_webhook(self, body: bytes, signature_header: str | None):
        """Verify a webhook delivery and translate it into a GatewayEvent.

        Raises InvalidWebhook for a missing or bad signature, a timestamp
        outside the tolerance, or a body that is not a gateway event.
        """

    @abc.abstractmethod
    def translate_stored(self, body: bytes):
        """Translate a body that `parse_webhook` verified before (a stored
        raw event) into a GatewayEvent by today's rules, without a signature.
        Raises InvalidWebhook if it is not a gateway event.
        """

    @abc.abstractmethod
    def refund(self, payment_intent, amount, reason, idempotency_key, order_id=None):
        """Refund `amount` (minor units) of the payment `payment_intent`.

        `reason` is one of refunds.RefundReason; `order_id` goes into the
        refund's metadata, so its events lead back to the order. The same
        `idempotency_key` never refunds twice. Returns the gateway's
        RefundNews (id, amount, status). Raises GatewayError when the
        gateway fails or refuses.
        """
