"""Reconciliation: ask the gateway about an order's sessions, apply what it says.

This is how a missed webhook is healed (SPEC §3.7, §7). The news goes
through the same order rules as the webhook (`sync_session`), which record
each payment once whichever path brings it first, so reconciling twice, or
while the webhook arrives, changes the order once.
"""

from dataclasses import dataclass, field

from ..domain.errors import GatewayError, NotFound
from ..domain.events import Source
from .payments import sync_session


@dataclass(frozen=True)
class Reconciled:
    order_id: str
    from_status: str
    to_status: str
    applied: bool
    notes: tuple = ()
    error: str | None = None


@dataclass
class ReconcileSummary:
    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: int = 0
    results: list = field(default_factory=list)

    def add(self, result):
        self.checked += 1
        self.results.append(result)
        if result.error:
            self.errors += 1
        elif result.applied:
            self.changed += 1
        else:
            self.unchanged += 1

    def text(self):
        return (f"checked {self.checked} orders: {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.errors} errors")


def sessions_to_ask(order):
    """The current session, and earlier ones not known to be expired: a
    customer may have paid an earlier session just before a retry."""
    current = order.current_session
    asked = [s for s in order.sessions[:-1] if s.state != "expired"]
    return asked + ([current] if current else [])


def reconcile_order(orders, gateway, order, now, source=Source.RECONCILIATION, carts=None):
    """Ask the gateway about `order`'s sessions and apply the answers.

    Raises GatewayError when the gateway cannot be reached; a session the
    gateway does not know is noted and skipped.
    """
    before = order.status
    applied, notes = False, []
    for session in sessions_to_ask(order):
        try:
            outcome = sync_session(orders, gateway, order, session.id, source, now, carts)
        except NotFound:
            notes.append(f"{session.id}: unknown to the gateway")
            continue
        if outcome is None:
            notes.append(f"{session.id}: still open")
        else:
            applied = applied or outcome.applied
            notes.append(f"{session.id}: {outcome.note}")
    return Reconciled(order.id, before, order.status, applied, tuple(notes))


def reconcile(orders, gateway, now, older_than=None, carts=None):
    """Reconcile every pending or failed order (last changed before `older_than`).

    Reads the unsettled orders only. A gateway failure for one order is counted
    and the others go on. For one transaction per order (what the console
    script does), call `reconcile_order` for each of `orders.unsettled()`.
    """
    summary = ReconcileSummary()
    for order in orders.unsettled(older_than):
        try:
            summary.add(reconcile_order(orders, gateway, order, now, carts=carts))
        except GatewayError as error:
            summary.add(Reconciled(order.id, order.status, order.status, False,
                                   error=error.message))
    return summary
