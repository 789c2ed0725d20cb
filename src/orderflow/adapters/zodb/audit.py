"""The audit log in the ZODB: `root.audit`, an IndexTree keyed by time.

Key "time nonce" (keys.py: newest first, so a page is a walk from the
start or from the cursor, never a scan); value a plain tuple
(admin, action, what, note), so that no class of ours is stored and the
entry's shape can change without an evolve step. The nonce keeps two
entries of one microsecond apart.
"""

import secrets

from ...ports.audit import AuditEntry, AuditLog
from ...ports.listings import Page
from .keys import join, moment_of, newest_first, split


class ZodbAuditLog(AuditLog):
    def __init__(self, root):
        self.root = root

    def append(self, entry):
        key = join(newest_first(entry.at), secrets.token_hex(4))
        self.root.audit[key] = (entry.admin, entry.action, entry.what, entry.note)

    def page(self, cursor=None, limit=50):
        tree = self.root.audit
        # Any text is a harmless bound: a tampered cursor only moves the page.
        keys = tree.keys(min=cursor, excludemin=True) if cursor else tree.keys()
        rows, last = [], None
        for key in keys:
            if len(rows) == limit:
                return Page(rows, last)
            admin, action, what, note = tree[key]
            rows.append(AuditEntry(moment_of(split(key, 2)[0]), admin, action, what, note))
            last = key
        return Page(rows, None)
