"""What every console script shares: the app from the ini, and transactions."""

import argparse
import sys

import transaction

from ...ports import PaymentGateway
from ..web.services import process_service
from ..zodb.root import app_root, retrying
from ..zodb.services import database


class ScriptEnv:
    """The application's registry and database, with an explicit transaction
    manager of the script's own (the same discipline as a request)."""

    def __init__(self, registry, closer=None):
        self.registry = registry
        self.db = database(registry)
        self.tm = transaction.TransactionManager(explicit=True)
        self.connection = self.db.open(transaction_manager=self.tm)
        self._closer = closer

    @classmethod
    def from_ini(cls, ini):
        # Imported here: --help must not need an app.
        from pyramid.paster import bootstrap, setup_logging

        from zc.lockfile import LockError

        from ...settings import ConfigurationError

        setup_logging(ini)
        try:
            # A script's app sends no mail in the background: the script would
            # end mid-send (orderflow-mail INI send sends, in the foreground).
            env = bootstrap(ini, options={"orderflow.console": "true"})
        except ConfigurationError as error:
            sys.exit(f"error: {error}")
        except LockError:
            sys.exit("error: the database is in use by another process (a FileStorage "
                     "opens in one process only): stop the running app first, or serve "
                     "the database with ZEO (docs/deployment.md)")
        return cls(env["registry"], env["closer"])

    @property
    def gateway(self):
        return process_service(self.registry, PaymentGateway)

    def run(self, work, attempts=5):
        """`work(root)` in one transaction, re-run on a conflict; its result."""
        return retrying(self.tm, lambda: work(app_root(self.connection)), attempts)

    def close(self):
        self.connection.close()
        if self._closer is not None:
            self._closer()
            # Closing saves the FileStorage index; without it the next start
            # re-reads every transaction written since the last save.
            self.db.close()


def parser(description):
    parsed = argparse.ArgumentParser(description=description)
    parsed.add_argument("ini", help="the app's ini file, e.g. development.ini")
    return parsed


def open_env(ini, env):
    """The given env (tests run a script against an app already open), or a new one."""
    return (env, False) if env is not None else (ScriptEnv.from_ini(ini), True)


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    return 1
