"""ZODB adapters: persistent records in BTrees under one application root."""
