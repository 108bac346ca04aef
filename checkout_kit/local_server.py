"""Threaded loopback WSGI servers for local use: the emulator, the dev shop and
the tests' stand-ins. Werkzeug serves; this adds what each of them needs."""

from __future__ import annotations

import socket
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """Werkzeug prints every request; our servers log their own single line."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def check_port_free(host: str, port: int) -> None:
    """Raise OSError(EADDRINUSE) if taken: werkzeug would print and exit instead of raising."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve(app: Any, host: str = "127.0.0.1", port: int = 0, name: str = "http",
          wait_for_requests: bool = False, start: bool = True, read_timeout: float | None = None) -> BaseWSGIServer:
    """Bind `app` and serve it in a background thread; `shutdown()` then `server_close()` stops it.

    With `wait_for_requests`, `server_close()` also waits for requests still running. With
    `start=False` the port is bound (connections queue) and `start_serving` begins later.
    `read_timeout` bounds every socket read: a client that announces more body than it sends
    (or goes quiet) cannot hold a thread open.
    """
    check_port_free(host, port)
    handler = QuietHandler if read_timeout is None else type("TimedHandler", (QuietHandler,), {"timeout": read_timeout})
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    server.daemon_threads = not wait_for_requests  # type: ignore[attr-defined]
    if start:
        start_serving(server, name)
    return server


def start_serving(server: BaseWSGIServer, name: str = "http") -> None:
    # A short poll interval so shutdown() returns at once (tests start and stop many servers).
    threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), name=name, daemon=True).start()
