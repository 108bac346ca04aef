"""A throwaway PostgreSQL server for the tests, started from Debian's binaries.

initdb refuses to run as root, so as root the server runs as the `postgres`
system user (or `nobody`) through runuser, in a temp dir, on a free loopback
port. It starts in about a second and is removed afterwards.

The reliability suite plays outages with it: a small `max_connections`, `restart()`
(what a managed database's maintenance does) and `terminate(application_name)` (what an
idle timeout or Neon's autosuspend does).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.support.servers import free_port


def find_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


class PostgresServer:
    def __init__(self, max_connections: int = 200, durable: bool = False) -> None:
        """`durable` keeps PostgreSQL's own defaults (fsync, synchronous_commit, full-page writes on), as a
        production server runs; tests turn them off for speed."""
        initdb = find_bin("initdb")
        pg_ctl = find_bin("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kit-pg-"))
        self.data = self.dir / "data"
        self.user = None
        if os.geteuid() == 0:
            for candidate in ("postgres", "nobody"):
                try:
                    pwd.getpwnam(candidate)
                    self.user = candidate
                    break
                except KeyError:
                    continue
            shutil.chown(self.dir, user=self.user)
        self.dbuser = "kit"
        self.password = "kit-test-password"
        self.max_connections = max_connections
        self.durable = durable

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--"] + cmd
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)

    def start(self) -> "PostgresServer":
        pwfile = self.dir / "pw"
        pwfile.write_text(self.password)
        if self.user:
            shutil.chown(pwfile, user=self.user)
        self._run(self.initdb, "-D", str(self.data), "-U", self.dbuser, "--pwfile", str(pwfile), "-A", "scram-sha-256",
                  "--no-sync", "-E", "UTF8")
        self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "30", "-o",
                  f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                  + ("" if self.durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off ")
                  + f"-c max_connections={self.max_connections}", "start")
        return self

    def restart(self) -> None:
        """Stop (fast: open connections are ended) and start again on the same port and options."""
        self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "30", "-m", "fast",
                  "restart")

    def _admin(self, sql: str, params: tuple[object, ...]) -> int:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchone()[0]

    def terminate(self, application_name: str) -> int:
        """End every backend of `application_name` (pg_terminate_backend); how many there were."""
        return self._admin("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE application_name = %s AND pid <> pg_backend_pid()", (application_name,))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.dbuser}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"kit_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
        except Exception:
            pass
        time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)
