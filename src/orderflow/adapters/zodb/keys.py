"""Index entries as single strings.

ZODB pickles a BTree bucket entry by entry and calls its Python
`persistent_id` hook once for every object in it: a (status, time, id) tuple
is four calls, the string "status time id" is one. A webhook rewrites about
five index buckets of about a hundred entries each, so the shape of the keys
was the largest single cost of a webhook (docs/performance.md).

A key is its parts joined by one space. Statuses, times and our ids never
contain a space; a part that comes from outside (an event id) is always the
last, so `split(key, n)` gives it back whole. Times are mostly written
newest first: the complement of microseconds since the epoch, zero-padded,
so that ascending string order is descending time; an index walked oldest
first (`unsettled`) writes the microseconds themselves.
"""

from datetime import datetime, timedelta, timezone

SEP = " "
# Microseconds: 17 digits last until the year 5138.
SPAN = 10**17
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


def micros(moment):
    return (moment - EPOCH) // MICROSECOND


def newest_first(moment):
    """The time part of a key: later moments sort first."""
    return f"{SPAN - micros(moment):017d}"


def oldest_first(moment):
    """The time part of a key: earlier moments sort first."""
    return f"{micros(moment):017d}"


def moment_of(part):
    """The moment a time part was made from."""
    return EPOCH + (SPAN - int(part)) * MICROSECOND


def join(*parts):
    return SEP.join(parts)


def split(key, parts):
    return key.split(SEP, parts - 1)


def prefix_range(*parts):
    """(min, max) of every key that starts with these parts."""
    prefix = join(*parts) + SEP
    # "!" is the character after the space: no key with the prefix reaches it.
    return prefix, prefix[:-1] + "!"
