"""The AuditLog port, over the fake and the ZODB adapter."""

from datetime import timedelta

from orderflow.ports.audit import AuditEntry

from .builders import T0


def entry(minutes, admin="alice", action="order.cancel", what="ord_1", note=""):
    return AuditEntry(T0 + timedelta(minutes=minutes), admin, action, what, note)


def walk(audit, limit):
    pages, cursor = [], None
    while True:
        page = audit.page(cursor=cursor, limit=limit)
        pages.append(page.items)
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_an_entry_reads_back_whole(world):
    world.audit.append(entry(1, "bob", "order.refund", "ord_9", "EUR 12.50 — “café”"))
    world.commit()
    assert world.audit.page().items == [entry(1, "bob", "order.refund", "ord_9",
                                              "EUR 12.50 — “café”")]


def test_entries_come_newest_first_whatever_order_they_were_added(world):
    for minutes in (3, 1, 7, 5):
        world.audit.append(entry(minutes, what=f"ord_{minutes}"))
    world.commit()
    assert [e.what for e in world.audit.page().items] == ["ord_7", "ord_5", "ord_3", "ord_1"]


def test_two_entries_of_one_moment_are_both_kept(world):
    world.audit.append(entry(1, what="ord_a"))
    world.audit.append(entry(1, what="ord_b"))
    world.commit()
    assert sorted(e.what for e in world.audit.page().items) == ["ord_a", "ord_b"]


def test_pages_are_bounded_and_walking_them_gives_every_entry_once(world):
    for minutes in range(12):
        world.audit.append(entry(minutes, what=f"ord_{minutes:02d}"))
    world.commit()
    pages = walk(world.audit, limit=5)
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [e.what for p in pages for e in p] == [f"ord_{m:02d}" for m in reversed(range(12))]


def test_an_empty_log_has_one_empty_last_page(world):
    page = world.audit.page()
    assert page.items == [] and page.next_cursor is None
