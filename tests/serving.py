"""An app served by waitress in a thread of the test process, stopped cleanly."""

import threading

import waitress
from waitress import wasyncore


class Served:
    """waitress on a loopback port (or the given socket) until stop().

    The loop runs in short turns and is ended before the server's sockets
    close: closing them under a running loop makes it fail on a dead file
    descriptor in its thread.
    """

    def __init__(self, app, threads=4, sock=None, **adjustments):
        options = {"sockets": [sock]} if sock is not None else {"host": "127.0.0.1", "port": 0}
        self.server = waitress.create_server(app, threads=threads, **options, **adjustments)
        self.origin = f"http://127.0.0.1:{self.server.effective_port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="waitress", daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            wasyncore.loop(timeout=0.05, map=self.server._map, count=1)

    def stop(self, timeout=30):
        self._stop.set()
        self._thread.join(timeout)
        self.server.close()
