"""StripeGateway: Stripe Checkout through the real `stripe` SDK (16.x)."""

import logging

import stripe

from ...domain.errors import GatewayError, NotFound
from ...ports.gateway import CreatedSession, PaymentGateway
from . import events, refund_events

log = logging.getLogger(__name__)

# A session that completed but is unpaid may be processing or may have
# failed; only its payment intent's status tells which (events.session_state).
EXPAND = {"expand": ["payment_intent"]}


class StripeGateway(PaymentGateway):
    def __init__(self, secret_key, webhook_secrets, api_base=None,
                 tolerance=events.DEFAULT_TOLERANCE, max_network_retries=2):
        options = {"max_network_retries": max_network_retries}
        if api_base:
            # Tests point the SDK at a local HTTP stub.
            options["base_addresses"] = {"api": api_base}
        # One client for the process: it holds the HTTP connection pool.
        self.client = stripe.StripeClient(secret_key, **options)
        self.webhook_secrets = events.parse_secrets(webhook_secrets)
        self.tolerance = tolerance

    def create_session(self, order, attempt, success_url, cancel_url, expires_at,
                       idempotency_key):
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": item.quantity,
                    "price_data": {
                        "currency": order.currency,
                        "unit_amount": item.unit_amount,
                        "product_data": {
                            "name": item.title,
                            "metadata": {"product_id": item.product_id},
                        },
                    },
                }
                for item in order.items
            ],
            "client_reference_id": order.id,
            "metadata": {"order_id": order.id, "attempt": str(attempt)},
            "payment_intent_data": {"metadata": {"order_id": order.id}},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        }
        if order.email:
            params["customer_email"] = order.email
        session = self._call(
            "create a checkout session",
            self.client.v1.checkout.sessions.create,
            params, {"idempotency_key": idempotency_key},
        )
        return CreatedSession(id=session.id, url=session.url, expires_at=session.expires_at)

    def retrieve_session(self, session_id):
        try:
            session = self.client.v1.checkout.sessions.retrieve(session_id, EXPAND)
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:
                raise NotFound("the gateway has no such checkout session") from None
            raise self._gateway_error("retrieve a checkout session", error) from None
        except stripe.StripeError as error:
            raise self._gateway_error("retrieve a checkout session", error) from None
        return events.session_state(session.to_dict())

    def expire_session(self, session_id):
        try:
            session = self.client.v1.checkout.sessions.expire(session_id, EXPAND)
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:
                raise NotFound("the gateway has no such checkout session") from None
            # Only open sessions can be expired: this one is complete or
            # already expired, and its state tells which.
            return self.retrieve_session(session_id)
        except stripe.StripeError as error:
            raise self._gateway_error("expire a checkout session", error) from None
        return events.session_state(session.to_dict())

    def refund(self, payment_intent, amount, reason, idempotency_key, order_id=None):
        params = {"payment_intent": payment_intent, "amount": amount, "reason": reason}
        if order_id:
            params["metadata"] = {"order_id": order_id}
        try:
            refund = self.client.v1.refunds.create(params, {"idempotency_key": idempotency_key})
        except stripe.InvalidRequestError as error:
            # Stripe's own words (an amount larger than what remains, say)
            # carry no secret and tell the admin what to change.
            log.warning("stripe: refund refused: %s", error.user_message or error)
            raise GatewayError(f"the payment gateway refused the refund: "
                               f"{error.user_message or 'invalid request'}") from None
        except stripe.StripeError as error:
            raise self._gateway_error("refund the payment", error) from None
        news = refund_events.refund_news(refund.to_dict())
        if news is None:
            raise GatewayError("the payment gateway's refund answer could not be read")
        return news

    def parse_webhook(self, body, signature_header):
        event = events.verify(body, signature_header, self.webhook_secrets, self.tolerance)
        return events.translate(event)

    def translate_stored(self, body):
        return events.translate_stored(body)

    def _call(self, what, method, *args):
        try:
            return method(*args)
        except stripe.StripeError as error:
            raise self._gateway_error(what, error) from None

    @staticmethod
    def _gateway_error(what, error):
        # The SDK's message never holds the secret key; log it for operators.
        log.warning("stripe: could not %s: %s %s", what, type(error).__name__,
                    getattr(error, "user_message", None) or error)
        return GatewayError(f"the payment gateway could not {what}")
