"""A loopback TCP proxy that makes a database feel far away, and counts round trips.

Serverless functions reach their database over a network: 5–20 ms per round trip. Between a
client and PostgreSQL (both on 127.0.0.1) this proxy adds a fixed delay each time the client
speaks after the server did (a new round trip), and counts those turns, so a benchmark can
report how many round trips a request costs and what they cost at that distance. A pipelined
batch of statements is one turn; a statement that waits for the previous answer is another.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any


# The least delay per trip for counting trips right, as on a network: with none, an answer to the
# first part of a long batch (sent in pieces by libpq) can reach the proxy before the rest, which
# it would count as a new trip. The tests that count trips use it.
COUNTING_DELAY_S = 0.005


@dataclass
class Counts:
    round_trips: int = 0
    connections: int = 0


class LatencyProxy:
    def __init__(self, target_port: int, delay_s: float = 0.010, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.delay_s = delay_s
        self.counts = Counts()
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, name="latency-proxy", daemon=True).start()

    def through(self, url: str) -> str:
        """`url`, a database on the proxied server, reached through this proxy instead."""
        return url.replace(f":{self.target[1]}/", f":{self.port}/")

    def snapshot(self) -> Counts:
        with self._lock:
            return Counts(self.counts.round_trips, self.counts.connections)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            server = socket.create_connection(self.target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            with self._lock:
                self.counts.connections += 1
            state = {"server_spoke": True}  # the first client bytes start a round trip
            threading.Thread(target=self._pump, args=(client, server, state, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, state, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, state: dict, upstream: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if upstream:
                    if state["server_spoke"]:
                        state["server_spoke"] = False
                        with self._lock:
                            self.counts.round_trips += 1
                        time.sleep(self.delay_s)  # the wire's length, paid once per round trip
                else:
                    state["server_spoke"] = True
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass


def proxied_database(pg: Any, delay_s: float = 0.010) -> tuple[LatencyProxy, str]:
    """A new database on `pg` (a tests/support/postgres.py server) behind a new proxy that adds `delay_s`
    per round trip: (the proxy, the database's URL through it). The caller closes the proxy."""
    proxy = LatencyProxy(pg.port, delay_s)
    try:
        return proxy, proxy.through(pg.create_database())
    except BaseException:
        proxy.close()
        raise
