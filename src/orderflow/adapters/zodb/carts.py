"""ZodbCarts: cart id -> CartRecord in the root's `carts` OOBTree."""

from datetime import datetime, timezone
from itertools import islice

from persistent import Persistent

from ...domain.cart import Cart
from ...ports.repositories import Carts


class CartRecord(Persistent):
    """One browser's cart. `lines` is a plain dict, always replaced whole."""

    def __init__(self, lines, updated_at):
        self.lines = dict(lines)
        self.updated_at = updated_at


class ZodbCarts(Carts):
    def __init__(self, root, clock=lambda: datetime.now(timezone.utc)):
        self.root = root
        self.clock = clock

    def lines(self, cart_id):
        record = self.root.carts.get(cart_id) if isinstance(cart_id, str) else None
        return dict(record.lines) if record is not None else {}

    def put(self, cart_id, lines):
        record = self.root.carts.get(cart_id)
        if record is None:
            # A browser that never added anything leaves nothing stored.
            if lines:
                self.root.carts[cart_id] = CartRecord(lines, self.clock())
            return
        if record.lines != dict(lines):
            record.lines = dict(lines)
            record.updated_at = self.clock()

    def remove_lines(self, cart_id, items):
        if not isinstance(cart_id, str) or cart_id not in self.root.carts:
            return
        cart = Cart(self.lines(cart_id))
        cart.remove_ordered(items)
        self.put(cart_id, cart.lines)

    def keep(self, cart_id):
        record = self.root.carts.get(cart_id) if isinstance(cart_id, str) else None
        if record is not None:
            record.updated_at = self.clock()

    def remove_stale(self, before, limit, after=None):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        carts = self.root.carts
        walk = carts.items() if after is None else carts.items(min=after, excludemin=True)
        # One more than the batch: whether anything is left after it.
        batch = list(islice(walk, limit + 1))
        more = len(batch) > limit
        batch = batch[:limit]
        stale = [(cart_id, record) for cart_id, record in batch if record.updated_at < before]
        for cart_id, record in stale:
            if record._p_jar is not None:
                # A request that refreshes this cart while we prune it writes
                # the record only, not the tree: without this our commit would
                # succeed and delete a cart in use. With it, it conflicts, and
                # the retry sees the new updated_at.
                record._p_jar.readCurrent(record)
            del carts[cart_id]
        return len(stale), (batch[-1][0] if more else None)
