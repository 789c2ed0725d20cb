"""Console scripts (SPEC §7): each takes the ini file first and commits
through an explicit transaction manager, retrying on ZODB conflicts."""
