"""schemathesis fuzzes the app served by waitress with /api/openapi.json (SPEC §12).

Derandomized (schemathesis's deterministic generation, so no seed to keep)
and bounded by the number of cases per operation: it adds well under a
minute to `make test` and finds the same things on every run. Valid and invalid input alike: no answer may be a 5xx, and every
answer must be one the description documents (status, content type, body,
headers).
"""

import json
import os
from pathlib import Path
import re
import subprocess
import sys

import pytest

from orderflow.adapters.web.openapi import DOCUMENT
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from tests.conftest import app_settings
from tests.serving import Served

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
CASES_PER_OPERATION = 40


@pytest.fixture
def served(tmp_path):
    app = main({}, **app_settings(tmp_path))
    server = Served(app, threads=4)
    yield server.origin
    server.stop()
    database(app.registry).close()


def test_schemathesis_finds_no_server_error_and_no_answer_the_description_does_not_document(
        served, tmp_path):
    description = tmp_path / "openapi.json"
    description.write_bytes(DOCUMENT)
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", str(description), "--url", served,
         "--checks", CHECKS, "--mode", "all",
         "--max-examples", str(CASES_PER_OPERATION), "--generation-deterministic",
         "--workers", "1", "--request-timeout", "30", "--no-color"],
        # The hooks sign the positive webhook cases (tests/schemathesis_hooks.py).
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
             "PYTHONPATH": str(ROOT)},
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    report = run.stdout[-20000:] + run.stderr[-5000:]
    assert run.returncode == 0, report
    # Not vacuous: every operation of the description was tested.
    operations = sum(len(methods) for methods in json.loads(DOCUMENT)["paths"].values())
    tested = re.search(r"Operations:\s+(\d+) selected / (\d+) total", run.stdout)
    assert tested and tested.groups() == (str(operations), str(operations)), report
