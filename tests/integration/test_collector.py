"""`orderflow.gc = tuned` (collector.py): after start-up, what start-up made
is frozen and full collections wait for 100 middle-generation ones."""

import json
import subprocess
import sys

import pytest

from orderflow.app import main
from orderflow.settings import ConfigurationError
from tests.conftest import app_settings

PROBE = """
import gc, json, sys
from orderflow.app import main
from tests.conftest import app_settings
before = gc.get_threshold()
main({}, **app_settings(__import__("pathlib").Path(sys.argv[1]), **{"orderflow.gc": sys.argv[2]}))
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def started_with(tmp_path, value):
    # A process of its own: the collector is process-wide state, and the
    # test process must keep Python's defaults.
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), value],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_tuned_freezes_what_start_up_made_and_spaces_full_collections(tmp_path):
    seen = started_with(tmp_path, "tuned")
    assert seen["before"] == [700, 10, 10]
    assert seen["after"] == [700, 10, 100]
    assert seen["frozen"] > 10000  # modules, the warmed connections' ghosts, ...


def test_default_leaves_the_collector_alone(tmp_path):
    seen = started_with(tmp_path, "default")
    assert seen["after"] == [700, 10, 10] and seen["frozen"] == 0


def test_the_inis_run_tuned():
    for ini in ("development.ini", "production.ini"):
        with open(ini) as text:
            assert "\norderflow.gc = tuned\n" in text.read()


@pytest.mark.parametrize("value", ["on", "TUNED", ""])
def test_a_bad_value_stops_start_up_naming_the_setting(tmp_path, value):
    with pytest.raises(ConfigurationError, match=r"orderflow\.gc"):
        main({}, **app_settings(tmp_path, **{"orderflow.gc": value}))
