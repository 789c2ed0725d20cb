"""The use cases with the in-memory fakes and the working FakeGateway."""

from datetime import datetime, timedelta, timezone

import pytest

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.domain.catalog import Line, Product
from orderflow.domain.errors import GatewayError, NotFound, ValidationFailed
from orderflow.domain.events import Source
from orderflow.domain.order import Status
from orderflow.services import (
    CheckoutSettings, apply_gateway_event, get_order, get_order_by_session, start_checkout,
    sync_session,
)

from orderflow.domain.admins import AdminUser
from orderflow.services.admins import (
    LoginThrottle, add_admin, authenticate, change_password, end_sessions, remove_admin,
)
from orderflow.services.reconcile import reconcile_order

from .fakes import (
    CountingHasher, InMemoryAdminUsers, InMemoryCarts, InMemoryCatalog, InMemoryEventLog,
    InMemoryOrderRepository,
)

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "A mug", 1250, "eur")
TEA = Product("tea", "Tea", "Green", 500, "eur")
OLD = Product("old", "Old", "", 900, "eur", active=False)
BOOK = Product("book", "Book", "", 2000, "usd")


class World:
    def __init__(self):
        self.catalog = InMemoryCatalog([MUG, TEA, OLD, BOOK])
        self.orders = InMemoryOrderRepository()
        self.events = InMemoryEventLog()
        self.carts = InMemoryCarts()
        self.gateway = FakeGateway("whsec_x", "http://shop.test")
        self.settings = CheckoutSettings("http://shop.test")
        self.carts.put("cart_1", {"mug": 2, "tea": 1, "book": 1})

    def checkout(self, lines=(("mug", 2), ("tea", 1)), order_id="ord_1", orders=None):
        return start_checkout(
            self.catalog, self.orders if orders is None else orders, self.gateway, self.settings, order_id,
            [Line(p, q) for p, q in lines], "a@example.com", T0, cart_id="cart_1")

    def deliver(self, deliveries, minutes=1):
        """Each signed delivery through the gateway's verification, then the use case."""
        return [
            apply_gateway_event(self.orders, self.events,
                                self.gateway.parse_webhook(d.body, d.header),
                                T0 + timedelta(minutes=minutes), carts=self.carts)
            for d in deliveries
        ]


@pytest.fixture
def world():
    return World()


# -- start_checkout ----------------------------------------------------------

def test_checkout_stores_a_pending_order_with_its_first_gateway_session(world):
    started = world.checkout()
    order = world.orders.get("ord_1")
    assert order.status == Status.PENDING and order.total == 3000
    assert order.session_id == started.session_id and started.url.startswith("http://shop.test")
    session = world.gateway.sessions[started.session_id]
    assert session["amount_total"] == 3000 and session["currency"] == "eur"
    assert session["metadata"]["order_id"] == "ord_1"
    assert session["client_reference_id"] == "ord_1"
    assert session["success_url"] == (
        "http://shop.test/checkout/success?session_id={CHECKOUT_SESSION_ID}")
    assert session["cancel_url"] == "http://shop.test/checkout/cancel?order_id=ord_1"


def test_a_gateway_failure_leaves_no_order_behind(world):
    world.gateway.fail_next = 1
    with pytest.raises(GatewayError):
        world.checkout()
    assert world.orders.get("ord_1") is None and len(world.orders) == 0


@pytest.mark.parametrize("lines,field", [
    ([("nope", 1)], "items.0.id"),
    ([("mug", 1), ("old", 1)], "items.1.id"),
    ([("mug", 0)], "items.0.quantity"),
    ([("mug", 100)], "items.0.quantity"),
    ([("mug", "2")], "items.0.quantity"),
    ([("mug", 60), ("mug", 40)], "items.1.quantity"),
    ([("mug", 1), ("book", 1)], "items"),
    ([], "items"),
    ([("mug", 1)] * 51, "items"),
])
def test_bad_items_are_refused_naming_the_field_and_change_nothing(world, lines, field):
    with pytest.raises(ValidationFailed) as caught:
        world.checkout(lines)
    assert field in caught.value.fields
    assert len(world.orders) == 0 and world.gateway.created_calls == 0


def test_prices_come_from_the_catalog_and_later_changes_never_touch_the_order(world):
    # A Line has no price at all: whatever a client sends, the catalog prices it.
    world.checkout([("mug", 1)])
    world.catalog.put(Product("mug", "Big mug", "", 9999, "eur"))
    order = world.orders.get("ord_1")
    assert [(i.title, i.unit_amount) for i in order.items] == [("Mug", 1250)]
    assert world.gateway.sessions[order.session_id]["amount_total"] == 1250


def test_the_same_product_twice_is_one_line_with_the_summed_quantity(world):
    world.checkout([("mug", 1), ("tea", 1), ("mug", 2)])
    order = world.orders.get("ord_1")
    assert [(i.product_id, i.quantity) for i in order.items] == [("mug", 3), ("tea", 1)]
    assert order.total == 3 * 1250 + 500


def test_a_checkout_retried_after_a_rolled_back_transaction_reuses_the_gateway_session(world):
    first = world.checkout(orders=InMemoryOrderRepository())  # its transaction rolled back
    second = world.checkout()
    assert second.session_id == first.session_id
    assert world.gateway.created_calls == 1


# -- apply_gateway_event -----------------------------------------------------

def test_a_paid_webhook_makes_the_order_paid_and_clears_only_the_ordered_cart_lines(world):
    sid = world.checkout().session_id
    [outcome] = world.deliver(world.gateway.pay(sid))
    assert (outcome.duplicate, outcome.outcome, outcome.order_id) == (False, "applied", "ord_1")
    assert world.orders.get("ord_1").status == Status.PAID
    assert world.carts.lines("cart_1") == {"book": 1}
    assert world.events.get(world.orders.get("ord_1").history[-1].event_id).outcome == "applied"


def test_a_failed_payment_keeps_the_cart(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.decline(sid))
    assert world.orders.get("ord_1").status == Status.FAILED
    assert world.carts.lines("cart_1") == {"mug": 2, "tea": 1, "book": 1}


def test_a_duplicate_webhook_changes_nothing(world):
    deliveries = world.gateway.pay(world.checkout().session_id)
    world.deliver(deliveries)
    before, saves = world.orders.get("ord_1"), world.orders.saves
    [again] = world.deliver(deliveries, minutes=9)
    assert again.duplicate and again.outcome == "duplicate"
    assert world.orders.get("ord_1") == before and world.orders.saves == saves


def test_an_event_for_no_known_order_is_kept_as_unmatched(world):
    stranger = {"id": "cs_test_elsewhere", "object": "checkout.session",
                "payment_status": "paid", "amount_total": 100, "currency": "eur",
                "metadata": {"order_id": "ord_elsewhere"}}
    delivery = world.gateway.event("checkout.session.completed", stranger)
    [outcome] = world.deliver([delivery])
    assert (outcome.duplicate, outcome.outcome, outcome.order_id) == (False, "unmatched", None)
    assert world.events.get(delivery.event["id"]).outcome == "unmatched"


def test_an_unhandled_event_type_is_logged_as_ignored(world):
    sid = world.checkout().session_id
    delivery = world.gateway.event("checkout.session.updated", world.gateway.sessions[sid])
    [outcome] = world.deliver([delivery])
    assert outcome.outcome == "ignored" and outcome.order_id == "ord_1"
    assert world.orders.get("ord_1").history[-1].event_id == delivery.event["id"]


def test_an_unhandled_event_type_for_no_known_order_is_logged_as_ignored(world):
    delivery = world.gateway.event("customer.created", {"id": "cus_1", "object": "customer"})
    [outcome] = world.deliver([delivery])
    assert (outcome.outcome, outcome.order_id) == ("ignored", None)
    assert world.events.get(delivery.event["id"]).outcome == "ignored"


def test_refunds_and_disputes_find_the_order_and_update_it(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.pay(sid))
    world.deliver(world.gateway.refund_in_dashboard(sid, 1000), minutes=2)
    assert world.orders.get("ord_1").status == Status.PARTIALLY_REFUNDED
    world.deliver(world.gateway.dispute(sid), minutes=3)
    assert world.orders.get("ord_1").status == Status.DISPUTED


def test_an_async_payment_is_awaited_then_paid(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.pay_async(sid))
    assert world.orders.get("ord_1").awaiting_payment
    assert world.carts.lines("cart_1") == {"mug": 2, "tea": 1, "book": 1}
    world.deliver(world.gateway.settle_async(sid), minutes=2)
    assert world.orders.get("ord_1").status == Status.PAID
    assert world.carts.lines("cart_1") == {"book": 1}


# -- sync_session (the landing page) -----------------------------------------

def test_the_landing_page_learns_a_payment_before_the_webhook_and_only_once(world):
    sid = world.checkout().session_id
    deliveries = world.gateway.pay(sid)  # not delivered yet
    order = get_order_by_session(world.orders, sid)
    outcome = sync_session(world.orders, world.gateway, order, sid, Source.LANDING_PAGE, T0,
                           carts=world.carts)
    assert outcome.applied
    stored = world.orders.get("ord_1")
    assert stored.status == Status.PAID and stored.history[-1].source == "landing page"
    assert world.carts.lines("cart_1") == {"book": 1}
    length = len(stored.history)
    again = sync_session(world.orders, world.gateway, stored, sid, Source.LANDING_PAGE, T0)
    assert not again.applied and len(world.orders.get("ord_1").history) == length
    [late] = world.deliver(deliveries)
    assert late.outcome == "ignored"
    assert world.orders.get("ord_1").duplicate_payments == []


def test_the_landing_page_of_an_open_session_changes_nothing(world):
    sid = world.checkout().session_id
    order = world.orders.get("ord_1")
    assert sync_session(world.orders, world.gateway, order, sid, Source.LANDING_PAGE, T0) is None
    assert world.orders.get("ord_1") == order


def test_reconciling_an_awaited_payment_that_failed_unannounced_fails_the_order(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.pay_async(sid))
    lost = world.gateway.settle_async(sid, succeeded=False)  # this webhook never comes
    result = reconcile_order(world.orders, world.gateway, world.orders.get("ord_1"), T0)
    assert result.applied and result.to_status == Status.FAILED
    order = world.orders.get("ord_1")
    assert not order.awaiting_payment and order.failure.code == "async_payment_failed"
    again = reconcile_order(world.orders, world.gateway, order, T0)
    assert not again.applied and world.orders.get("ord_1").history == order.history
    [late] = world.deliver(lost)
    assert late.outcome == "ignored" and world.orders.get("ord_1").status == Status.FAILED


# -- queries and the fake repository -----------------------------------------

def test_get_order_answers_not_found_for_an_unknown_id(world):
    with pytest.raises(NotFound):
        get_order(world.orders, "ord_nope")
    with pytest.raises(NotFound):
        get_order_by_session(world.orders, "cs_nope")


def test_the_repository_hands_out_copies_so_a_forgotten_save_is_lost(world):
    world.checkout()
    order = world.orders.get("ord_1")
    order.status = Status.CANCELLED
    assert world.orders.get("ord_1").status == Status.PENDING


def test_unsettled_orders_are_pending_or_failed_oldest_first(world):
    for n in range(3):
        world.checkout([("mug", 1)], order_id=f"ord_{n}")
    world.deliver(world.gateway.pay(world.orders.get("ord_1").session_id), minutes=1)
    world.deliver(world.gateway.decline(world.orders.get("ord_2").session_id), minutes=2)
    assert [o.id for o in world.orders.unsettled()] == ["ord_0", "ord_2"]
    assert [o.id for o in world.orders.unsettled(older_than=T0 + timedelta(minutes=1))] == [
        "ord_0"]
    assert [o.id for o in world.orders.unsettled(limit=1)] == ["ord_0"]


# -- admin accounts ------------------------------------------------------------

def admins_with(name="alice", password="correct horse"):
    users, hasher = InMemoryAdminUsers(), CountingHasher()
    add_admin(users, hasher, name, password)
    return users, hasher


def test_a_name_removed_and_added_again_gets_a_new_session_nonce():
    users, hasher = admins_with()
    first = users.get("alice").session_nonce
    remove_admin(users, "alice")
    add_admin(users, hasher, "alice", "another password")
    assert first and users.get("alice").session_nonce not in (None, first)


def test_a_new_password_and_a_logout_each_give_a_new_session_nonce():
    users, hasher = admins_with()
    seen = {users.get("alice").session_nonce}
    change_password(users, hasher, "alice", "another password")
    seen.add(users.get("alice").session_nonce)
    end_sessions(users, "alice")
    seen.add(users.get("alice").session_nonce)
    assert len(seen) == 3 and None not in seen


def test_an_admin_stored_before_session_nonces_gets_one_at_the_next_login():
    users, hasher = InMemoryAdminUsers(), CountingHasher()
    # As unpickled from before nonces: the class default, None.
    users.put(AdminUser("alice", hasher.hash("correct horse")))
    assert users.get("alice").session_nonce is None
    assert authenticate(users, hasher, LoginThrottle(), "alice", "correct horse", "192.0.2.1",
                        T0) == "alice"
    assert users.get("alice").session_nonce


def test_a_password_that_is_not_text_fails_like_a_wrong_one():
    users, hasher = admins_with()
    throttle = LoginThrottle(max_failures=2)
    assert authenticate(users, hasher, throttle, "alice", object(), "192.0.2.1", T0) is None
    assert authenticate(users, hasher, throttle, "nobody", object(), "192.0.2.1", T0) is None
    # Each counted as a failure: one more locks the pair.
    authenticate(users, hasher, throttle, "alice", "wrong guess", "192.0.2.1", T0)
    assert throttle.locked_for("alice", "192.0.2.1", T0) is not None

