"""Starting, retrying and cancelling checkouts."""

from dataclasses import dataclass
import hashlib
import json

from ..domain.cart import MAX_LINES, MAX_QUANTITY, check_one_currency, is_quantity
from ..domain.errors import CancelRefused, NotFound, RetryRefused, ValidationFailed
from ..domain.events import Source
from ..domain.order import CheckoutSession, Order, SessionStatus, build_order, unique_reference
from ..domain.order_parts import Outcome
from .payments import apply_state
from .queries import get_order


@dataclass(frozen=True)
class CheckoutSettings:
    public_origin: str
    # Stripe accepts 30 minutes to 24 hours.
    session_ttl_seconds: int = 3600

    def expires_at(self, now):
        return int(now.timestamp()) + self.session_ttl_seconds

    @property
    def success_url(self):
        # Stripe fills {CHECKOUT_SESSION_ID} in; it must stay literal here.
        return f"{self.public_origin}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"

    def cancel_url(self, order_id):
        return f"{self.public_origin}/checkout/cancel?order_id={order_id}"


@dataclass(frozen=True)
class CheckoutStarted:
    order_id: str
    session_id: str
    url: str


# A refusal is a value that these use cases return, not an exception that
# they raise: asking the gateway on the way may have taught us that the
# order was paid meanwhile, and that news must be committed with the answer
# "refused" (an exception would roll it back). The domain raises the same
# RetryRefused / CancelRefused when one of its commands is called against
# its rules; the web adapter maps an escaped one to 409 as well.


@dataclass(frozen=True)
class Retry:
    """What retry_checkout did: a new session (`started`) or `refused`."""

    order: Order
    started: CheckoutStarted | None = None
    refused: RetryRefused | None = None


@dataclass(frozen=True)
class Cancellation:
    """What cancel_order did: `outcome` of the cancel, or `refused`."""

    order: Order
    outcome: Outcome | None = None
    refused: CancelRefused | None = None

    @property
    def cancelled(self):
        return self.outcome is not None and self.outcome.applied


def idempotency_key(order, attempt, expires_at):
    """One key per attempt of one request, kept across its conflict retries.

    Stripe refuses a key reused with other parameters, so everything the
    session is made from is part of the key: the expiry (fixed by the
    request's clock, which survives retries), so that an attempt whose
    transaction never committed does not block the next request's attempt
    of the same number; and a digest of the lines and email, so that a
    re-run that reads a cart changed meanwhile (another tab) makes its own
    session instead of being refused. A re-run of the same request sends
    the same key and gets the same session back.
    """
    content = json.dumps([order.currency, order.email, [
        [item.product_id, item.title, item.unit_amount, item.quantity] for item in order.items
    ]])
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    return f"orderflow-{order.id}-attempt-{attempt}-{expires_at}-{digest}"


def price_lines(catalog, lines):
    """(product, quantity) pairs for the asked lines, prices from the catalog."""
    if not lines:
        raise ValidationFailed("the order has no items", {"items": "at least one item"})
    if len(lines) > MAX_LINES:
        raise ValidationFailed("too many items", {"items": f"at most {MAX_LINES} lines"})
    fields, priced, seen = {}, [], {}
    for n, line in enumerate(lines):
        product = catalog.get(line.product_id)
        if product is None or not product.active:
            fields[f"items.{n}.id"] = f"unknown product: {line.product_id}"
        elif not is_quantity(line.quantity):
            fields[f"items.{n}.quantity"] = f"from 1 to {MAX_QUANTITY}"
        elif product.id in seen:
            # The same product twice is one line with the summed quantity.
            at = seen[product.id]
            quantity = priced[at][1] + line.quantity
            if not is_quantity(quantity):
                fields[f"items.{n}.quantity"] = f"from 1 to {MAX_QUANTITY} in all"
            priced[at] = (product, quantity)
        else:
            seen[product.id] = len(priced)
            priced.append((product, line.quantity))
    if fields:
        raise ValidationFailed("some items cannot be ordered", fields)
    check_one_currency({product.currency for product, _ in priced})
    return priced


def start_checkout(catalog, orders, gateway, settings, order_id, lines, email, now, cart_id=None):
    """Create a pending order and its first gateway session.

    The gateway is called before the order is stored, so a gateway failure
    leaves nothing behind. `order_id` comes from the caller so that a request
    retried after a conflict reuses it, and with it the idempotency key.
    """
    order = build_order(order_id, price_lines(catalog, lines), email, now, cart_id,
                        reference=unique_reference(orders.reference_taken))
    started = _open_session(gateway, settings, order, now, Source.CHECKOUT)
    orders.add(order)
    return started


def _open_session(gateway, settings, order, now, source):
    """Create the order's next gateway session and make it the current one."""
    attempt = order.next_attempt
    expires_at = settings.expires_at(now)
    created = gateway.create_session(
        order, attempt, settings.success_url, settings.cancel_url(order.id),
        expires_at, idempotency_key(order, attempt, expires_at),
    )
    order.attach_session(CheckoutSession(
        id=created.id, attempt=attempt, created_at=now, url=created.url,
        expires_at=created.expires_at,
    ), now, source=source)
    return CheckoutStarted(order.id, created.id, created.url)


def _close_current_session(orders, gateway, order, source, now, carts=None):
    """Expire the open session at the gateway; apply what it says if it moved on.

    The gateway may show that the session was paid, is processing, or that
    its async payment failed meanwhile: that news is applied to the order,
    and the caller asks the order again whether it may go on.
    """
    session = order.current_session
    if session is None or session.state != SessionStatus.OPEN:
        return
    try:
        state = gateway.expire_session(session.id)
    except NotFound:
        # The gateway has no such session (the development gateway forgets
        # its sessions on restart): nothing can pay it any more.
        return
    if state.status == SessionStatus.COMPLETE:
        apply_state(orders, order, state, source, now, carts)


def retry_checkout(orders, gateway, settings, order_id, now, source=Source.RETRY, carts=None):
    """A new session for an unpaid order; the previous one is expired first.

    Returns a Retry: `started`, or `refused` when the order refuses a new
    session, also when expiring the old one showed that the customer paid
    (or started an async payment) meanwhile; that news is applied, and
    kept by the caller's commit. `carts` lets a payment found that way
    clear the ordered cart lines. NotFound for an unknown order.
    """
    order = get_order(orders, order_id)
    if order.can_retry:
        _close_current_session(orders, gateway, order, source, now, carts)
    refusal = order.retry_refusal()
    if refusal is not None:
        return Retry(order, refused=refusal)
    started = _open_session(gateway, settings, order, now, source)
    orders.save(order)
    return Retry(order, started=started)


def cancel_order(orders, gateway, order_id, now, source=Source.CUSTOMER, carts=None,
                 actor=None):
    """Cancel an unpaid order, after making its open session unpayable.

    Returns a Cancellation. When the gateway shows that the order was paid
    meanwhile, that news is applied (for the caller to commit) and the
    cancel refused; a cancel reaching a paid order is kept in its history as
    ignored; one reaching an expired order is done already and writes nothing.
    """
    order = get_order(orders, order_id)
    if order.cancel_refusal() is None:
        # The session first: once nothing can pay it, nothing undoes the cancel.
        _close_current_session(orders, gateway, order, source, now, carts)
    recorded = len(order.history)
    try:
        outcome = order.cancel(now, source, actor)
    except CancelRefused as refusal:
        return Cancellation(order, refused=refusal)
    if len(order.history) > recorded:  # cancelled, or an ignored attempt kept
        orders.save(order)
    return Cancellation(order, outcome, refused=order.cancel_refusal() if order.settled else None)
