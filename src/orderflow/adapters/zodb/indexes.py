"""BTree classes for the application's indexes, with larger buckets.

Every change to a BTree bucket declares the tree's interior node as read
(`readCurrent`), and a bucket split or removal rewrites that node: each one
makes every transaction that touched the same tree at the same moment fail
with a (read) conflict and be retried. Webhooks insert into several indexes
at once, often at the same end (newest first), so the default buckets (30
keys) split every ~15 inserts and concurrent webhooks kept retrying. Buckets
of 128 keys split four times less often, for a few kilobytes more written
per change. The class is part of the stored schema: keep this module path.
"""

from BTrees.OOBTree import OOBTree, OOTreeSet


class IndexTree(OOBTree):
    max_leaf_size = 128
    max_internal_size = 500


class IndexSet(OOTreeSet):
    max_leaf_size = 128
    max_internal_size = 500
