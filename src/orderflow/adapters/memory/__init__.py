"""Adapters that keep their state in the memory of the process."""
