"""Small real servers for tests: a webhook receiver that answers as told."""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from werkzeug.wrappers import Request, Response

from checkout_kit.local_server import serve


def wait_on(cond: threading.Condition, items: list[Any], predicate: Callable[[list[Any]], bool],
            timeout: float, what: Callable[[], str]) -> list[Any]:
    """Block on `cond` until `predicate(items)` holds; a copy of `items`, or AssertionError naming `what()`."""
    deadline = time.time() + timeout
    with cond:
        while not predicate(items):
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(f"timed out; {what()}")
            cond.wait(left)
        return list(items)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class WebhookReceiver:
    """Records every POST; answers with `statuses` in turn, then 200."""

    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    on_request: Callable[[Request], None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._server = serve(self._app, name="webhook-receiver")
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhook"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            status = self.statuses.pop(0) if self.statuses else 200
            self.received.append(Received(dict(request.headers), request.get_data(), status))
            self._lock.notify_all()
        return Response("{}", status=status, mimetype="application/json")(environ, start_response)

    def wait_for(self, predicate: Callable[[list[Received]], bool], timeout: float = 10.0) -> list[Received]:
        return wait_on(self._lock, self.received, predicate, timeout, lambda: f"received {len(self.received)} deliveries")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class LandingServer:
    """A stand-in shop that answers every GET with a page naming the path it got."""

    def __init__(self) -> None:
        self._server = serve(self._app, name="landing")
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    @staticmethod
    def _app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = f"<!doctype html><title>Landed</title><h1 id='landed'>{request.path}</h1>"
        return Response(body, mimetype="text/html")(environ, start_response)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class HangingServer:
    """A TCP server that accepts connections and never answers (a hung Stripe or SMTP server).

    `greeting` is sent first if given (an SMTP server that greets, then stalls). It counts the
    connections it held (`count`), and closes them all on `close()`.

    With `forward_to` (host, port) it can also play the service coming and going on the same
    address: `mode` is "hang" (the default), "down" (each connection is reset at once, like a
    crashed server) or "forward" (bytes are piped to the real service). A change applies to
    connections accepted afterwards.
    """

    MODES = ("hang", "down", "forward")

    def __init__(self, greeting: bytes = b"", forward_to: tuple[str, int] | None = None) -> None:
        self.greeting = greeting
        self.forward_to = forward_to
        self.mode = "hang"
        self.connections: list[socket.socket] = []
        self.reset = 0  # connections refused in "down" mode
        self._pipes: list[list[socket.socket]] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="hanging-server", daemon=True)
        self._thread.start()

    def set_mode(self, mode: str) -> None:
        if mode not in self.MODES or (mode == "forward" and self.forward_to is None):
            raise ValueError(f"mode must be one of {self.MODES} (forward needs forward_to)")
        self.mode = mode

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            mode = self.mode
            if mode == "down":
                self.reset += 1  # counted before the client can see it: a test may check right after
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
                conn.close()
            elif mode == "forward":
                self._forward(conn)
            else:
                if self.greeting:
                    conn.sendall(self.greeting)
                self.connections.append(conn)

    def _forward(self, conn: socket.socket) -> None:
        assert self.forward_to is not None
        try:
            upstream = socket.create_connection(self.forward_to, timeout=5)
        except OSError:
            conn.close()
            return
        upstream.settimeout(None)
        conn.settimeout(None)
        pair = [conn, upstream]
        self._pipes.append(pair)
        ended: list[bool] = []
        lock = threading.Lock()

        def pipe(source: socket.socket, sink: socket.socket) -> None:
            _pipe(source, sink)
            with lock:
                ended.append(True)
                last = len(ended) == 2
            if last:  # both directions ended: this pair is done
                self._pipes.remove(pair)
                _quiet_close(conn)
                _quiet_close(upstream)

        for source, sink in ((conn, upstream), (upstream, conn)):
            threading.Thread(target=pipe, args=(source, sink), name="hanging-server-pipe", daemon=True).start()

    @property
    def count(self) -> int:
        return len(self.connections)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self.connections + [sock for pair in list(self._pipes) for sock in pair]:
            _quiet_close(conn)
        self._sock.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes one way until the source ends, then pass the end on to the sink."""
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    try:
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _quiet_close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass
