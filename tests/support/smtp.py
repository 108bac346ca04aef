"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage
from typing import Any, Callable

from aiosmtpd.controller import Controller

from tests.support.servers import free_port, wait_on


class _Collect:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.cond:
            self.server.messages.append(message)  # type: ignore[arg-type]
            self.server.cond.notify_all()
        return "250 OK"


class SmtpServer:
    """`start()`/`stop()` can be called again on the same port, to play an outage."""

    def __init__(self) -> None:
        self.port = free_port()  # aiosmtpd's own port=0 fails its readiness check
        self.messages: list[EmailMessage] = []
        self.cond = threading.Condition()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        self.controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, predicate: Callable[[list[EmailMessage]], bool], timeout: float = 10.0) -> list[EmailMessage]:
        return wait_on(self.cond, self.messages, predicate, timeout,
                       lambda: f"mail so far: {[m['Subject'] for m in self.messages]}")

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part else ""
