"""A throwaway PostgreSQL server for the RelStorage tests.

Debian's PostgreSQL (`make test` installs it when initdb is missing): a new
cluster in a temporary directory, listening on a free port of 127.0.0.1
only (its Unix socket in that directory), with trust authentication for the
one local user the cluster is made for. PostgreSQL refuses to run as root,
so a test run as root starts it as the `postgres` user that Debian's
package creates (`nobody` where there is none), and the directory belongs
to that user. Durability is off (fsync): the cluster is deleted after the
tests, and what they check is what the processes see, not crash safety.
"""

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.integration.processes import free_port, port_open, stop, wait_for

USER = "orderflow"


def postgres_bin():
    """The directory of initdb and postgres: on PATH, or Debian's newest."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's "
                           "postgresql, or run `apt-get install postgresql`")
    return Path(versions[-1]).parent


def server_account():
    """The account the server runs as: None for the current one (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and there is no postgres or nobody user")


class PostgresServer:
    def __init__(self):
        self.bin = postgres_bin()
        self.account = server_account()
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="orderflow-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.process = None
        self._databases = 0

    def _as_server(self):
        if self.account is None:
            return {}
        return {"user": self.account.pw_uid, "group": self.account.pw_gid,
                "extra_groups": []}

    def start(self):
        """Make the cluster (the first time), then run the server on it."""
        # The cluster's own environment: no PG* variables of a developer's shell.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["HOME"] = str(self.directory)
        env["LC_ALL"] = env["LANG"] = "C.UTF-8"
        if not self.data.exists():
            if self.account is not None:
                os.chown(self.directory, self.account.pw_uid, self.account.pw_gid)
            subprocess.run(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                 "--encoding=UTF8", "--no-sync"],
                check=True, cwd=self.directory, env=env, capture_output=True,
                **self._as_server(),
            )
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.directory}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=100"],
            stdout=subprocess.DEVNULL, stderr=open(self.log, "ab"), cwd=self.directory,
            env=env, **self._as_server(),
        )
        wait_for(self._ready, what="the PostgreSQL server")
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"postgres exited: {self.log.read_text()[-2000:]}")
        if not port_open(self.port):
            return False
        try:
            self._execute("SELECT 1")
        except Exception:  # still starting: "the database system is starting up"
            return False
        return True

    def _execute(self, statement):
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=USER,
                                      dbname="postgres", connect_timeout=5)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create_database(self):
        """A new empty database; its name."""
        self._databases += 1
        name = f"orderflow_{self._databases}"
        self._execute(f"CREATE DATABASE {name}")
        return name

    def uri(self, database, **options):
        """The zodburi URI of `database` (RelStorage's postgres:// form)."""
        query = "&".join(f"{key}={value}" for key, value in options.items())
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}" + (
            f"?{query}" if query else "")

    def stop(self):
        """Stop the server; start() runs it again on the same cluster."""
        if self.process is not None:
            # SIGINT is PostgreSQL's fast shutdown: it ends the sessions still
            # open (SIGTERM would wait for them).
            self.process.send_signal(signal.SIGINT)
            stop(self.process)
            self.process = None

    def remove(self):
        """Stop the server and delete the cluster."""
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
