"""The OrderListing and EventListing contracts, over the in-memory fakes and ZODB."""

from dataclasses import replace

from orderflow.domain.order import Status
from orderflow.ports.repositories import EventRecord

from .builders import at, cancel, new_order, pay


def ids(items):
    return [getattr(item, "id", None) or item.event_id for item in items]


def every_page(fetch, limit):
    """Follow the cursors; the ids of each page."""
    pages, cursor = [], None
    while True:
        page = fetch(cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        pages.append(ids(page.items))
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def shop(world):
    """Five orders made a minute apart: ord_1 oldest, two paid, one cancelled."""
    for n in range(1, 6):
        email = "Ann@Example.com" if n % 2 else "bob@example.com"
        world.orders.add(new_order(f"ord_{n}", n, email=email, session_id=f"cs_{n}"))
    world.commit()
    for order_id, change in (("ord_2", pay), ("ord_4", pay), ("ord_3", cancel)):
        order = world.orders.get(order_id)
        change(order, 10)
        world.orders.save(order)
    world.commit()


def test_orders_page_newest_first_and_every_cursor_leads_on(world):
    shop(world)
    assert every_page(world.order_listing.page, 2) == [
        ["ord_5", "ord_4"], ["ord_3", "ord_2"], ["ord_1"]]


def test_orders_of_one_status_page_on_their_own(world):
    shop(world)
    assert every_page(lambda **kw: world.order_listing.page(status=Status.PENDING, **kw),
                      1) == [["ord_5"], ["ord_1"]]
    assert ids(world.order_listing.page(status=Status.PAID).items) == ["ord_4", "ord_2"]
    assert world.order_listing.page(status=Status.REFUNDED).items == []


def test_orders_made_after_a_page_was_shown_do_not_shift_the_next_page(world):
    shop(world)
    first = world.order_listing.page(limit=2)
    world.orders.add(new_order("ord_6", 6))
    world.commit()
    assert ids(world.order_listing.page(cursor=first.next_cursor, limit=2).items) == [
        "ord_3", "ord_2"]


def test_a_cursor_made_up_by_hand_only_moves_the_page(world):
    shop(world)
    for cursor in ("zzz", "0", "not a cursor at all"):
        page = world.order_listing.page(cursor=cursor)
        assert set(ids(page.items)) <= {"ord_1", "ord_2", "ord_3", "ord_4", "ord_5"}


def test_status_counts_name_every_status(world):
    shop(world)
    counts = world.order_listing.status_counts()
    assert set(counts) == set(Status.ALL)
    assert (counts[Status.PENDING], counts[Status.PAID], counts[Status.CANCELLED],
            counts[Status.REFUNDED]) == (2, 2, 1, 0)


def test_search_finds_an_order_by_id_session_or_payment_intent(world):
    shop(world)
    for term in ("ord_3", "cs_3", " cs_3 "):
        assert ids(world.order_listing.search(term).items) == ["ord_3"]
    assert ids(world.order_listing.search("pi_ord_4").items) == ["ord_4"]
    assert world.order_listing.search("nothing like it").items == []
    assert world.order_listing.search("  ").items == []


def test_search_by_email_ignores_case_and_pages_to_the_oldest_order(world):
    shop(world)
    assert every_page(lambda **kw: world.order_listing.search("ann@EXAMPLE.com", **kw),
                      2) == [["ord_5", "ord_3"], ["ord_1"]]


def test_search_by_the_id_of_an_order_of_that_email_shows_it_once(world):
    shop(world)
    world.orders.add(new_order("bob@example.com", 7, email="carl@example.com"))
    world.commit()
    assert ids(world.order_listing.search("bob@example.com").items) == [
        "bob@example.com", "ord_4", "ord_2"]


def log(world):
    """Four events a minute apart (evt_1 oldest)."""
    for n, (type_, outcome) in enumerate((
            ("checkout.session.completed", "applied"), ("charge.refunded", "unmatched"),
            ("customer.created", "ignored"), ("checkout.session.completed", "applied")),
            start=1):
        world.events.record(EventRecord(f"evt_{n}", type_, outcome, None, at(n), ""))
    world.commit()


def test_events_page_newest_first(world):
    log(world)
    assert every_page(world.event_listing.page, 3) == [["evt_4", "evt_3", "evt_2"], ["evt_1"]]


def test_events_filter_by_outcome_and_type(world):
    log(world)
    assert ids(world.event_listing.page(outcome="applied").items) == ["evt_4", "evt_1"]
    assert ids(world.event_listing.page(type="charge.refunded").items) == ["evt_2"]
    assert ids(world.event_listing.page(outcome="applied",
                                        type="customer.created").items) == []


def test_a_stream_gives_every_order_of_the_listing_once_across_batches(world):
    shop(world)
    assert ids(world.order_listing.stream(batch=2)) == ["ord_5", "ord_4", "ord_3", "ord_2",
                                                        "ord_1"]
    assert ids(world.order_listing.stream(status=Status.PAID, batch=1)) == ["ord_4", "ord_2"]


def test_a_stream_of_a_search_gives_an_order_found_by_id_and_by_email_once(world):
    shop(world)
    # The oldest of bob's orders, so the email's last page lists it again.
    world.orders.add(new_order("bob@example.com", 0, email="bob@example.com"))
    world.commit()
    # The first page: the order found by id, and the email's first order.
    assert ids(world.order_listing.stream(query="bob@example.com", batch=1)) == [
        "ord_4", "bob@example.com", "ord_2"]


def test_a_stream_closed_early_can_be_closed_again_and_the_listing_still_works(world):
    shop(world)
    stream = world.order_listing.stream(batch=2)
    assert next(stream).id == "ord_5"
    stream.close()
    stream.close()
    assert len(ids(world.order_listing.page().items)) == 5


def test_recent_events_are_counted_from_the_moment_given_with_their_outcome_now(world):
    from datetime import timedelta
    for n, (minutes, outcome) in enumerate([(-90, "applied"), (-36, "unmatched"),
                                            (-35, "unmatched"), (-20, "applied"),
                                            (5, "ignored"), (30, "applied")]):
        world.events.record(EventRecord(f"evt_{n}", "checkout.session.completed", outcome, None,
                                        at(minutes)))
    world.commit()
    # Since 11:25: the event at 11:25 is in, the one a minute before is not,
    # though both are in the same hour.
    recent = world.event_listing.recent(at(-35))
    assert recent.counted_from == at(-35)
    assert recent.counts == {"applied": 2, "unmatched": 1, "ignored": 1}
    assert recent.last_received_at == at(30)
    assert world.event_listing.recent(at(-60)).counts == {
        "applied": 2, "unmatched": 2, "ignored": 1}
    # Applied again: the event now counts under its new outcome.
    world.events.amend(replace(world.events.get("evt_2"), outcome="applied", note="again"))
    world.commit()
    assert world.event_listing.recent(at(-35)).counts == {"applied": 3, "ignored": 1}
    assert world.event_listing.recent(at(0) + timedelta(hours=2)).counts == {}


def test_recent_events_with_none_yet(world):
    recent = world.event_listing.recent(at(0))
    assert (recent.last_received_at, recent.counts) == (None, {})
