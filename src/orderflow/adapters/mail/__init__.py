"""Mail: the outbox in ZODB, its rendering, SMTP sending and the sender loop."""
