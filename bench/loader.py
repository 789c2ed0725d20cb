"""A fast loader: a history of paid orders and their processed events.

Orders are made by the domain's own methods (build_order, attach_session,
apply) and stored by ZodbOrderRepository.add and ZodbEventLog.record, so the
records and index entries have exactly the shape the app makes. Speed comes
from ids generated up front and inserted in sorted order (each commit then
writes new BTree buckets instead of rewriting old ones), commits every
BATCH orders and cacheMinimize after each, so memory stays flat.
"""

import datetime
import json
import os
import secrets

import stripe
import transaction

from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.evolve import bootstrap
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.app import seed_catalog
from orderflow.domain.catalog import Product
from orderflow.domain.events import EventKind, GatewayEvent, Source
from orderflow.domain.order import CheckoutSession, build_order
from orderflow.ports.repositories import EventRecord

from .common import SECRET, open_db

BATCH = 20_000
# The newest events also keep a raw payload (SPEC §10: for the retention
# period, so a long history holds the payloads of its last days only), of
# about the size of a checkout.session.completed delivery.
PAYLOADS_KEPT = int(os.environ.get("BENCH_PAYLOADS_KEPT", "20000"))
PAYLOAD_FILLER = "x" * 2400
PRODUCT = Product("espresso-beans", "Espresso beans, 1 kg", "", 2400, "eur")
UTC = datetime.timezone.utc


def _ids(prefix, n, nbytes=12):
    return sorted(f"{prefix}{secrets.token_hex(nbytes)}" for _ in range(n))


def _order(order_id, session_id, at):
    order = build_order(order_id, [(PRODUCT, 1)], "bench@example.com", at)
    order.attach_session(CheckoutSession(
        id=session_id, attempt=1, created_at=at, url=None,
        expires_at=int(at.timestamp()) + 3600), at)
    return order


def load_history(path, size, pending):
    """`size` paid orders with one processed event each, then `pending`
    newer pending orders; returns a sample of history session ids, and the
    pending (order id, session id, amount) triples."""
    db = open_db(path, cache_size=5000)
    bootstrap(db)
    seed_catalog(db)
    start = datetime.datetime.now(UTC) - datetime.timedelta(milliseconds=size + pending + 1000)
    orders_ids = sorted("ord_" + secrets.token_urlsafe(18) for _ in range(size))
    sessions, intents, events = (_ids("cs_test_", size), _ids("pi_test_", size),
                                 _ids("evt_test_", size))
    sample = [sessions[i] for i in range(0, size, max(1, size // 2000))]
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    made = []
    try:
        root = app_root(conn)
        repo, log = ZodbOrderRepository(root), ZodbEventLog(root)
        for first in range(0, size, BATCH):
            tm.begin()
            for i in range(first, min(size, first + BATCH)):
                at = start + datetime.timedelta(milliseconds=i)
                order = _order(orders_ids[i], sessions[i], at)
                event = GatewayEvent(
                    kind=EventKind.PAYMENT_SUCCEEDED, type="checkout.session.completed",
                    id=events[i], order_id=order.id, session_id=sessions[i],
                    payment_intent=intents[i], amount=order.total, currency="eur",
                    created=int(at.timestamp()))
                order.apply(event, Source.WEBHOOK, at)
                repo.add(order)
                payload = (json.dumps({"id": event.id, "filler": PAYLOAD_FILLER}).encode()
                           if i >= size - PAYLOADS_KEPT else None)
                log.record(EventRecord(event.id, event.type, "applied", order.id, at, "paid"),
                           payload)
            tm.commit()
            conn.cacheMinimize()
        tm.begin()
        for i in range(pending):
            at = start + datetime.timedelta(milliseconds=size + i)
            order = _order("ord_" + secrets.token_urlsafe(18), f"cs_test_{secrets.token_hex(12)}",
                           at)
            repo.add(order)
            made.append((order.id, order.session_id, order.total))
        tm.commit()
    finally:
        conn.close()
        db.close()
    return sample, made


def paying_event(order_id, session_id, amount):
    """A signed checkout.session.completed paying the order, as Stripe sends it."""
    event = {
        "id": f"evt_test_{secrets.token_hex(12)}", "object": "event",
        "api_version": "2026-10-28.endive", "created": int(datetime.datetime.now().timestamp()),
        "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "checkout.session.completed",
        "data": {"object": {
            "id": session_id, "object": "checkout.session", "mode": "payment",
            "status": "complete", "payment_status": "paid", "amount_total": amount,
            "currency": "eur", "client_reference_id": order_id,
            "metadata": {"order_id": order_id, "attempt": "1"},
            "payment_intent": f"pi_test_{secrets.token_hex(12)}", "livemode": False,
        }},
    }
    body = json.dumps(event, separators=(",", ":"))
    header = stripe.WebhookSignature.generate_signature_header(
        body, SECRET, int(datetime.datetime.now().timestamp()))
    return ("POST", "/api/payments/webhook", body.encode(),
            {"Content-Type": "application/json", "Stripe-Signature": header})
