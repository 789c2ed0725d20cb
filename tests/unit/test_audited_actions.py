"""Admin actions through services/audit.py: each leaves an audit entry with
the admin's name, and an order's history names them too."""

from dataclasses import replace

import pytest

from orderflow.domain.errors import Refused
from orderflow.services import audit
from orderflow.services.audit import AuditAction

from .fakes import InMemoryAuditLog
from .test_services import MUG, T0, World


@pytest.fixture
def world():
    made = World()
    made.audit = InMemoryAuditLog()
    return made


def test_a_refund_is_audited_and_its_history_line_names_the_admin(world):
    started = world.checkout()
    world.deliver(world.gateway.pay(started.session_id))
    audit.refund(world.orders, world.gateway, world.audit, "ord_1", 1250, "duplicate",
                 "alice", T0)
    [entry] = world.audit.entries
    assert (entry.admin, entry.action, entry.what) == ("alice", AuditAction.REFUND, "ord_1")
    assert "1250 eur" in entry.note and "duplicate" in entry.note
    assert world.orders.get("ord_1").history[-1].actor == "alice"


def test_a_refused_refund_leaves_no_audit_entry(world):
    started = world.checkout()
    world.deliver(world.gateway.pay(started.session_id))
    total = world.orders.get("ord_1").total
    with pytest.raises(Refused):
        audit.refund(world.orders, world.gateway, world.audit, "ord_1", total + 1,
                     "duplicate", "alice", T0)
    assert world.audit.entries == []


def test_a_cancel_names_the_admin_in_the_order_and_the_log(world):
    world.checkout()
    result = audit.cancel(world.orders, world.gateway, world.audit, "ord_1", "bob", T0)
    assert result.cancelled
    assert world.orders.get("ord_1").history[-1].actor == "bob"
    [entry] = world.audit.entries
    assert (entry.admin, entry.action, entry.note) == ("bob", AuditAction.CANCEL, "cancelled")


def test_a_refused_cancel_is_audited_as_refused(world):
    started = world.checkout()
    world.deliver(world.gateway.pay(started.session_id))
    audit.cancel(world.orders, world.gateway, world.audit, "ord_1", "bob", T0)
    assert world.audit.entries[0].note.startswith("not cancelled: ")


def test_a_check_with_the_gateway_leaves_a_history_line_and_an_entry(world):
    started = world.checkout()
    world.gateway.pay(started.session_id)  # its webhook lost
    result = audit.check_with_gateway(world.orders, world.gateway, world.audit, "ord_1",
                                      "carol", T0)
    assert result.applied
    last = world.orders.get("ord_1").history[-1]
    assert last.actor == "carol" and not last.applied
    assert world.audit.entries[0].note == "pending → paid"


def test_product_changes_are_recorded_with_their_action_and_new_state(world):
    audit.product_changed(world.audit, replace(MUG, title="Big mug"), "dan", T0,
                          AuditAction.PRODUCT_EDIT)
    audit.product_changed(world.audit, replace(MUG, active=False), "dan", T0,
                          AuditAction.PRODUCT_DEACTIVATE)
    assert [(e.action, e.what) for e in world.audit.entries] == [
        (AuditAction.PRODUCT_EDIT, MUG.id), (AuditAction.PRODUCT_DEACTIVATE, MUG.id)]
    assert "Big mug" in world.audit.entries[0].note


def test_an_action_without_a_use_case_here_is_recorded_as_given(world):
    audit.record(world.audit, T0, "erin", AuditAction.APPLY_AGAIN, "evt_1", "applied")
    assert world.audit.page().items[0].action == "event.apply_again"


def test_a_history_entry_stored_before_actors_reads_as_nobody(world):
    import pickle

    world.checkout()
    entry = world.orders.get("ord_1").history[-1]
    # What a pickle of the old class holds: every field but `actor`.
    old = entry.__class__.__new__(entry.__class__)
    state = {k: v for k, v in vars(entry).items() if k != "actor"}
    old.__dict__.update(state)
    loaded = pickle.loads(pickle.dumps(old))
    assert loaded.actor is None and loaded.note == entry.note
