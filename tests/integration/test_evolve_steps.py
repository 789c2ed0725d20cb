"""Evolve steps run one by one, each committed with the version it reached."""

import subprocess
import sys

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.evolve import (
    SCHEMA_VERSION, STEPS, NewerDatabase, bootstrap, due, evolve,
)
from orderflow.adapters.zodb.root import app_root
from tests.integration.test_scripts import write_ini

BIN = sys.executable.rsplit("/", 1)[0]


def step(name):
    def run(root):
        root.trail = getattr(root, "trail", ()) + (name,)
    run.__name__ = name
    return run


def broken(root):
    root.trail += ("broken",)
    raise RuntimeError("this step is broken")


def read(path, what):
    """what(root) on a freshly opened copy of the database at `path`."""
    db = DB(FileStorage(str(path)))
    try:
        tm = transaction.TransactionManager()
        connection = db.open(transaction_manager=tm)
        try:
            return what(app_root(connection))
        finally:
            tm.abort()
            connection.close()
    finally:
        db.close()


def notes(path):
    storage = FileStorage(str(path), read_only=True)
    try:
        return [t.description.decode() for t in storage.iterator()]
    finally:
        storage.close()


@pytest.fixture
def version_1(tmp_path):
    """A database whose root is at version 1 (a release with no steps made it)."""
    path = tmp_path / "Data.fs"
    db = DB(FileStorage(str(path)))
    bootstrap(db, steps=())
    db.close()
    return path


def test_each_step_is_committed_on_its_own_with_the_version_it_reached(version_1):
    db = DB(FileStorage(str(version_1)))
    try:
        assert evolve(db, steps=(step("one"), step("two"))) == [1, 2]
    finally:
        db.close()
    assert notes(version_1)[-2:] == ["orderflow evolve 1 -> 2: one",
                                     "orderflow evolve 2 -> 3: two"]
    assert read(version_1, lambda root: (root.schema_version, root.trail)) == (
        3, ("one", "two"))


def test_a_failing_step_leaves_the_steps_before_it_committed_and_recorded(version_1):
    db = DB(FileStorage(str(version_1)))
    try:
        with pytest.raises(RuntimeError, match="broken"):
            evolve(db, steps=(step("one"), step("two"), broken, step("four")))
    finally:
        db.close()
    assert read(version_1, lambda root: (root.schema_version, root.trail)) == (
        3, ("one", "two"))
    db = DB(FileStorage(str(version_1)))
    try:
        # The next run starts at the step that failed, now mended.
        fixed = (step("one"), step("two"), step("three"), step("four"))
        assert evolve(db, steps=fixed) == [3, 4]
    finally:
        db.close()
    assert read(version_1, lambda root: root.trail) == ("one", "two", "three", "four")


def test_steps_due_are_listed_without_writing(version_1):
    before = notes(version_1)
    db = DB(FileStorage(str(version_1)))
    try:
        steps = (step("one"), step("two"))
        assert due(db, steps) == (1, [(1, steps[0]), (2, steps[1])])
        evolve(db, steps)
        assert due(db, steps) == (3, [])
    finally:
        db.close()
    assert len(notes(version_1)) == len(before) + 2


def test_a_new_database_is_made_at_the_current_version_with_no_step(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        assert due(db) == (None, [])
        assert bootstrap(db) == []
        assert due(db) == (SCHEMA_VERSION, [])
    finally:
        db.close()
    assert SCHEMA_VERSION == len(STEPS) + 1


def test_a_database_of_a_newer_release_is_refused(version_1):
    db = DB(FileStorage(str(version_1)))
    try:
        evolve(db, steps=(step("one"), step("two")))
        with pytest.raises(NewerDatabase, match="schema version 3"):
            bootstrap(db, steps=(step("one"),))
    finally:
        db.close()


def evolve_script(*args):
    return subprocess.run([f"{BIN}/orderflow-evolve", *args], text=True,
                          capture_output=True, timeout=120)


def test_the_evolve_script_lists_the_steps_due_then_runs_them(tmp_path):
    ini = write_ini(tmp_path)
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    bootstrap(db)
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    with tm:
        app_root(connection).schema_version = SCHEMA_VERSION - 1
    connection.close()
    db.close()
    listed = evolve_script(ini, "--dry-run")
    assert listed.returncode == 0, listed.stderr
    last = STEPS[-1].__name__
    assert f"{SCHEMA_VERSION - 1} -> {SCHEMA_VERSION} {last}" in listed.stdout
    assert read(tmp_path / "Data.fs", lambda root: root.schema_version) == SCHEMA_VERSION - 1
    ran = evolve_script(ini)
    assert ran.returncode == 0, ran.stderr
    assert f"from schema version {SCHEMA_VERSION - 1} to {SCHEMA_VERSION}" in ran.stdout
    assert read(tmp_path / "Data.fs", lambda root: root.schema_version) == SCHEMA_VERSION
    again = evolve_script(ini, "--dry-run")
    assert "nothing to do" in again.stdout
