"""A local, stateful stand-in for the part of Stripe the kit uses.

`server.Emulator` is the entry point: it owns the state, the `/v1` API, the
hosted Checkout page, webhook delivery and the `/_emulator` control routes.
"""

from checkout_kit.emulator.server import Emulator

__all__ = ["Emulator"]
