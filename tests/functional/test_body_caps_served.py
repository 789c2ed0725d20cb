"""The body caps as served: waitress with the inis' settings in front of the app (SPEC §12)."""

import configparser
import json
from pathlib import Path
import socket

import pytest

from orderflow.adapters.web.limits import MAX_BODY_BYTES
from tests.functional.conftest import stored_counts
from tests.serving import Served

ROOT = Path(__file__).parent.parent.parent
INIS = ["development.ini", "production.ini"]
WEBHOOK = "/api/payments/webhook"


def server_setting(ini, name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / ini)
    return parser.get("server:main", name, fallback=None)


@pytest.mark.parametrize("ini", INIS)
def test_each_ini_caps_bodies_in_waitress_just_above_the_apps_own_cap(ini):
    value = server_setting(ini, "max_request_body_size")
    assert value is not None, f"{ini} leaves waitress at its 1 GiB default"
    assert MAX_BODY_BYTES < int(value) <= 2 * MAX_BODY_BYTES


@pytest.fixture
def served(shop):
    limit = int(server_setting("production.ini", "max_request_body_size"))
    server = Served(shop.app, threads=2, max_request_body_size=limit)
    yield server, limit
    server.stop()


def exchange(server, head, body=b""):
    """Send a request (headers, then `body`) and read the answer's head and body."""
    host, port = server.origin.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head.encode("latin-1") + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
        status_line = received.split(b"\r\n", 1)[0].decode()
        return status_line, received


def test_waitress_refuses_a_large_announced_body_without_waiting_for_it(served, shop):
    server, limit = served
    # Only the headers are sent: an answer means nothing waited for the body.
    head = (f"POST {WEBHOOK} HTTP/1.1\r\nHost: shop.test\r\n"
            f"Content-Type: application/json\r\nContent-Length: {100 * limit}\r\n\r\n")
    status_line, _ = exchange(server, head)
    assert " 413 " in status_line
    assert stored_counts(shop)["events"] == 0


def test_a_body_between_the_two_caps_gets_the_apps_json_413(served, shop):
    server, _ = served
    body = json.dumps({"padding": "x" * MAX_BODY_BYTES}).encode()
    head = (f"POST {WEBHOOK} HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    status_line, received = exchange(server, head, body)
    assert " 413 " in status_line
    assert b"application/json" in received.split(b"\r\n\r\n", 1)[0]
