"""Fixtures of the reliability suite: Stripe's side (the emulator), a PostgreSQL server with
`max_connections=20` (4 servers × a pool of 4 must fit), the mail API stand-in, and a
database URL per test (`database`, parametrized over SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.reliability.stripe_side import StripeSide
from tests.support.deploy import MailApiStandIn
from tests.support.postgres import PostgresServer

MAX_CONNECTIONS = 20


@pytest.fixture(scope="session")
def pg20() -> Iterator[PostgresServer]:
    server = PostgresServer(max_connections=MAX_CONNECTIONS).start()
    yield server
    server.stop()


@pytest.fixture
def stripe_side() -> Iterator[StripeSide]:
    with StripeSide() as side:
        yield side


@pytest.fixture
def mail_api() -> Iterator[MailApiStandIn]:
    api = MailApiStandIn()
    yield api
    api.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: a SQLite file, or a new database on the max_connections=20 server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/orders.db"
    return request.getfixturevalue("pg20").create_database()
