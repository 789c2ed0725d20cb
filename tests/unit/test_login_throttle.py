"""The admin login throttle: per name and client address, never per name alone."""

from datetime import datetime, timedelta, timezone

import pytest

from orderflow.services.admins import (
    LOCK_FOR, MAX_FAILURES, LoginThrottle, TooManyFailures, add_admin, authenticate,
)

from .fakes import CountingHasher, InMemoryAdminUsers

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
STRANGER = "203.0.113.66"
ADMIN_HOME = "198.51.100.7"
PASSWORD = "correct horse"


@pytest.fixture
def login():
    users, hasher, throttle = InMemoryAdminUsers(), CountingHasher(), LoginThrottle()
    add_admin(users, hasher, "alice", PASSWORD)

    def attempt(name, password, address, now=T0):
        return authenticate(users, hasher, throttle, name, password, address, now)

    attempt.hasher, attempt.throttle = hasher, throttle
    return attempt


def fail_until_locked(login, name, address, now=T0):
    for _ in range(MAX_FAILURES):
        assert login(name, "wrong guess", address, now) is None


def test_a_stranger_failing_the_admins_password_does_not_lock_the_admin_out(login):
    fail_until_locked(login, "alice", STRANGER)
    with pytest.raises(TooManyFailures):
        login("alice", "wrong guess", STRANGER)
    assert login("alice", PASSWORD, ADMIN_HOME) == "alice"


def test_a_locked_pair_is_refused_even_the_right_password_and_told_how_long(login):
    fail_until_locked(login, "alice", STRANGER)
    with pytest.raises(TooManyFailures) as refused:
        login("alice", PASSWORD, STRANGER, T0 + timedelta(minutes=1))
    assert refused.value.retry_after == LOCK_FOR - timedelta(minutes=1)


def test_a_locked_pair_costs_no_password_check(login):
    fail_until_locked(login, "alice", STRANGER)
    fail_until_locked(login, "nobody", STRANGER)
    before = login.hasher.verified
    for name in ("alice", "nobody"):
        with pytest.raises(TooManyFailures):
            login(name, PASSWORD, STRANGER)
    assert login.hasher.verified == before


def test_an_unknown_name_is_locked_like_a_known_one(login):
    # Otherwise the lockout would tell which names exist.
    fail_until_locked(login, "nobody", STRANGER)
    with pytest.raises(TooManyFailures):
        login("nobody", "anything", STRANGER)


def test_the_lock_ends_after_its_time(login):
    fail_until_locked(login, "alice", STRANGER)
    assert login("alice", PASSWORD, STRANGER, T0 + LOCK_FOR) == "alice"


def test_a_success_clears_the_count_of_its_pair(login):
    for _ in range(MAX_FAILURES - 1):
        login("alice", "wrong guess", ADMIN_HOME)
    assert login("alice", PASSWORD, ADMIN_HOME) == "alice"
    for _ in range(MAX_FAILURES - 1):
        login("alice", "wrong guess", ADMIN_HOME)
    assert login("alice", PASSWORD, ADMIN_HOME) == "alice"


def test_failures_after_a_lock_ended_start_a_new_count(login):
    fail_until_locked(login, "alice", STRANGER)
    later = T0 + LOCK_FOR
    assert login("alice", "wrong guess", STRANGER, later) is None
    assert login.throttle.locked_for("alice", STRANGER, later) is None


def test_the_throttle_remembers_a_bounded_number_of_pairs():
    throttle = LoginThrottle(max_failures=1, capacity=3)
    for n in range(10):
        throttle.failed(f"name{n}", STRANGER, T0)
    assert throttle.locked_for("name9", STRANGER, T0) is not None
    assert throttle.locked_for("name0", STRANGER, T0) is None
    assert len(throttle) == 3


def test_a_huge_name_is_not_kept_whole():
    throttle = LoginThrottle(max_failures=1)
    throttle.failed("x" * 1_000_000, STRANGER, T0)
    assert all(len(name) <= 101 for name, _ in throttle._pairs)
    assert throttle.locked_for("x" * 1_000_000, STRANGER, T0) is not None
