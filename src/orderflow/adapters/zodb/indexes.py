"""BTree classes for the application's indexes, with bucket sizes chosen
for how each kind is used.

IndexSet holds the time-ordered indexes ("time ..." keys, newest first:
`by_status`, `by_created`, `unsettled`, ...). Every insert lands at the
same end, and every bucket split there rewrites the tree's interior node,
which makes every transaction that inserted into the same tree at the same
moment fail with a (read) conflict and be retried. The default buckets (30
keys) split every ~15 inserts and concurrent webhooks kept retrying;
128-key buckets split four times less often.

IndexTree holds the indexes keyed by random ids (`orders`, `by_session`,
`by_intent`, `events`, `carts`). Inserts spread over all buckets, so splits
rarely meet a concurrent insert; what matters is the lookup of one id in a
large history, which loads one bucket cold: unpickling it costs in
proportion to its size (a cold `by_session` lookup at 100,000 orders:
0.52 ms with 128-key buckets, 0.36 ms with 64, 0.21 ms with 32). Smaller
buckets mean more of them, and start-up warming (warm.py) keeps a ghost of
every bucket in each warmed connection: with 32 the app's RSS at a million
orders was 357 MB against 200 MB with 128, so 64 (docs/performance.md).
Buckets written before this size was chosen split down to it as they
receive inserts.

`events_by_time` is time-ordered but an IndexTree: each entry refers to
its payload record, pickling a bucket costs a Python call per reference,
and a webhook's newest bucket of 64 entries cost it about half what 128
did (docs/performance.md, "Raw events").

The classes are part of the stored schema: keep this module path.
"""

from BTrees.OOBTree import OOBTree, OOTreeSet


class IndexTree(OOBTree):
    max_leaf_size = 64
    max_internal_size = 500


class IndexSet(OOTreeSet):
    max_leaf_size = 128
    max_internal_size = 500
