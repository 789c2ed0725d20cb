"""The fake gateway's refunds: in memory, Stripe's objects, signed events.

A mixin of FakeGateway (gateway.py), which holds the sessions, intents and
charges these work on, and signs and delivers the events.
"""

from ...domain.errors import GatewayError, NotFound
from ..stripe.refund_events import refund_news
from .ids import new_id


class FakeRefunds:
    # -- the port -----------------------------------------------------------

    def refund(self, payment_intent, amount, reason, idempotency_key, order_id=None):
        with self._lock:
            self._maybe_fail()
            params = (payment_intent, amount, reason, order_id)
            if idempotency_key in self._refunds_by_key:
                first, refund = self._refunds_by_key[idempotency_key]
                if first != params:
                    raise GatewayError("the payment gateway refused the refund: "
                                       "idempotency key reused with other parameters")
                return refund_news(refund)
            intent = self.intents.get(payment_intent)
            charge = intent and intent["latest_charge"]
            if charge is None:
                raise GatewayError("the payment gateway refused the refund: "
                                   f"no such payment: '{payment_intent}'")
            if not 0 < amount <= self._refundable(charge):
                raise GatewayError(
                    "the payment gateway refused the refund: Refund amount "
                    f"({amount}) is greater than unrefunded amount on charge "
                    f"({self._refundable(charge)})")
            metadata = {"order_id": order_id} if order_id else {}
            deliveries = self._make_refund(intent, amount, reason, metadata, self.refund_status)
            refund = charge["refunds"]["data"][-1]
            self._refunds_by_key[idempotency_key] = (params, refund)
            if self.deliver_to is not None:
                self.deliver_to(deliveries)
            else:
                self.undelivered.extend(deliveries)
            return refund_news(refund)

    # -- what Stripe's dashboard or a bank does -----------------------------

    def refund_in_dashboard(self, session_id, amount):
        """Someone refunds `amount` in Stripe's dashboard: `refund.created`
        and `charge.refunded`."""
        with self._lock:
            intent = self.intents[self._session(session_id)["payment_intent"]]
            amount = min(amount, self._refundable(intent["latest_charge"]))
            return self._make_refund(intent, amount, None, {}, self.refund_status)

    def fail_refund(self, refund_id, reason="expired_or_canceled_card"):
        """The bank sends a refund back: `refund.failed`, then the charge's
        lower total in `charge.refund.updated`'s wake (as `charge.refunded`
        is not sent again, the charge is only updated)."""
        with self._lock:
            refund, charge = self._find_refund(refund_id)
            refund.update(status="failed", failure_reason=reason)
            self._total(charge)
            return [self._deliver("refund.failed", refund),
                    self._deliver("charge.refund.updated", refund)]

    def succeed_refund(self, refund_id):
        """A pending refund goes through: `refund.updated`."""
        with self._lock:
            refund, _ = self._find_refund(refund_id)
            refund["status"] = "succeeded"
            return [self._deliver("refund.updated", refund)]

    # -- helpers ------------------------------------------------------------

    def _make_refund(self, intent, amount, reason, metadata, status):
        charge = intent["latest_charge"]
        refund = {
            "id": new_id("re"), "object": "refund", "amount": amount, "charge": charge["id"],
            "currency": charge["currency"], "payment_intent": intent["id"],
            "reason": reason, "status": status, "failure_reason": None,
            "created": int(self.clock()), "metadata": metadata,
        }
        charge["refunds"]["data"].append(refund)
        self._total(charge)
        return [self._deliver("refund.created", refund),
                self._deliver("charge.refunded", self._without_refunds(charge))]

    @staticmethod
    def _without_refunds(charge):
        # Since API 2022-11-15 a charge's event carries no refunds list.
        return {k: v for k, v in charge.items() if k != "refunds"}

    @staticmethod
    def _refundable(charge):
        return charge["amount"] - charge["amount_refunded"]

    @staticmethod
    def _total(charge):
        charge["amount_refunded"] = sum(r["amount"] for r in charge["refunds"]["data"]
                                        if r["status"] in ("pending", "succeeded"))
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]

    def _find_refund(self, refund_id):
        for intent in self.intents.values():
            charge = intent["latest_charge"]
            for refund in (charge or {}).get("refunds", {}).get("data", []):
                if refund["id"] == refund_id:
                    return refund, charge
        raise NotFound("the gateway has no such refund")
