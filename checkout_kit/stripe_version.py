"""The one Stripe API version the kit speaks.

It is the version pinned by the pinned `stripe` SDK (requirements.txt); a test
checks the two agree. Kept as a constant so that code which only needs the
version (the emulator, the webhook path) does not pay for importing `stripe`.
"""

API_VERSION = "2026-10-28.endive"
