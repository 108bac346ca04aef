"""The storm: many client processes delivering many signed events, duplicates of each
arriving together at different servers, while the servers' database connections and file
descriptors are sampled. Shared by the reliability tests (which assert on what it found) and
`make bench` (which reports its speed); it checks nothing about the kit itself.
"""

from __future__ import annotations

import json
import os
import select
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tests.reliability.delivery import CLIENT_TIMEOUT_S, WEBHOOK_SECRET, Answer, deliver
from tests.reliability.processes import ROOT, ShopProcess, server_env, shop_processes
from tests.reliability.stripe_side import Paid, StripeSide

KIT_APPLICATION = "checkout-kit"  # the application_name the kit's PostgreSQL connections carry


def duplicate_plan(paid: list[Paid], copies: int, clients: int, urls: list[str]) -> list[list[tuple[str, str]]]:
    """Each client's deliveries, (event id, url) in order, so that the `copies` deliveries of an
    event are sent by different clients at the same step (they arrive together) and go to
    different servers when there are several."""
    if clients % copies:
        raise ValueError("clients must be a multiple of copies")
    groups = clients // copies
    plans: list[list[tuple[str, str]]] = [[] for _ in range(clients)]
    for n, one in enumerate(paid):
        group = n % groups
        for copy in range(copies):
            plans[group * copies + copy].append((one.event_id, urls[(n + copy) % len(urls)]))
    return plans


def run_clients(plans: list[list[tuple[str, str]]], paid: list[Paid], workdir: Path,
                timeout: float = 240.0) -> list[Answer]:
    """One client process per plan, released together; every answer. Processes are killed on
    the way out whatever happens, and a client that overruns `timeout` fails the run."""
    events_file = workdir / "events.json"
    events_file.write_text(json.dumps({p.event_id: p.body.decode() for p in paid}))
    deadline = time.monotonic() + timeout
    with ExitStack() as stack:
        procs = []
        for n, deliveries in enumerate(plans):
            plan = workdir / f"client-{n}.json"
            plan.write_text(json.dumps({"events_file": str(events_file), "secret": WEBHOOK_SECRET,
                                        "timeout": CLIENT_TIMEOUT_S, "deliveries": deliveries}))
            err = stack.enter_context(open(workdir / f"client-{n}.err", "w"))
            proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.client", str(plan)], cwd=ROOT,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
            stack.callback(_kill, proc)
            procs.append(proc)
        for proc in procs:
            assert _read_line(proc, deadline) == "ready", f"client {proc.pid} did not start"
        for proc in procs:  # go
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers: list[Answer] = []
        for proc in procs:
            line = _read_line(proc, deadline)
            assert line.startswith("["), f"client {proc.pid} gave no answers: {line!r}"
            answers += [Answer(**a) for a in json.loads(line)]
        return answers


def _read_line(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
    return proc.stdout.readline().strip() if ready else ""


def _kill(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


class Sampler:
    """Calls `probe()` every `interval` seconds in a thread while in the `with` block; keeps the
    values (a probe that fails or answers None, e.g. during a restart, is skipped)."""

    def __init__(self, probe: Callable[[], int | None], interval: float = 0.02) -> None:
        self.probe = probe
        self.interval = interval
        self.values: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _run(self) -> None:
        while True:
            try:
                value = self.probe()
            except Exception:
                value = None
            if value is not None:
                self.values.append(value)
            if self._stop.wait(self.interval):
                return

    @property
    def peak(self) -> int:
        return max(self.values, default=0)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(10)


class ConnectionCounter:
    """Counts the kit's open connections to one PostgreSQL database (pg_stat_activity), over a
    connection of its own."""

    def __init__(self, database_url: str) -> None:
        import psycopg

        self.database = database_url.rsplit("/", 1)[1]
        self.conn = psycopg.connect(database_url, autocommit=True, connect_timeout=5,
                                    application_name="reliability-probe")

    def __call__(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s "
                                 "AND datname = %s", (KIT_APPLICATION, self.database)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()


@dataclass
class StormReport:
    answers: list[Answer]
    seconds: float
    baseline_fds: dict[int, int] = field(default_factory=dict)  # server pid -> fds when idle and connected
    peak_fds: dict[int, int] = field(default_factory=dict)
    peak_connections: int = 0  # database connections of all servers together

    @property
    def statuses(self) -> Counter[int]:
        return Counter(a.status for a in self.answers)

    @property
    def events_per_s(self) -> float:
        return len(self.answers) / self.seconds

    def latency_ms(self, quantile: float) -> float:
        ordered = sorted(a.elapsed for a in self.answers)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(a.elapsed for a in self.answers) * 1000

    @property
    def fd_growth(self) -> int:
        """The largest rise of any server's descriptors over its idle baseline during the storm."""
        return max((self.peak_fds[pid] - base for pid, base in self.baseline_fds.items()), default=0)


def warm_up(server: ShopProcess) -> None:
    """One event the kit ignores: the server connects to its database (and migrates) before the
    baseline is taken, so the baseline holds the connection and the storm measures growth."""
    body = json.dumps({"id": f"evt_warmup_{server.pid}", "object": "event", "type": "customer.created",
                       "data": {"object": {"id": "cus_warmup"}}}).encode()
    answer = deliver(server.url, f"evt_warmup_{server.pid}", body)
    assert answer.status == 200, answer


def connection_probe(database_url: str, servers: list[ShopProcess], stack: ExitStack) -> Callable[[], int | None]:
    """How many database connections the servers hold now: the kit's backends in PostgreSQL's
    pg_stat_activity, or the servers' open handles on the SQLite file (one per connection)."""
    if database_url.startswith("sqlite:///"):
        path = os.path.realpath(database_url[len("sqlite:///"):])

        def sqlite_handles() -> int | None:
            counts = [s.open_files(path) for s in servers]
            return None if None in counts else sum(c or 0 for c in counts)
        return sqlite_handles
    counter = ConnectionCounter(database_url)
    stack.callback(counter.close)
    return counter


def storm(servers: list[ShopProcess], paid: list[Paid], copies: int, clients: int, workdir: Path,
          database_url: str, interval: float = 0.02) -> StormReport:
    """Deliver every event `copies` times from `clients` processes across `servers`, sampling each
    server's file descriptors and the database connections they hold together."""
    for server in servers:
        warm_up(server)
    plans = duplicate_plan(paid, copies, clients, [s.url for s in servers])
    baseline = {s.pid: s.open_fds() or 0 for s in servers}
    with ExitStack() as stack:
        fd_samplers = {s.pid: stack.enter_context(Sampler(s.open_fds, interval)) for s in servers}
        connections = stack.enter_context(Sampler(connection_probe(database_url, servers, stack), interval))
        answers = run_clients(plans, paid, workdir)
    # From the first delivery sent to the last answer received (client start-up excluded).
    seconds = max(a.sent_at + a.elapsed for a in answers) - min(a.sent_at for a in answers)
    return StormReport(answers, seconds, baseline, {pid: s.peak for pid, s in fd_samplers.items()},
                       connections.peak)


@dataclass
class StormRun:
    paid: list[Paid]
    report: StormReport
    logs: str  # every server's log


def run_storm(database_url: str, stripe_side: StripeSide, mail: dict[str, str], workdir: Path, sessions: int,
              copies: int, clients: int, servers: int = 1, tag: str = "storm", **settings: str) -> StormRun:
    """Pay `sessions` sessions, start `servers` server processes on `database_url`, storm them, stop them."""
    paid = stripe_side.pay(sessions, tag)
    env = server_env(database_url, stripe_side.url, mail, **settings)
    with shop_processes(env, servers, workdir) as processes:
        report = storm(processes, paid, copies, clients, workdir, database_url)
        logs = "".join(p.log() for p in processes)
    return StormRun(paid, report, logs)
