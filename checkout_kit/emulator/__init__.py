"""A local, stateful stand-in for the part of Stripe the kit uses.

`server.Emulator` is the entry point: it owns the state, the `/v1` API, the
hosted Checkout page, webhook delivery and the `/_emulator` control routes.
It is imported on first use (PEP 562), so that reading `cards` (the CLI's help
text) needs no Werkzeug: the owner's commands such as `check` then run on a
plain Python without the kit's dependencies.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Emulator"]


def __getattr__(name: str) -> Any:
    if name == "Emulator":
        from checkout_kit.emulator.server import Emulator

        return Emulator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
