"""`make run` installs what running needs; `make test` everything (issue 13, 10)."""

import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def planned(target, venv):
    """The commands `make` would run on a fresh clone (no .venv yet)."""
    if shutil.which("make") is None:
        pytest.fail("make is needed: the README's two commands are make targets")
    answer = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr
    return [line for line in answer.stdout.splitlines() if "pip install" in line]


def test_make_run_installs_only_the_runtime_packages(tmp_path):
    installs = planned("run", tmp_path / "venv")
    assert installs == [f"{tmp_path}/venv/bin/pip install --quiet -e ."]


def test_make_test_installs_the_test_extras_too(tmp_path):
    installs = planned("test", tmp_path / "venv")
    assert installs == [f"{tmp_path}/venv/bin/pip install --quiet -e '.[test]'"]


def test_the_test_extras_are_not_runtime_requirements():
    setup = (ROOT / "setup.cfg").read_text()
    runtime = setup.split("install_requires =", 1)[1].split("\n\n", 1)[0]
    for package in ("playwright", "RelStorage", "psycopg2", "pytest", "axe-playwright"):
        assert package not in runtime
    assert "babel" in runtime
