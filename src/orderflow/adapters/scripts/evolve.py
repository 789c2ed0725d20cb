"""orderflow-evolve INI [--dry-run]

Brings the database up to this release's schema version: the evolve steps
of adapters/zodb/evolve.py, each committed on its own together with the
version it reached, so an interrupted run resumes at the step that failed.
The app runs the same steps at start-up; this script runs them without
starting the app (before starting a new release's processes on a shared
ZEO server, say), or with --dry-run only lists the steps due.
"""

import sys

from ..zodb.evolve import SCHEMA_VERSION, bootstrap, due
from .common import fail, parser


def open_database(ini):
    """The database of the ini's `zodbconn.uri` (the environment's if set),
    opened as the app opens it, without the app's start-up."""
    from pyramid.paster import get_appsettings, setup_logging
    from pyramid_zodbconn import db_from_uri

    from ...app import make_storage_directory
    from ...settings import resolve

    setup_logging(ini)
    settings = resolve(dict(get_appsettings(ini)))
    make_storage_directory(settings["zodbconn.uri"])
    return db_from_uri(settings["zodbconn.uri"], "unnamed", {})


def main(argv=None):
    args = parser("Run the database's evolve steps due (or list them).")
    args.add_argument("--dry-run", action="store_true",
                      help="list the steps due and change nothing")
    options = args.parse_args(argv)
    from zc.lockfile import LockError

    from ...settings import ConfigurationError

    try:
        db = open_database(options.ini)
    except ConfigurationError as error:
        return fail(str(error))
    except LockError:
        return fail("the database is in use by another process (a FileStorage opens "
                    "in one process only): stop the app first, or serve the database "
                    "with ZEO (docs/deployment.md)")
    try:
        version, steps = due(db)
        if options.dry_run:
            report(version, steps)
            return 0
        for version in bootstrap(db):
            print(f"evolved from schema version {version} to {version + 1}")
        print(f"the database is at schema version {SCHEMA_VERSION}")
        return 0
    finally:
        # Closing saves the FileStorage index for the next start.
        db.close()


def report(version, steps):
    if version is None:
        print(f"no application root yet: the first start makes one at schema "
              f"version {SCHEMA_VERSION}")
    elif not steps:
        print(f"the database is at schema version {version}: nothing to do")
    else:
        print(f"the database is at schema version {version}; steps due:")
        for number, step in steps:
            summary = (step.__doc__ or "").strip().splitlines()[0]
            print(f"  {number} -> {number + 1} {step.__name__}: {summary}")


def run():
    sys.exit(main())
