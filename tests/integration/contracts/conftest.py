"""Every storage port, twice: the in-memory fake and the ZODB adapter.

Each contract test takes `world` and runs once per implementation
(worlds.py), so the fakes the unit tests rely on cannot drift from the
adapters.
"""

import pytest

from .worlds import MemoryWorld, ZodbWorld


@pytest.fixture(params=["memory", "zodb"])
def world(request, tmp_path):
    made = MemoryWorld() if request.param == "memory" else ZodbWorld(tmp_path)
    yield made
    made.close()
