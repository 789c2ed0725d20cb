"""Real processes for multi-process tests: a ZEO server and waitress apps.

Each listens on a free port of 127.0.0.1, is waited for until it answers,
and is stopped (terminated, then killed) by the test that started it.
"""

import json
import os
from pathlib import Path
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout=30.0, what="a server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not come up within {timeout} s")


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def clean_env():
    env = dict(os.environ)
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "PUBLIC_ORIGIN",
                 "ORDERFLOW_SESSION_SECRET", "ORDERFLOW_ZODB_URI"):
        env.pop(name, None)
    return env


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class ZeoServer:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.process = None

    @property
    def uri(self):
        return f"zeo://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [str(BIN / "runzeo"), "-a", f"127.0.0.1:{self.port}",
             "-f", str(self.directory / "Data.fs")],
            stdout=subprocess.DEVNULL, stderr=open(self.directory / "zeo.log", "ab"),
            env=clean_env(),
        )
        wait_for(lambda: port_open(self.port), what="the ZEO server")
        return self

    def stop(self):
        if self.process is not None:
            stop(self.process)
            self.process = None


class AppProcess:
    """`pserve` on an ini of its own that takes the app from development.ini."""

    def __init__(self, directory, name, settings):
        self.directory = Path(directory)
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.ini = self.directory / f"{name}.ini"
        lines = ["[app:main]", f"use = config:{REPO / 'development.ini'}#main",
                 f"orderflow.public_origin = {self.origin}"]
        lines += [f"{key} = {value}" for key, value in settings.items()]
        lines += ["", "[server:main]", "use = egg:waitress#main",
                  f"listen = 127.0.0.1:{self.port}", "threads = 4", ""]
        # INFO and above to the process's log file, which tests may read.
        lines += ["[loggers]", "keys = root", "[handlers]", "keys = console",
                  "[formatters]", "keys = generic", "[logger_root]", "level = INFO",
                  "handlers = console", "[handler_console]", "class = StreamHandler",
                  "args = (sys.stderr,)", "formatter = generic", "[formatter_generic]",
                  "format = %(asctime)s %(levelname)s [%(name)s] %(message)s", ""]
        self.ini.write_text("\n".join(lines))
        self.log = self.directory / f"{name}.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(BIN / "pserve"), str(self.ini)],
            stdout=subprocess.DEVNULL, stderr=open(self.log, "ab"), env=clean_env(),
        )
        wait_for(self._answers, timeout=60, what=f"the app at {self.origin}")
        return self

    def _answers(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"the app exited: {self.log.read_text()[-2000:]}")
        try:
            return self.get("/api/products")[0] == 200
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            stop(self.process)
            self.process = None

    def request(self, method, path, body=None, headers=None, timeout=60):
        request = urllib.request.Request(self.origin + path, data=body, method=method,
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, path):
        return self.request("GET", path)

    def post_json(self, path, data):
        return self.request("POST", path, json.dumps(data).encode(),
                            {"Content-Type": "application/json"})

    def post_event(self, body, header):
        return self.request("POST", "/api/payments/webhook", body,
                            {"Content-Type": "application/json", "Stripe-Signature": header})
